#pragma once

#include <QSyntaxHighlighter>

namespace athanor::ui {

// Colours JSON text (keys, strings, numbers, literals, serde tags) for the Raw JSON tab; colours come from
// the palette so the text reads on light and dark backgrounds.
class JsonHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit JsonHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;
};

} // namespace athanor::ui

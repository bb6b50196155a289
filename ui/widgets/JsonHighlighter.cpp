#include "widgets/JsonHighlighter.h"

#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QRegularExpression>

namespace athanor::ui {

JsonHighlighter::JsonHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

void JsonHighlighter::highlightBlock(const QString& text) {
    const ThemeColors colors(QApplication::palette());
    static const QRegularExpression stringRe(QStringLiteral(R"("(?:[^"\\]|\\.)*")"));
    static const QRegularExpression numberRe(
        QStringLiteral(R"((?<![\w."])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"));
    static const QRegularExpression literalRe(QStringLiteral(R"(\b(?:true|false|null)\b)"));

    for (auto it = numberRe.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), colors.number());
    }
    for (auto it = literalRe.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()),
                  colors.keyword());
    }
    for (auto it = stringRe.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const int start = static_cast<int>(m.capturedStart());
        const int length = static_cast<int>(m.capturedLength());
        // A string followed by a colon is a key.
        int after = start + length;
        while (after < text.size() && text.at(after).isSpace())
            ++after;
        const bool isKey = after < text.size() && text.at(after) == QLatin1Char(':');
        QTextCharFormat format;
        if (isKey && m.captured().startsWith(QStringLiteral("\"@")))
            format.setForeground(colors.tag());
        else if (isKey)
            format.setForeground(colors.key());
        else
            format.setForeground(colors.string());
        if (isKey)
            format.setFontWeight(QFont::DemiBold);
        setFormat(start, length, format);
    }
}

} // namespace athanor::ui

#pragma once

#include "events/EngineEvent.h"

#include <QRegularExpression>
#include <QSortFilterProxyModel>

namespace athanor::ui {

// Level flags plus a text filter (case-insensitive substring, or a regular expression) over LogModel.
// The same pattern drives the delegate's match highlighting, so what is filtered is what is highlighted.
class LogFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    static constexpr unsigned kAllLevels = 0x1f;
    static constexpr unsigned levelBit(athanor::LogLevel level) { return 1u << unsigned(level); }

    explicit LogFilterProxyModel(QObject* parent = nullptr);

    unsigned levelMask() const { return m_levelMask; }
    void setLevelMask(unsigned mask);
    void setLevelEnabled(athanor::LogLevel level, bool enabled);

    // An invalid regular expression filters nothing and reports itself through isPatternValid().
    void setTextFilter(const QString& text, bool regularExpression);
    QString textFilter() const { return m_text; }
    bool isPatternValid() const { return m_patternValid; }
    // Empty when there is no text filter; otherwise the case-insensitive pattern matches are found with.
    const QRegularExpression& highlightPattern() const { return m_pattern; }

signals:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    unsigned m_levelMask = kAllLevels;
    QString m_text;
    QRegularExpression m_pattern;
    bool m_patternValid = true;
};

} // namespace athanor::ui

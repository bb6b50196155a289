#include "log/LogFilterProxyModel.h"

#include "log/LogModel.h"

namespace athanor::ui {

LogFilterProxyModel::LogFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    // Filtering only: log order is the model's order, never re-sorted.
    setDynamicSortFilter(true);
}

void LogFilterProxyModel::setLevelMask(unsigned mask) {
    if (mask == m_levelMask)
        return;
    m_levelMask = mask;
    invalidateRowsFilter();
    emit filterChanged();
}

void LogFilterProxyModel::setLevelEnabled(athanor::LogLevel level, bool enabled) {
    setLevelMask(enabled ? (m_levelMask | levelBit(level)) : (m_levelMask & ~levelBit(level)));
}

void LogFilterProxyModel::setTextFilter(const QString& text, bool regularExpression) {
    QRegularExpression pattern;
    bool valid = true;
    if (!text.isEmpty()) {
        pattern = QRegularExpression(regularExpression ? text : QRegularExpression::escape(text),
                                     QRegularExpression::CaseInsensitiveOption);
        valid = pattern.isValid();
        if (!valid)
            pattern = QRegularExpression();
        else
            pattern.optimize();
    }
    m_text = text;
    m_pattern = pattern;
    m_patternValid = valid;
    invalidateRowsFilter();
    emit filterChanged();
}

bool LogFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const auto* model = qobject_cast<const LogModel*>(sourceModel());
    if (!model || sourceParent.isValid())
        return true;
    const LogEntry& e = model->entry(sourceRow);
    if ((m_levelMask & levelBit(e.level)) == 0)
        return false;
    if (m_pattern.pattern().isEmpty())
        return true;
    return m_pattern.match(e.message).hasMatch() || m_pattern.match(e.fqn).hasMatch();
}

} // namespace athanor::ui

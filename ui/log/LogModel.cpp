#include "log/LogModel.h"

#include "log/LogLevelStyle.h"

#include <QDateTime>
#include <algorithm>

namespace athanor::ui {

LogModel::LogModel(int capacity, QObject* parent)
    : QAbstractListModel(parent), m_entries(std::size_t(capacity > 0 ? capacity : kDefaultCapacity)) {}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry& e = m_entries.at(std::size_t(index.row()));
    switch (role) {
    case Qt::DisplayRole:
    case MessageRole:
        return e.message;
    case Qt::ToolTipRole:
        return formatLine(e, true);
    case LevelRole:
        return int(e.level);
    case TimeRole:
        return e.timeMs;
    case FqnRole:
        return e.fqn;
    default:
        return {};
    }
}

QHash<int, QByteArray> LogModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(LevelRole, "level");
    names.insert(TimeRole, "time");
    names.insert(FqnRole, "fqn");
    names.insert(MessageRole, "message");
    return names;
}

void LogModel::append(LogEntry entry) {
    std::vector<LogEntry> one;
    one.push_back(std::move(entry));
    appendBatch(std::move(one));
}

void LogModel::appendBatch(std::vector<LogEntry> entries) {
    if (entries.empty())
        return;
    const std::size_t cap = m_entries.capacity();
    std::size_t first = 0;
    if (entries.size() > cap)
        first = entries.size() - cap; // only the newest `cap` can survive anyway
    const std::size_t incoming = entries.size() - first;
    std::size_t overflow = m_entries.size() + incoming > cap ? m_entries.size() + incoming - cap : 0;
    // Removing rows at the front costs every proxy and view O(rows); dropping 5% at a time makes that
    // happen once per 5,000 lines instead of on every batch.
    if (overflow > 0)
        overflow = std::min(m_entries.size(), std::max(overflow, cap / 20));
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_entries.dropFront(overflow);
        endRemoveRows();
    }
    const int start = int(m_entries.size());
    beginInsertRows({}, start, start + int(incoming) - 1);
    for (std::size_t i = first; i < entries.size(); ++i)
        m_entries.push(std::move(entries[i]));
    endInsertRows();
}

void LogModel::replaceAll(std::vector<LogEntry> entries) {
    beginResetModel();
    m_entries.clear();
    const std::size_t cap = m_entries.capacity();
    const std::size_t first = entries.size() > cap ? entries.size() - cap : 0;
    for (std::size_t i = first; i < entries.size(); ++i)
        m_entries.push(std::move(entries[i]));
    endResetModel();
}

void LogModel::clear() {
    if (m_entries.empty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

QString LogModel::formatLine(const LogEntry& entry, bool withTimestamp) {
    if (!withTimestamp)
        return entry.message;
    const QString time = QDateTime::fromMSecsSinceEpoch(entry.timeMs)
                             .toLocalTime()
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    return time + QLatin1Char(' ') + LogLevelStyle::label(entry.level).leftJustified(5) + QLatin1Char(' ') +
           entry.message;
}

} // namespace athanor::ui

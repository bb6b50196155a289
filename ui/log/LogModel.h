#pragma once

#include "log/LogEntry.h"
#include "log/LogRingBuffer.h"

#include <QAbstractListModel>
#include <vector>

namespace athanor::ui {

// The log pane's model: the newest `capacity` lines in a ring buffer. Appending is batched (one
// beginInsertRows per batch) and overflow drops the oldest rows (at least 5% of the capacity at a time) with
// begin/endRemoveRows, so views and proxies stay consistent while the memory stays bounded however long a
// run talks.
class LogModel : public QAbstractListModel {
    Q_OBJECT

public:
    enum Role {
        LevelRole = Qt::UserRole + 1, // int(athanor::LogLevel)
        TimeRole,                     // qint64 ms since the epoch
        FqnRole,                      // QString
        MessageRole,                  // QString (same as DisplayRole)
    };

    static constexpr int kDefaultCapacity = 100000;

    explicit LogModel(int capacity = kDefaultCapacity, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int capacity() const { return int(m_entries.capacity()); }
    const LogEntry& entry(int row) const { return m_entries.at(std::size_t(row)); }

    void append(LogEntry entry);
    void appendBatch(std::vector<LogEntry> entries);
    // Replaces everything (a past run's log reopened from history).
    void replaceAll(std::vector<LogEntry> entries);
    void clear();

    // "2024-05-01 12:00:00.123 INFO  message" or just the message.
    static QString formatLine(const LogEntry& entry, bool withTimestamp);

private:
    LogRingBuffer<LogEntry> m_entries;
};

} // namespace athanor::ui

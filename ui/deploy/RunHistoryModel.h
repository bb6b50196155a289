#pragma once

#include "deploy/RunHistoryEntry.h"

#include <QAbstractTableModel>
#include <vector>

namespace athanor::ui {

// Past runs of the open project, newest first (RunHistoryTab lists them off the GUI thread).
class RunHistoryModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        StartedColumn,
        PhaseColumn,
        StageColumn,
        ResultColumn,
        DurationColumn,
        CountsColumn,
        ColumnCount
    };
    enum Role { SummaryFileRole = Qt::UserRole + 1, LogFileRole };

    explicit RunHistoryModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setEntries(std::vector<RunHistoryEntry> entries);
    const RunHistoryEntry& entry(int row) const { return m_entries.at(std::size_t(row)); }

private:
    std::vector<RunHistoryEntry> m_entries;
};

} // namespace athanor::ui

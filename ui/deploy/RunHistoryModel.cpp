#include "deploy/RunHistoryModel.h"

#include "deploy/RunHistoryStore.h"
#include "widgets/ThemeColors.h"

#include <QApplication>

namespace athanor::ui {

RunHistoryModel::RunHistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

int RunHistoryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RunHistoryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunHistoryModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunHistoryEntry& e = m_entries[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StartedColumn:
            return e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case PhaseColumn:
            return phaseTitle(e.phase);
        case StageColumn:
            return e.app.isEmpty() ? e.stage : e.app + QStringLiteral(" / ") + e.stage;
        case ResultColumn:
            return runEndText(e.end);
        case DurationColumn:
            return durationText(e.durationMs);
        case CountsColumn:
            if (e.end == RunEnd::LockHeld || e.end == RunEnd::Error)
                return e.error.section(QLatin1Char('\n'), 0, 0);
            // Summaries written before plans recorded their counts have none: say only what is known.
            return e.phase == athanor::Phase::Plan && !e.planned.empty() ? plannedText(e.planned)
                                                                         : countsText(e.counts);
        default:
            return {};
        }
    case Qt::ToolTipRole: {
        QString tip = e.summaryFile;
        if (!e.firstFailureFqn.isEmpty())
            tip += QStringLiteral("\n") +
                   tr("First failure: %1: %2").arg(e.firstFailureFqn, e.firstFailureMessage);
        if (!e.error.isEmpty())
            tip += QStringLiteral("\n") + e.error;
        return tip;
    }
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn) {
            const ThemeColors c(QApplication::palette());
            switch (e.end) {
            case RunEnd::Succeeded:
                return c.success();
            case RunEnd::Cancelled:
                return c.warning();
            case RunEnd::Failed:
            case RunEnd::LockHeld:
            case RunEnd::Error:
                return c.danger();
            }
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == DurationColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                : QVariant();
    case SummaryFileRole:
        return e.summaryFile;
    case LogFileRole:
        return e.logFile;
    default:
        return {};
    }
}

QVariant RunHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StartedColumn:
        return tr("Started");
    case PhaseColumn:
        return tr("Phase");
    case StageColumn:
        return tr("Stage");
    case ResultColumn:
        return tr("Result");
    case DurationColumn:
        return tr("Duration");
    case CountsColumn:
        return tr("Changes");
    default:
        return {};
    }
}

void RunHistoryModel::setEntries(std::vector<RunHistoryEntry> entries) {
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

} // namespace athanor::ui

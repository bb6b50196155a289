#include "deploy/TaskListModel.h"

#include "deploy/EventLogFormat.h"
#include "deploy/RunOutcome.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QPalette>

namespace athanor::ui {

namespace {

using athanor::EventType;

// Braille spinner frames, as Alchemy's own TUI (ink-spinner "dots") shows them.
const QString kSpinner[] = {
    QStringLiteral("⠋"), QStringLiteral("⠙"), QStringLiteral("⠹"), QStringLiteral("⠸"), QStringLiteral("⠼"),
    QStringLiteral("⠴"), QStringLiteral("⠦"), QStringLiteral("⠧"), QStringLiteral("⠇"), QStringLiteral("⠏")};
constexpr int kSpinnerFrames = int(sizeof(kSpinner) / sizeof(kSpinner[0]));

bool counts(TaskListModel::State s) {
    return s == TaskListModel::State::Done || s == TaskListModel::State::Skipped ||
           s == TaskListModel::State::Failed;
}

} // namespace

TaskListModel::TaskListModel(QObject* parent) : QAbstractTableModel(parent) {
    m_spinner.setInterval(100);
    connect(&m_spinner, &QTimer::timeout, this, &TaskListModel::tick);
    m_clock.start();
}

int TaskListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TaskListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString TaskListModel::stateText(State state) {
    switch (state) {
    case State::Pending:
        return tr("waiting");
    case State::Running:
        return tr("running");
    case State::Done:
        return tr("done");
    case State::Skipped:
        return tr("skipped");
    case State::Failed:
        return tr("failed");
    case State::NotStarted:
        return tr("not started");
    }
    return {};
}

QVariant TaskListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Task& t = m_rows[std::size_t(index.row())];
    if (role == StateRole)
        return int(t.state);
    if (role == FqnRole)
        return t.fqn;
    if (role == Qt::ToolTipRole) {
        QString tip = t.fqn + QLatin1Char('\n') + stateText(t.state);
        if (!t.message.isEmpty())
            tip += QLatin1Char('\n') + t.message;
        return tip;
    }
    if (role == Qt::ForegroundRole) {
        const ThemeColors colors(QApplication::palette());
        if (index.column() == StatusColumn || index.column() == ActionColumn ||
            index.column() == MessageColumn) {
            switch (t.state) {
            case State::Done:
                return colors.success();
            case State::Failed:
                return colors.danger();
            case State::Running:
                return colors.info();
            case State::Skipped:
            case State::Pending:
            case State::NotStarted:
                return colors.muted();
            }
        }
        if (t.state == State::NotStarted || t.state == State::Pending)
            return colors.muted();
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        if (index.column() == StatusColumn)
            return int(Qt::AlignCenter);
        if (index.column() == DurationColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case StatusColumn:
        switch (t.state) {
        case State::Pending:
            return QStringLiteral("·");
        case State::Running:
            return kSpinner[m_frame % kSpinnerFrames];
        case State::Done:
            return QStringLiteral("✓");
        case State::Skipped:
            return QStringLiteral("–");
        case State::Failed:
            return QStringLiteral("✗");
        case State::NotStarted:
            return QStringLiteral("○");
        }
        return {};
    case ResourceColumn:
        return t.path;
    case KindColumn:
        return t.kind;
    case ActionColumn:
        if (t.state == State::Pending || (t.state == State::NotStarted && t.action.isEmpty()))
            return stateText(t.state);
        return t.action;
    case DurationColumn:
        if (t.state == State::Running && t.startedAt >= 0)
            return durationText(m_clock.elapsed() - t.startedAt);
        return t.durationMs >= 0 ? durationText(qint64(t.durationMs)) : QString();
    case MessageColumn:
        return t.message.section(QLatin1Char('\n'), 0, 0);
    default:
        return {};
    }
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StatusColumn:
        return QString();
    case ResourceColumn:
        return tr("Resource");
    case KindColumn:
        return tr("Kind");
    case ActionColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

void TaskListModel::reset(const std::vector<Planned>& planned) {
    beginResetModel();
    m_rows.clear();
    m_byFqn.clear();
    m_done = 0;
    m_running = 0;
    m_total = 0;
    for (const Planned& p : planned) {
        if (m_byFqn.contains(p.fqn))
            continue;
        Task t;
        t.fqn = p.fqn;
        t.path = stageRelativePath(p.fqn);
        t.kind = p.kind;
        m_byFqn.insert(t.fqn, int(m_rows.size()));
        m_rows.push_back(std::move(t));
    }
    endResetModel();
    m_spinner.stop();
    emit progressChanged(m_done, totalCount());
}

int TaskListModel::ensureRow(const QString& fqn, const QString& kind) {
    if (const int r = m_byFqn.value(fqn, -1); r >= 0) {
        if (m_rows[std::size_t(r)].kind.isEmpty() && !kind.isEmpty()) {
            m_rows[std::size_t(r)].kind = kind;
            emitRowChanged(r);
        }
        return r;
    }
    const int r = int(m_rows.size());
    beginInsertRows({}, r, r);
    Task t;
    t.fqn = fqn;
    t.path = stageRelativePath(fqn);
    t.kind = kind;
    m_rows.push_back(std::move(t));
    m_byFqn.insert(fqn, r);
    endInsertRows();
    return r;
}

void TaskListModel::setState(Task& task, State state) {
    if (counts(task.state))
        --m_done;
    if (task.state == State::Running)
        --m_running;
    task.state = state;
    if (counts(state))
        ++m_done;
    if (state == State::Running)
        ++m_running;
    if (m_running > 0 && !m_spinner.isActive())
        m_spinner.start();
    else if (m_running == 0)
        m_spinner.stop();
}

void TaskListModel::apply(const athanor::EngineEvent& event) {
    if (event.type == EventType::RunStarted) {
        m_total = event.total;
        emit progressChanged(m_done, totalCount());
        return;
    }
    if (event.type == EventType::RunFinished || event.type == EventType::Log || event.fqn.empty())
        return;
    const int r = ensureRow(QString::fromStdString(event.fqn), QString::fromStdString(event.kind));
    Task& t = m_rows[std::size_t(r)];
    switch (event.type) {
    case EventType::Creating:
    case EventType::Updating:
    case EventType::Deleting:
    case EventType::Cleanup:
        setState(t, State::Running);
        t.startedAt = m_clock.elapsed();
        t.durationMs = -1;
        break;
    case EventType::Created:
    case EventType::Updated:
    case EventType::Replaced:
    case EventType::Deleted:
    case EventType::Cleaned:
        setState(t, State::Done);
        break;
    case EventType::Skipped:
        setState(t, State::Skipped);
        break;
    case EventType::Failed:
        setState(t, State::Failed);
        t.message = QString::fromStdString(event.message);
        break;
    default:
        break;
    }
    t.action = QString::fromUtf8(athanor::toString(event.type).data(),
                                 qsizetype(athanor::toString(event.type).size()));
    if (t.state != State::Running) {
        if (event.durationMs > 0)
            t.durationMs = event.durationMs;
        else if (t.startedAt >= 0)
            t.durationMs = double(m_clock.elapsed() - t.startedAt);
        t.startedAt = -1;
    }
    emitRowChanged(r);
    emit progressChanged(m_done, totalCount());
}

void TaskListModel::finish() {
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        Task& t = m_rows[r];
        // A resource still "running" when the run is over did not report its end; the engine has
        // stopped, so it is not running any more either.
        if (t.state == State::Pending || t.state == State::Running) {
            if (t.state == State::Running)
                t.action = tr("interrupted");
            setState(t, State::NotStarted);
            t.startedAt = -1;
            emitRowChanged(int(r));
        }
    }
    m_spinner.stop();
    emit progressChanged(m_done, totalCount());
}

void TaskListModel::emitRowChanged(int r) {
    emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

void TaskListModel::tick() {
    m_frame = (m_frame + 1) % kSpinnerFrames;
    int first = -1, last = -1;
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        if (m_rows[r].state == State::Running) {
            if (first < 0)
                first = int(r);
            last = int(r);
        }
    }
    if (first >= 0)
        emit dataChanged(index(first, StatusColumn), index(last, DurationColumn), {Qt::DisplayRole});
}

} // namespace athanor::ui

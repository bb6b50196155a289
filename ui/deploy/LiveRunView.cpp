#include "deploy/LiveRunView.h"

#include "deploy/DeployActionBar.h"
#include "deploy/EventLogFormat.h"
#include "deploy/RunController.h"
#include "deploy/RunOutcome.h"
#include "deploy/TaskListModel.h"
#include "log/LogPane.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QScrollBar>
#include <QSplitter>
#include <QTreeView>
#include <algorithm>

namespace athanor::ui {

using athanor::Phase;

LiveRunView::LiveRunView(RunController* controller, QWidget* parent)
    : QObject(parent), m_controller(controller), m_archivedTasks(new TaskListModel(this)) {
    m_progress = new QProgressBar(parent);
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QString()); // nothing to count until a run starts
    m_progress->setMinimumWidth(160);
    m_status = new QLabel(parent);
    m_status->setObjectName(QStringLiteral("runStatus"));
    m_status->setMinimumWidth(220);
}

QSplitter* LiveRunView::buildRunPage(QWidget* parent) {
    m_split = new QSplitter(Qt::Horizontal, parent);
    m_split->setChildrenCollapsible(false);
    m_taskView = new QTreeView(m_split);
    m_taskView->setObjectName(QStringLiteral("taskView"));
    m_taskView->setModel(m_controller->taskModel());
    m_taskView->setRootIsDecorated(false);
    m_taskView->setUniformRowHeights(true);
    m_taskView->setAlternatingRowColors(true);
    m_taskView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_taskView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QHeaderView* th = m_taskView->header();
    th->setStretchLastSection(true);
    th->setSectionResizeMode(TaskListModel::StatusColumn, QHeaderView::Fixed);
    th->resizeSection(TaskListModel::StatusColumn, 28);
    th->resizeSection(TaskListModel::ResourceColumn, 180);
    th->resizeSection(TaskListModel::KindColumn, 110);
    th->resizeSection(TaskListModel::ActionColumn, 90);
    th->resizeSection(TaskListModel::DurationColumn, 70);
    m_logPane = new LogPane(m_controller->logModel(), m_split);
    connect(m_logPane, &LogPane::liveShown, this, [this] {
        showTasks(m_controller->taskModel());
        m_archivedTasks->reset();
    });
    m_split->addWidget(m_taskView);
    m_split->addWidget(m_logPane);
    m_split->setStretchFactor(0, 4);
    m_split->setStretchFactor(1, 5);
    return m_split;
}

void LiveRunView::runStarted() {
    if (m_logPane->showingArchive())
        m_logPane->showLive(); // a new run is what the user wants to watch
    m_progress->setFormat(QStringLiteral("%v / %m"));
    m_progress->setRange(0, 0); // busy until the engine says how many
    m_progress->setValue(0);
}

void LiveRunView::progress(int done, int total) {
    if (!m_controller->isRunning() && total == 0) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        return;
    }
    if (total <= 0 || m_controller->isIndeterminate()) {
        m_progress->setRange(0, 0); // busy: the running count is in the status line
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(std::min(done, total));
}

void LiveRunView::runFinished(const RunOutcome& outcome) {
    const Phase phase = outcome.request.phase;
    if (phase == Phase::Plan) {
        int changes = 0;
        for (const auto& change : outcome.report.plan)
            changes += change.action == athanor::PlannedChange::Action::Skip ? 0 : 1;
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        m_progress->setFormat(tr("plan: %1").arg(countOf(changes, tr("change"), tr("changes"))));
    } else if (phase == Phase::Read) {
        const int read = outcome.report.counts.read;
        m_progress->setRange(0, std::max(read, 1));
        m_progress->setValue(read);
        m_progress->setFormat(tr("%v read"));
    } else {
        const int total = m_controller->taskModel()->totalCount();
        m_progress->setRange(0, std::max(total, 1));
        m_progress->setValue(total > 0 ? m_controller->taskModel()->doneCount() : 0);
    }
}

void LiveRunView::updateStatus(const DeployFacts& f) {
    if (f.running) {
        QString text = f.aborting ? tr("Stopping %1 on %2…").arg(phaseTitle(f.runningPhase), f.runningStage)
                       : f.cancelling
                           ? tr("Cancelling %1 on %2…").arg(phaseTitle(f.runningPhase), f.runningStage)
                           : tr("%1 on %2…").arg(phaseTitle(f.runningPhase), f.runningStage);
        // A program declares its resources as it runs: no total, a running count.
        if (m_controller->isIndeterminate())
            text += QLatin1Char(' ') + tr("%1 done").arg(countOf(m_controller->taskModel()->doneCount(),
                                                                 tr("resource"), tr("resources")));
        m_status->setText(text);
    } else if (f.projectRoot.isEmpty()) {
        m_status->setText(tr("No project open"));
    } else {
        m_status->setText(tr("Idle"));
    }
}

void LiveRunView::selectTask(const QString& fqn) {
    const int row = m_controller->taskModel()->row(fqn);
    if (row >= 0) {
        const QModelIndex index = m_controller->taskModel()->index(row, TaskListModel::ResourceColumn);
        m_taskView->setCurrentIndex(index);
        m_taskView->scrollTo(index);
    }
    m_logPane->setFilterText(fqn);
}

void LiveRunView::showPastRun(const QString& title, const std::vector<athanor::EngineEvent>& events) {
    std::vector<LogEntry> entries;
    m_archivedTasks->reset();
    for (const auto& event : events) {
        appendLogEntries(event, entries);
        m_archivedTasks->apply(event);
    }
    m_archivedTasks->finish();
    m_logPane->showArchive(title, std::move(entries));
    showTasks(m_archivedTasks); // the past run's resources beside its log
}

void LiveRunView::showTasks(TaskListModel* model) {
    if (m_taskView->model() == model)
        return;
    const QByteArray columns = m_taskView->header()->saveState(); // setModel would reset the widths
    m_taskView->setModel(model);
    m_taskView->header()->restoreState(columns);
}

int LiveRunView::taskTableNeededWidth() const {
    // Every column at its set width, the message (the stretched last one) at a readable minimum.
    constexpr int kMessageMinimum = 120;
    const QHeaderView* header = m_taskView->header();
    int width =
        kMessageMinimum + 2 * m_taskView->frameWidth() + m_taskView->verticalScrollBar()->sizeHint().width();
    for (int col = 0; col < header->count(); ++col)
        if (col != TaskListModel::MessageColumn && !header->isSectionHidden(col))
            width += header->sectionSize(col);
    return width;
}

void LiveRunView::arrange(const QSize& size, bool visible) {
    // Docked at the bottom the console is wide and short: the task list and the log side by side both get
    // the full height. Docked at the right, floating narrow, or in a window too narrow for the task table's
    // columns beside the log's toolbar (1024 px) they stack: a column hidden behind a horizontal scrollbar
    // (Status, Duration, Message) is worse than fewer rows.
    if (!m_split)
        return;
    const bool bothFit = size.width() >= taskTableNeededWidth() + m_logPane->minimumSizeHint().width() +
                                             m_split->handleWidth() + 16;
    const Qt::Orientation wanted =
        size.width() >= 2 * size.height() && bothFit ? Qt::Horizontal : Qt::Vertical;
    if ((m_split->orientation() != wanted || !m_splitSized) && visible) {
        m_splitSized = true;
        m_split->setOrientation(wanted);
        const int total = wanted == Qt::Horizontal ? m_split->width() : m_split->height();
        // Side by side the task table gets at least what its columns need; the log takes the rest.
        const int tasks =
            wanted == Qt::Horizontal ? std::max(total * 4 / 9, taskTableNeededWidth()) : total * 4 / 9;
        m_split->setSizes({tasks, total - tasks});
    }
}

} // namespace athanor::ui

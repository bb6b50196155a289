#pragma once

#include "events/EngineEvent.h"

#include <QObject>
#include <QString>
#include <memory>
#include <vector>

class QLabel;
class QProgressBar;
class QSplitter;
class QTreeView;
class QWidget;

namespace athanor::ui {

class LogPane;
class RunController;
class TaskListModel;
struct DeployFacts;
struct RunOutcome;

// The run as it happens: the progress bar (busy until the engine gives a total, a running count for a
// program), the status line, and the Run tab: the task table beside the log, stacked when the console is too
// narrow for both (1024 px) or docked at the side. Also shows a past run's tasks and log (run history).
class LiveRunView : public QObject {
    Q_OBJECT

public:
    // The progress bar and status line are children of `parent`.
    LiveRunView(RunController* controller, QWidget* parent);
    // The Run tab (task table | log), made once, after the controls (the Tab key's order).
    QSplitter* buildRunPage(QWidget* parent);
    QTreeView* taskView() const { return m_taskView; }
    LogPane* logPane() const { return m_logPane; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_status; }

    void runStarted();
    void progress(int done, int total);
    // Plan and Read touch nothing, so "done of total" would read as "nothing happened": says what they found.
    void runFinished(const RunOutcome& outcome);
    void updateStatus(const DeployFacts& facts);
    // Shows `fqn` in the task table and filters the log to it.
    void selectTask(const QString& fqn);
    // A past run: its log and, beside it, its resources (until the live log is shown again).
    void showPastRun(const QString& title, const std::vector<athanor::EngineEvent>& events);
    // Side by side or stacked for a console of `size` (call on resize while visible).
    void arrange(const QSize& size, bool visible);

private:
    void showTasks(TaskListModel* model);
    // The width the task table needs to show every column without a horizontal scrollbar.
    int taskTableNeededWidth() const;

    RunController* m_controller;
    QSplitter* m_split = nullptr;
    bool m_splitSized = false;
    QTreeView* m_taskView = nullptr;
    LogPane* m_logPane = nullptr;
    TaskListModel* m_archivedTasks; // the task list of a past run whose log is open
    QProgressBar* m_progress;
    QLabel* m_status;
};

} // namespace athanor::ui

#pragma once

#include "deploy/DeployRequest.h"
#include "deploy/RunOutcome.h"
#include "deploy/TaskListModel.h"
#include "secrets/PasswordRing.h"

#include <QObject>
#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace athanor::ui {

class EventBatcher;
class LogModel;

// Runs one phase at a time on a worker thread and turns the engine's event stream into model updates on the
// GUI thread: log lines, the task list, per-resource statuses for the scope tree, progress. Cancel asks the
// engine to stop starting resources (the running ones finish, so every record stays consistent); abort, the
// second step, also kills running commands (their records stay creating / updating for the next Up). Each run
// is recorded in run history (summary + full log) by the worker, so nothing on disk waits for the GUI.
class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    // Cancels a run still in flight and waits for it: the engine never outlives the models it reports to.
    ~RunController() override;

    LogModel* logModel() const { return m_log; }
    TaskListModel* taskModel() const { return m_tasks; }
    EventBatcher* batcher() const { return m_batcher; }

    bool isRunning() const { return m_thread != nullptr; }
    bool isCancelling() const { return m_cancelling; }
    bool isAborting() const { return m_aborting; }
    const DeployRequest& currentRequest() const { return m_request; }
    std::shared_ptr<const RunOutcome> lastOutcome() const { return m_last; }

    // Passwords for this session, in memory only; each run gets a copy (plus ALCHEMY_PASSWORD when set, as
    // the CLI does, and whatever the password source adds: the inspector's vault).
    void addPassword(SecureString password);
    void setPasswordSource(std::function<athanor::PasswordRing()> source) {
        m_passwordSource = std::move(source);
    }
    void clearPasswords();
    bool hasPasswords() const;

    // False when a run is already in flight. `planned` pre-fills the task list (from a plan, or from the
    // state a destroy will delete) so progress has a total from the first moment.
    bool start(const DeployRequest& request, const std::vector<TaskListModel::Planned>& planned = {});
    void cancel();
    // Cancels and stops the resources still running (see athanor::CancellationToken::abort).
    void abort();
    // Blocks until the worker thread has ended (the GUI-side completion still arrives as a queued call).
    void waitForWorker();

    // The tree status a resource has after `event` ("creating", "created", ...), or empty if none changes.
    static QString recordStatusAfter(const athanor::EngineEvent& event);

signals:
    void runStarted(const athanor::ui::DeployRequest& request);
    void runFinished(std::shared_ptr<const athanor::ui::RunOutcome> outcome);
    void runningChanged(bool running);
    void cancellingChanged(bool cancelling);
    void progressChanged(int done, int total);
    // fqn as the engine names it ("app/stage/scope/id"); status as a state record would spell it.
    void resourceStatusChanged(const QString& fqn, const QString& status);
    // Each slice of the live run's events, once shown (what is running or failed right now).
    void eventsApplied(const std::vector<athanor::EngineEvent>& events);

private:
    struct Job;
    void onEvents(const std::vector<athanor::EngineEvent>& events);
    void onWorkerFinished();
    void onDrained();
    void complete();

    EventBatcher* m_batcher;
    LogModel* m_log;
    TaskListModel* m_tasks;
    athanor::PasswordRing m_passwords;
    std::function<athanor::PasswordRing()> m_passwordSource;
    DeployRequest m_request;
    std::shared_ptr<Job> m_job;
    QThread* m_thread = nullptr;
    bool m_cancelling = false;
    bool m_aborting = false;
    bool m_awaitingDrain = false;
    std::shared_ptr<const RunOutcome> m_last;
};

} // namespace athanor::ui

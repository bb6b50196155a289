#pragma once

#include "deploy/DeployRequest.h"
#include "deploy/RunOutcome.h"
#include "deploy/TaskListModel.h"
#include "jobs/LatestOnlyJob.h"

#include <QObject>
#include <memory>
#include <optional>
#include <vector>

namespace athanor::ui {

// What the built-in engine's Destroy would do, asked before its confirmation: the engine's own dry run
// (RunRequest::dryRun), off the GUI thread because it reads the whole stage. Either the deletions in the
// order the run starts them, so the dialog promises exactly what will run, or the refusal the run would end
// with (kinds without a provider, an unreadable source), so no dialog promises what the engine refuses.
class DestroyPreview : public QObject {
    Q_OBJECT

public:
    struct Result {
        DeployRequest request;
        std::vector<athanor::PlannedChange> deletions; // in the order the run starts them
        std::optional<RunOutcome> refusal;             // set when the run would refuse; nothing deleted
    };

    explicit DestroyPreview(QObject* parent = nullptr);

    // False when a check is in flight. `request` is the engine destroy the user asked for (not a program).
    bool start(const DeployRequest& request);
    bool isRunning() const { return m_job.isRunning(); }
    // A check still in flight no longer matters (the project closed): its result is dropped.
    void discard();

    // The dry run itself, on the calling thread (tests; start() runs it on the thread pool).
    static Result check(const DeployRequest& request);

signals:
    void finished(std::shared_ptr<const athanor::ui::DestroyPreview::Result> result);
    void runningChanged(bool running);

private:
    LatestOnlyJob<Result> m_job; // a discarded check's result is dropped
};

} // namespace athanor::ui

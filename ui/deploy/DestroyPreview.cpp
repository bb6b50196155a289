#include "deploy/DestroyPreview.h"

#include "events/EngineEvent.h"
#include "lifecycle/RunApi.h"

namespace athanor::ui {

namespace {

// The dry run's events (run-started, the planned lines) repeat what its report says; nobody watches them.
class DiscardEvents final : public athanor::EventSink {
public:
    void onEvent(const athanor::EngineEvent&) override {}
};

} // namespace

DestroyPreview::DestroyPreview(QObject* parent) : QObject(parent) {
    m_job.onRunningChanged([this](bool running) { emit runningChanged(running); });
}

DestroyPreview::Result DestroyPreview::check(const DeployRequest& request) {
    Result result;
    result.request = request;
    const auto refuse = [&result](const QString& error) {
        RunOutcome outcome;
        outcome.request = result.request;
        outcome.startedAt = QDateTime::currentDateTimeUtc();
        outcome.end = RunEnd::Error;
        outcome.error = error;
        return outcome;
    };
    try {
        athanor::RunRequest dry = toRunRequest(request);
        dry.phase = athanor::Phase::Destroy;
        dry.dryRun = true;
        DiscardEvents events;
        const athanor::CancellationToken cancel;
        athanor::RunReport report = athanor::EngineBackend().run(dry, events, cancel);
        result.deletions = std::move(report.plan);
    } catch (const athanor::UnknownKindsError& e) {
        result.refusal = refuse(QString());
        result.refusal->refuseUnknownKinds(e);
    } catch (const std::exception& e) {
        result.refusal = refuse(QString::fromStdString(e.what()));
    }
    return result;
}

bool DestroyPreview::start(const DeployRequest& request) {
    if (m_job.isRunning())
        return false;
    m_job.start([request] { return check(request); },
                [this](Result result) { emit finished(std::make_shared<const Result>(std::move(result))); });
    return true;
}

void DestroyPreview::discard() {
    m_job.discard();
}

} // namespace athanor::ui

#include "deploy/RunController.h"

#include "deploy/EventBatcher.h"
#include "deploy/EventLogFormat.h"
#include "deploy/RunHistoryStore.h"
#include "deploy/RunLogFile.h"
#include "lifecycle/RunApi.h"
#include "log/LogModel.h"
#include "log/SpdlogForwardSink.h"
#include "program/ProgramRuntime.h"
#include "program/RunTarget.h"
#include "store/SourceSpec.h"

#include <QThread>
#include <chrono>
#include <exception>

namespace athanor::ui {

using athanor::EngineEvent;
using athanor::EventType;

// Everything the worker thread touches. The GUI thread builds it before the thread starts and reads the
// outcome only after the thread has finished, so none of it needs a lock.
struct RunController::Job {
    athanor::RunRequest request;
    athanor::BackendKind backend = athanor::BackendKind::Engine;
    athanor::CancellationToken cancel;
    RunOutcome outcome;
    EventBatcher* sink = nullptr;
    std::shared_ptr<RunLogFile> log;

    void logLine(athanor::LogLevel level, const QString& text) const {
        EngineEvent e;
        e.type = EventType::Log;
        e.level = level;
        e.message = text.toStdString();
        sink->onEvent(e);
    }
    void logError(const QString& text) const { logLine(athanor::LogLevel::Error, text); }

    void run() {
        const auto t0 = std::chrono::steady_clock::now();
        auto forward = SpdlogForwardSink::instance();
        forward->setTarget(sink);
        const QString what = phaseTitle(outcome.request.phase);
        try {
            // One door for both kinds of run: the engine on a stack file, or the project's own program.
            outcome.report = athanor::makeRunBackend(backend)->run(request, *sink, cancel);
            switch (outcome.report.result) {
            case athanor::RunResult::Succeeded:
                outcome.end = RunEnd::Succeeded;
                break;
            case athanor::RunResult::Failed:
                outcome.end = RunEnd::Failed;
                break;
            case athanor::RunResult::Cancelled:
                outcome.end = RunEnd::Cancelled;
                break;
            }
        } catch (const athanor::LockHeldError& e) {
            outcome.end = RunEnd::LockHeld;
            outcome.error = QString::fromStdString(e.what());
            outcome.lock = LockHolder{e.pid, QString::fromStdString(e.host), QString::fromStdString(e.since),
                                      QString::fromStdString(e.operation)};
            logError(QObject::tr("%1 refused: stage %2 is locked by %3. Nothing was changed.")
                         .arg(what, outcome.request.stage, lockHolderText(*outcome.lock)));
        } catch (const athanor::UnknownKindsError& e) {
            outcome.refuseUnknownKinds(e);
            logError(QObject::tr("%1 refused: %2").arg(what, outcome.error));
        } catch (const athanor::RuntimeError& e) {
            outcome.end = RunEnd::Error;
            outcome.error = QString::fromStdString(e.what());
            if (e.alternative)
                outcome.runtimeAlternative = QString::fromStdString(e.alternative->string());
            logError(QObject::tr("%1 refused: %2").arg(what, outcome.error));
        } catch (const std::exception& e) {
            outcome.end = RunEnd::Error;
            outcome.error = QString::fromStdString(e.what());
            logError(QObject::tr("%1 refused: %2").arg(what, outcome.error));
        } catch (...) {
            outcome.end = RunEnd::Error;
            outcome.error = QObject::tr("unknown error");
            logError(QObject::tr("%1 refused: %2").arg(what, outcome.error));
        }
        forward->clearTarget(sink);
        outcome.durationMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
                .count();
        // Secrets were only needed by the engine; do not keep copies alive in a finished job.
        request.passwords.clear();
        sink->setRecorder(nullptr);
        if (log)
            log->close();
        if (!outcome.summaryFile.isEmpty() && !RunHistoryStore::writeSummary(outcome))
            outcome.summaryFile.clear();
        // The run is recorded: older runs of its stage beyond the history's setting go (the live log says
        // which file could not be removed; the next run tries again).
        if (!outcome.summaryFile.isEmpty())
            for (const QString& error :
                 RunHistoryStore::prune(outcome.request.athanorHome, outcome.summaryFile))
                logLine(athanor::LogLevel::Warn, QObject::tr("Run history: %1").arg(error));
    }
};

RunController::RunController(QObject* parent)
    : QObject(parent), m_batcher(new EventBatcher(this)),
      m_log(new LogModel(LogModel::kDefaultCapacity, this)), m_tasks(new TaskListModel(this)) {
    connect(m_batcher, &EventBatcher::eventsReady, this, &RunController::onEvents);
    connect(m_batcher, &EventBatcher::drained, this, &RunController::onDrained);
    connect(m_tasks, &TaskListModel::progressChanged, this, &RunController::progressChanged);
}

RunController::~RunController() {
    if (m_thread) {
        // Nothing is left to report to: stop running commands too rather than block on them.
        m_job->cancel.abort();
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_passwords.clear();
}

void RunController::addPassword(SecureString password) {
    m_passwords.add(std::move(password));
}

bool RunController::hasPasswords() const {
    return !m_passwords.empty() || (m_passwordSource && !m_passwordSource().empty());
}

void RunController::clearPasswords() {
    m_passwords.clear();
}

bool RunController::start(const DeployRequest& request, const std::vector<TaskListModel::Planned>& planned) {
    if (m_thread)
        return false;
    m_request = request;
    auto job = std::make_shared<Job>();
    job->sink = m_batcher;
    job->outcome.request = request;
    job->outcome.startedAt = QDateTime::currentDateTimeUtc();

    job->request = toRunRequest(request);
    athanor::RunRequest& o = job->request;
    job->backend = request.isProgram() ? athanor::BackendKind::Program : athanor::BackendKind::Engine;
    o.passwords = m_passwords.clone();
    if (m_passwordSource) {
        athanor::PasswordRing shared = m_passwordSource();
        for (std::size_t i = 0; i < shared.size(); ++i)
            o.passwords.add(shared.at(i).clone());
    }
    if (const QByteArray env = qgetenv("ALCHEMY_PASSWORD"); !env.isEmpty())
        o.passwords.add(SecureString(std::string_view(env.constData(), std::size_t(env.size()))));

    // History is best effort: a read-only project still runs, it just is not recorded.
    if (!request.athanorHome.isEmpty() && RunHistoryStore::prepare(job->outcome)) {
        job->log = std::make_shared<RunLogFile>(job->outcome.logFile);
        if (!job->log->isOpen()) {
            job->log.reset();
            job->outcome.logFile.clear();
            job->outcome.summaryFile.clear();
        }
    }
    m_batcher->setRecorder(job->log);

    m_tasks->reset(planned);
    m_indeterminate = false;
    m_job = job;
    m_cancelling = false;
    m_aborting = false;
    m_awaitingDrain = false;
    m_thread = QThread::create([job] { job->run(); });
    m_thread->setObjectName(QStringLiteral("athanor-run"));
    connect(m_thread, &QThread::finished, this, &RunController::onWorkerFinished);
    m_thread->start();
    emit runStarted(m_request);
    emit runningChanged(true);
    return true;
}

void RunController::cancel() {
    if (!m_thread || m_cancelling)
        return;
    m_job->cancel.cancel();
    m_cancelling = true;
    EngineEvent e;
    e.type = EventType::Log;
    e.level = athanor::LogLevel::Warn;
    e.message =
        (m_request.isProgram()
             ? tr("Cancel requested: the program got SIGINT and stops after its cleanups; the resource it "
                  "was "
                  "working on keeps its creating/updating record. Stop now kills it.")
             : tr("Cancel requested: no new resources will start; the run stops once the running ones have "
                  "ended."))
            .toStdString();
    m_batcher->onEvent(e);
    emit cancellingChanged(true);
}

void RunController::abort() {
    if (!m_thread || m_aborting)
        return;
    cancel();
    m_job->cancel.abort();
    m_aborting = true;
    EngineEvent e;
    e.type = EventType::Log;
    e.level = athanor::LogLevel::Warn;
    e.message = (m_request.isProgram()
                     ? tr("Stop requested: the program and everything it started are being killed (SIGKILL).")
                     : tr("Stop requested: running commands are being killed; their records stay "
                          "creating/updating and the next Up resumes them."))
                    .toStdString();
    m_batcher->onEvent(e);
    emit cancellingChanged(true);
}

void RunController::waitForWorker() {
    if (m_thread)
        m_thread->wait();
}

QString RunController::recordStatusAfter(const EngineEvent& event) {
    switch (event.type) {
    case EventType::Creating:
        return QStringLiteral("creating");
    case EventType::Created:
        return QStringLiteral("created");
    case EventType::Updating:
        return QStringLiteral("updating");
    case EventType::Updated:
    case EventType::Replaced:
        return QStringLiteral("updated");
    case EventType::Deleting:
        return QStringLiteral("deleting");
    case EventType::Deleted:
        return QStringLiteral("deleted");
    case EventType::Failed:
        return QStringLiteral("failed");
    default:
        return {};
    }
}

void RunController::onEvents(const std::vector<EngineEvent>& events) {
    std::vector<LogEntry> lines;
    lines.reserve(events.size());
    // Only the last status of each resource in a slice matters to the tree.
    std::vector<std::pair<QString, QString>> statuses;
    QHash<QString, int> statusIndex;
    for (const EngineEvent& e : events) {
        if (e.type == EventType::RunStarted)
            m_indeterminate = e.indeterminate;
        appendLogEntries(e, lines);
        m_tasks->apply(e);
        const QString status = recordStatusAfter(e);
        if (!status.isEmpty()) {
            const QString fqn = QString::fromStdString(e.fqn);
            if (auto it = statusIndex.find(fqn); it != statusIndex.end()) {
                statuses[std::size_t(*it)].second = status;
            } else {
                statusIndex.insert(fqn, int(statuses.size()));
                statuses.emplace_back(fqn, status);
            }
        }
    }
    m_log->appendBatch(std::move(lines));
    emit eventsApplied(events);
    for (const auto& [fqn, status] : statuses)
        emit resourceStatusChanged(fqn, status);
}

void RunController::onWorkerFinished() {
    // The worker's last events may still be on their way; finish once they have all been shown.
    if (m_batcher->isIdle())
        complete();
    else
        m_awaitingDrain = true;
}

void RunController::onDrained() {
    if (m_awaitingDrain) {
        m_awaitingDrain = false;
        complete();
    }
}

void RunController::complete() {
    if (!m_thread)
        return;
    m_thread->wait();
    m_thread->deleteLater();
    m_thread = nullptr;
    auto outcome = std::make_shared<RunOutcome>(std::move(m_job->outcome));
    m_job.reset();
    m_tasks->finish();
    m_last = outcome;
    const bool wasCancelling = m_cancelling;
    m_cancelling = false;
    m_aborting = false;
    if (wasCancelling)
        emit cancellingChanged(false);
    emit runningChanged(false);
    emit runFinished(outcome);
}

} // namespace athanor::ui

#include "lifecycle/RunReporter.h"

#include <algorithm>

namespace athanor {

double millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

RunReporter::RunReporter(EventSink& sink, Phase phase, std::string app, std::string stage, bool quiet)
    : m_sink(sink), m_phase(phase), m_app(std::move(app)), m_stage(std::move(stage)), m_quiet(quiet) {}

void RunReporter::emit(EngineEvent&& event) {
    event.phase = m_phase;
    event.app = m_app;
    event.stage = m_stage;
    m_sink.onEvent(event);
}

void RunReporter::runStarted(int total, bool indeterminate) {
    m_started = std::chrono::steady_clock::now();
    EngineEvent event;
    event.type = EventType::RunStarted;
    event.total = total;
    event.indeterminate = indeterminate;
    emit(std::move(event));
    for (auto& [level, message] : m_heldLogs)
        log(level, message);
    m_heldLogs.clear();
}

void RunReporter::logAfterStart(LogLevel level, const std::string& message) {
    m_heldLogs.emplace_back(level, message);
}

void RunReporter::runFinished(RunResult result) {
    EngineEvent event;
    event.type = EventType::RunFinished;
    event.result = result;
    event.counts = counts();
    event.durationMs = millisecondsSince(m_started);
    event.level = result == RunResult::Failed ? LogLevel::Error : LogLevel::Info;
    emit(std::move(event));
}

void RunReporter::transition(EventType type, const std::string& fqn, const std::string& kind,
                             double durationMs, bool quiet) {
    {
        std::lock_guard lock(m_mutex);
        switch (type) {
        case EventType::Created:
            ++m_counts.created;
            break;
        case EventType::Updated:
            ++m_counts.updated;
            break;
        case EventType::Replaced:
            ++m_counts.replaced;
            break;
        case EventType::Skipped:
            ++m_counts.skipped;
            break;
        case EventType::Deleted:
        case EventType::Cleaned:
            ++m_counts.deleted;
            break;
        default:
            break;
        }
    }
    if (m_quiet || quiet)
        return;
    EngineEvent event;
    event.type = type;
    event.fqn = fqn;
    event.kind = kind;
    event.durationMs = durationMs;
    emit(std::move(event));
}

void RunReporter::failed(const std::string& fqn, const std::string& kind, const std::string& message,
                         double durationMs) {
    {
        std::lock_guard lock(m_mutex);
        ++m_counts.failed;
        m_errors.push_back(fqn + ": " + message);
        if (m_firstFailureFqn.empty() && m_firstFailureMessage.empty()) {
            m_firstFailureFqn = fqn;
            m_firstFailureMessage = message;
        }
    }
    EngineEvent event;
    event.type = EventType::Failed;
    event.fqn = fqn;
    event.kind = kind;
    event.message = message;
    event.durationMs = durationMs;
    event.level = LogLevel::Error;
    emit(std::move(event));
}

void RunReporter::runError(const std::string& message) {
    {
        std::lock_guard lock(m_mutex);
        m_errors.push_back(message);
        if (m_firstFailureFqn.empty() && m_firstFailureMessage.empty())
            m_firstFailureMessage = message;
    }
    log(LogLevel::Error, message);
}

void RunReporter::countRead(size_t count) {
    std::lock_guard lock(m_mutex);
    m_counts.read += static_cast<int>(count);
}

void RunReporter::log(LogLevel level, const std::string& message, const std::string& fqn) {
    EngineEvent event;
    event.type = EventType::Log;
    event.level = level;
    event.message = message;
    event.fqn = fqn;
    emit(std::move(event));
}

void RunReporter::addPlanned(PlannedChange change) {
    std::lock_guard lock(m_mutex);
    m_plan.push_back(std::move(change));
}

void RunReporter::addUnknownKinds(const std::vector<std::string>& kinds) {
    std::lock_guard lock(m_mutex);
    for (const auto& kind : kinds)
        if (std::find(m_unknownKinds.begin(), m_unknownKinds.end(), kind) == m_unknownKinds.end())
            m_unknownKinds.push_back(kind);
}

void RunReporter::fill(RunReport& report) {
    std::lock_guard lock(m_mutex);
    report.counts = m_counts;
    report.errors = std::move(m_errors);
    report.firstFailureFqn = m_firstFailureFqn;
    report.firstFailureMessage = m_firstFailureMessage;
    report.plan = std::move(m_plan);
    report.unknownKinds = std::move(m_unknownKinds);
}

bool RunReporter::anyFailure() const {
    std::lock_guard lock(m_mutex);
    return !m_errors.empty();
}

RunCounts RunReporter::counts() const {
    std::lock_guard lock(m_mutex);
    return m_counts;
}

} // namespace athanor

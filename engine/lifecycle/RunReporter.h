#pragma once

#include "events/EngineEvent.h"
#include "lifecycle/RunApi.h"

#include <chrono>
#include <mutex>
#include <string>

namespace athanor {

// Turns what a run does into EngineEvents and keeps the tallies for the RunReport. Thread-safe.
class RunReporter {
public:
    RunReporter(EventSink& sink, Phase phase, std::string app, std::string stage, bool quiet);

    // `indeterminate`: the total is not known up front (EngineEvent::indeterminate).
    void runStarted(int total, bool indeterminate = false);
    void runFinished(RunResult result);

    // A resource transition (creating, created, skipped, ...). Completed transitions bump the counts.
    // `quiet` (the scope's --quiet or a prop quiet: true) suppresses the event, as Alchemy suppresses the
    // line.
    void transition(EventType type, const std::string& fqn, const std::string& kind, double durationMs = 0,
                    bool quiet = false);
    // A resource failed: a Failed event, counted, and "fqn: message" in the report's errors.
    void failed(const std::string& fqn, const std::string& kind, const std::string& message,
                double durationMs = 0);
    // A failure of the run that belongs to no single resource.
    void runError(const std::string& message);
    void countRead(size_t count = 1);
    void log(LogLevel level, const std::string& message, const std::string& fqn = {});
    // A log line held back until runStarted(), so that every stream begins with run-started.
    void logAfterStart(LogLevel level, const std::string& message);

    void addPlanned(PlannedChange change);
    // Kinds without a provider that kept deletions from happening (RunReport::unknownKinds).
    void addUnknownKinds(const std::vector<std::string>& kinds);

    // Moves counts, errors and plan into `report` (call once, at the end).
    void fill(RunReport& report);
    bool anyFailure() const;
    RunCounts counts() const;

private:
    void emit(EngineEvent&& event);

    EventSink& m_sink;
    Phase m_phase;
    std::string m_app, m_stage;
    bool m_quiet;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();

    mutable std::mutex m_mutex;
    RunCounts m_counts;
    std::vector<std::string> m_errors;
    std::string m_firstFailureFqn, m_firstFailureMessage;
    std::vector<PlannedChange> m_plan;
    std::vector<std::string> m_unknownKinds;
    std::vector<std::pair<LogLevel, std::string>> m_heldLogs;
};

// Milliseconds since `start`, for event durations.
double millisecondsSince(std::chrono::steady_clock::time_point start);

} // namespace athanor

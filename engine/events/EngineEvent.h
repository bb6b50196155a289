#pragma once

#include "lifecycle/Phase.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace athanor {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

// Everything a run reports. The CLI prints these in Alchemy's console format (or as JSON lines); the GUI
// streams them into its log pane, task list and tree. One stream for both, so they never disagree.
enum class EventType {
    RunStarted, // phase, stage, app, total = resources the run expects to touch; `indeterminate` when unknown
    RunFinished, // counts + result
    Creating,
    Created,
    Updating,
    Updated,
    Skipped,
    Deleting,
    Deleted,
    Replaced,
    Cleanup,
    Cleaned,
    Failed, // a resource failed: error holds the message
    Log     // a log line (level + message), possibly about a resource (fqn)
};

enum class RunResult { Succeeded, Failed, Cancelled };

struct RunCounts {
    int created = 0, updated = 0, replaced = 0, skipped = 0, deleted = 0, failed = 0, read = 0;
    int total() const { return created + updated + replaced + skipped + deleted + failed + read; }
};

struct EngineEvent {
    EventType type = EventType::Log;
    std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
    std::string fqn;       // the resource (empty for run-level events)
    std::string kind;      // the resource's kind
    double durationMs = 0; // for Created/Updated/Replaced/Deleted/Cleaned/Skipped/Failed and RunFinished
    std::string message;   // log text, or the error for Failed
    LogLevel level = LogLevel::Info;
    // RunStarted / RunFinished
    Phase phase = Phase::Up;
    std::string app;
    std::string stage;
    int total = 0;
    // RunStarted: the run cannot know its total up front (an Alchemy program declares its resources as it
    // runs), so progress is a running count of resource events, not "done of total".
    bool indeterminate = false;
    RunCounts counts;
    RunResult result = RunResult::Succeeded;
};

std::string_view toString(EventType type);   // "creating", "created", ... "run-started", "log"
std::string_view toString(LogLevel level);   // "trace" .. "error"
std::string_view toString(RunResult result); // "succeeded", "failed", "cancelled"

// Receives events from the engine. Called from worker threads (several at once with --parallel);
// implementations must be thread-safe and fast (queue, don't block).
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void onEvent(const EngineEvent& event) = 0;
};

} // namespace athanor

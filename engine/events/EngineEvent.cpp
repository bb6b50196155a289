#include "events/EngineEvent.h"

namespace athanor {

std::string_view toString(EventType type) {
    switch (type) {
    case EventType::RunStarted:
        return "run-started";
    case EventType::RunFinished:
        return "run-finished";
    case EventType::Creating:
        return "creating";
    case EventType::Created:
        return "created";
    case EventType::Updating:
        return "updating";
    case EventType::Updated:
        return "updated";
    case EventType::Skipped:
        return "skipped";
    case EventType::Deleting:
        return "deleting";
    case EventType::Deleted:
        return "deleted";
    case EventType::Replaced:
        return "replaced";
    case EventType::Cleanup:
        return "cleanup";
    case EventType::Cleaned:
        return "cleaned";
    case EventType::Failed:
        return "failed";
    case EventType::Log:
        return "log";
    }
    return "log";
}

std::string_view toString(LogLevel level) {
    switch (level) {
    case LogLevel::Trace:
        return "trace";
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warn:
        return "warn";
    case LogLevel::Error:
        return "error";
    }
    return "info";
}

std::string_view toString(RunResult result) {
    switch (result) {
    case RunResult::Succeeded:
        return "succeeded";
    case RunResult::Failed:
        return "failed";
    case RunResult::Cancelled:
        return "cancelled";
    }
    return "failed";
}

} // namespace athanor

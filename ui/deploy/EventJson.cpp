#include "deploy/EventJson.h"

#include <chrono>
#include <string>

namespace athanor::ui {

namespace {

using athanor::EventType;

constexpr EventType kAllTypes[] = {
    EventType::RunStarted, EventType::RunFinished, EventType::Creating, EventType::Created,
    EventType::Updating,   EventType::Updated,     EventType::Skipped,  EventType::Deleting,
    EventType::Deleted,    EventType::Replaced,    EventType::Cleanup,  EventType::Cleaned,
    EventType::Failed,     EventType::Log,
};

// Local names so that the file format does not depend on the engine's display strings.
const char* typeName(EventType t) {
    switch (t) {
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

const char* levelName(athanor::LogLevel l) {
    switch (l) {
    case athanor::LogLevel::Trace:
        return "trace";
    case athanor::LogLevel::Debug:
        return "debug";
    case athanor::LogLevel::Info:
        return "info";
    case athanor::LogLevel::Warn:
        return "warn";
    case athanor::LogLevel::Error:
        return "error";
    }
    return "info";
}

const char* resultName(athanor::RunResult r) {
    switch (r) {
    case athanor::RunResult::Succeeded:
        return "succeeded";
    case athanor::RunResult::Failed:
        return "failed";
    case athanor::RunResult::Cancelled:
        return "cancelled";
    }
    return "failed";
}

std::string str(const athanor::Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

athanor::Json countsToJson(const athanor::RunCounts& c) {
    return athanor::Json{{"created", c.created}, {"updated", c.updated}, {"replaced", c.replaced},
                         {"skipped", c.skipped}, {"deleted", c.deleted}, {"failed", c.failed},
                         {"read", c.read}};
}

athanor::RunCounts countsFromJson(const athanor::Json& j) {
    athanor::RunCounts c;
    if (!j.is_object())
        return c;
    auto get = [&j](const char* key) {
        return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : 0;
    };
    c.created = get("created");
    c.updated = get("updated");
    c.replaced = get("replaced");
    c.skipped = get("skipped");
    c.deleted = get("deleted");
    c.failed = get("failed");
    c.read = get("read");
    return c;
}

athanor::Json eventToJson(const athanor::EngineEvent& e) {
    using namespace std::chrono;
    athanor::Json j;
    j["t"] = duration_cast<milliseconds>(e.time.time_since_epoch()).count();
    j["type"] = typeName(e.type);
    if (!e.fqn.empty())
        j["fqn"] = e.fqn;
    if (!e.kind.empty())
        j["kind"] = e.kind;
    if (e.durationMs > 0)
        j["ms"] = e.durationMs;
    if (!e.message.empty())
        j["msg"] = e.message;
    j["level"] = levelName(e.level);
    if (e.type == EventType::RunStarted || e.type == EventType::RunFinished) {
        j["phase"] = std::string(athanor::toString(e.phase));
        j["app"] = e.app;
        j["stage"] = e.stage;
        j["total"] = e.total;
    }
    if (e.type == EventType::RunFinished) {
        j["result"] = resultName(e.result);
        j["counts"] = countsToJson(e.counts);
    }
    return j;
}

std::optional<athanor::EngineEvent> eventFromJson(const athanor::Json& j) {
    if (!j.is_object())
        return std::nullopt;
    athanor::EngineEvent e;
    const std::string type = str(j, "type");
    bool known = false;
    for (EventType t : kAllTypes) {
        if (type == typeName(t)) {
            e.type = t;
            known = true;
        }
    }
    if (!known)
        return std::nullopt;
    if (auto it = j.find("t"); it != j.end() && it->is_number_integer())
        e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(it->get<long long>()));
    e.fqn = str(j, "fqn");
    e.kind = str(j, "kind");
    e.message = str(j, "msg");
    if (auto it = j.find("ms"); it != j.end() && it->is_number())
        e.durationMs = it->get<double>();
    const std::string level = str(j, "level");
    for (auto l : {athanor::LogLevel::Trace, athanor::LogLevel::Debug, athanor::LogLevel::Info,
                   athanor::LogLevel::Warn, athanor::LogLevel::Error})
        if (level == levelName(l))
            e.level = l;
    if (auto phase = athanor::parsePhase(str(j, "phase")))
        e.phase = *phase;
    e.app = str(j, "app");
    e.stage = str(j, "stage");
    if (auto it = j.find("total"); it != j.end() && it->is_number_integer())
        e.total = it->get<int>();
    const std::string result = str(j, "result");
    for (auto r : {athanor::RunResult::Succeeded, athanor::RunResult::Failed, athanor::RunResult::Cancelled})
        if (result == resultName(r))
            e.result = r;
    if (auto it = j.find("counts"); it != j.end())
        e.counts = countsFromJson(*it);
    return e;
}

} // namespace athanor::ui

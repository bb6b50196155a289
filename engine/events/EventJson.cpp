#include "events/EventJson.h"

#include "state/UtcTime.h"

#include <cstdio>
#include <ctime>

namespace athanor {

namespace {

constexpr EventType kEventTypes[] = {
    EventType::RunStarted, EventType::RunFinished, EventType::Creating, EventType::Created,
    EventType::Updating,   EventType::Updated,     EventType::Skipped,  EventType::Deleting,
    EventType::Deleted,    EventType::Replaced,    EventType::Cleanup,  EventType::Cleaned,
    EventType::Failed,     EventType::Log,
};
constexpr LogLevel kLevels[] = {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn,
                                LogLevel::Error};
constexpr RunResult kResults[] = {RunResult::Succeeded, RunResult::Failed, RunResult::Cancelled};

std::string stringAt(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool startsOrEnds(EventType type) {
    return type == EventType::Creating || type == EventType::Updating || type == EventType::Deleting ||
           type == EventType::Cleanup;
}

} // namespace

Json countsToJson(const RunCounts& c) {
    Json counts = Json::object();
    counts["created"] = c.created;
    counts["updated"] = c.updated;
    counts["replaced"] = c.replaced;
    counts["skipped"] = c.skipped;
    counts["deleted"] = c.deleted;
    counts["read"] = c.read;
    counts["failed"] = c.failed;
    return counts;
}

RunCounts countsFromJson(const Json& j) {
    RunCounts c;
    if (!j.is_object())
        return c;
    auto get = [&j](const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
    };
    c.created = get("created");
    c.updated = get("updated");
    c.replaced = get("replaced");
    c.skipped = get("skipped");
    c.deleted = get("deleted");
    c.read = get("read");
    c.failed = get("failed");
    return c;
}

Json eventToJson(const EngineEvent& event) {
    Json line = Json::object();
    line["type"] = std::string(toString(event.type));
    line["time"] = formatIsoTime(event.time);
    switch (event.type) {
    case EventType::RunStarted:
        line["phase"] = std::string(toString(event.phase));
        line["app"] = event.app;
        line["stage"] = event.stage;
        line["total"] = event.total;
        if (event.indeterminate)
            line["indeterminate"] = true;
        break;
    case EventType::RunFinished:
        line["phase"] = std::string(toString(event.phase));
        line["app"] = event.app;
        line["stage"] = event.stage;
        line["result"] = std::string(toString(event.result));
        line["durationMs"] = event.durationMs;
        line["counts"] = countsToJson(event.counts);
        break;
    case EventType::Log:
        line["level"] = std::string(toString(event.level));
        if (!event.fqn.empty())
            line["fqn"] = event.fqn;
        line["message"] = event.message;
        break;
    default:
        line["fqn"] = event.fqn;
        line["kind"] = event.kind;
        if (!startsOrEnds(event.type))
            line["durationMs"] = event.durationMs;
        if (event.type == EventType::Failed)
            line["message"] = event.message;
        break;
    }
    return line;
}

std::optional<EngineEvent> eventFromJson(const Json& j) {
    if (!j.is_object())
        return std::nullopt;
    EngineEvent e;
    const std::string type = stringAt(j, "type");
    bool known = false;
    for (EventType t : kEventTypes)
        if (type == toString(t)) {
            e.type = t;
            known = true;
        }
    if (!known)
        return std::nullopt;
    if (auto time = parseIsoTime(stringAt(j, "time")))
        e.time = *time;
    e.fqn = stringAt(j, "fqn");
    e.kind = stringAt(j, "kind");
    e.message = stringAt(j, "message");
    if (auto it = j.find("durationMs"); it != j.end() && it->is_number())
        e.durationMs = it->get<double>();
    if (auto phase = parsePhase(stringAt(j, "phase")))
        e.phase = *phase;
    e.app = stringAt(j, "app");
    e.stage = stringAt(j, "stage");
    if (auto it = j.find("total"); it != j.end() && it->is_number_integer())
        e.total = it->get<int>();
    if (auto it = j.find("indeterminate"); it != j.end() && it->is_boolean())
        e.indeterminate = it->get<bool>();
    const std::string result = stringAt(j, "result");
    for (RunResult r : kResults)
        if (result == toString(r))
            e.result = r;
    if (auto it = j.find("counts"); it != j.end())
        e.counts = countsFromJson(*it);
    const std::string level = stringAt(j, "level");
    e.level =
        e.type == EventType::Failed || (e.type == EventType::RunFinished && e.result == RunResult::Failed)
            ? LogLevel::Error
            : LogLevel::Info;
    for (LogLevel l : kLevels)
        if (level == toString(l))
            e.level = l;
    return e;
}

std::string formatIsoTime(std::chrono::system_clock::time_point time) {
    return isoUtcText(time);
}

std::optional<std::chrono::system_clock::time_point> parseIsoTime(std::string_view text) {
    // "YYYY-MM-DDTHH:MM:SS[.mmm]Z"
    auto digits = [&text](size_t at, size_t count, int& out) {
        if (at + count > text.size())
            return false;
        out = 0;
        for (size_t i = at; i < at + count; ++i) {
            if (text[i] < '0' || text[i] > '9')
                return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int year, month, day, hour, minute, second, millis = 0;
    if (!digits(0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
        !digits(8, 2, day) || text[10] != 'T' || !digits(11, 2, hour) || text[13] != ':' ||
        !digits(14, 2, minute) || text[16] != ':' || !digits(17, 2, second))
        return std::nullopt;
    size_t end = 19;
    if (text[end] == '.') {
        if (!digits(20, 3, millis))
            return std::nullopt;
        end = 23;
    }
    if (end + 1 != text.size() || text[end] != 'Z' || month < 1 || month > 12 || day < 1 || day > 31 ||
        hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::tm utc{};
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    const std::time_t seconds = timegm(&utc);
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds) +
                                                 std::chrono::milliseconds(millis));
}

} // namespace athanor

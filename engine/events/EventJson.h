#pragma once

#include "events/EngineEvent.h"

#include "json/Json.h"
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace athanor {

// The one JSON encoding of an engine event: `athanorctl --json` prints it one object per line, and the GUI's
// run history stores a run's log in it, so a past run reopens exactly as it streamed. Example:
//   {"type":"created","time":"2025-11-20T23:14:05.123Z","fqn":"shop/dev/a","kind":"fs::File","durationMs":3.5}
// Keys: type, time; then per type: phase/app/stage/total and indeterminate when set (run-started);
// phase/app/stage/result/durationMs/ counts (run-finished); fqn, kind, durationMs (finished resource events;
// none on creating/updating/ deleting/cleanup), message (failed); level, message and fqn when set (log).
Json eventToJson(const EngineEvent& event);
// The inverse; nullopt when `json` is not an object or names no known event type. Levels not stored are
// implied as the engine sets them (failed and a failed run-finished: error; others: info).
std::optional<EngineEvent> eventFromJson(const Json& json);

Json countsToJson(const RunCounts& counts);
RunCounts countsFromJson(const Json& json); // missing or non-integer counts read as 0

// ISO-8601 UTC with milliseconds, as JavaScript's Date.prototype.toISOString: "2025-11-20T23:14:05.123Z".
std::string formatIsoTime(std::chrono::system_clock::time_point time);
// Parses what formatIsoTime writes (milliseconds optional); nullopt for anything else.
std::optional<std::chrono::system_clock::time_point> parseIsoTime(std::string_view text);

} // namespace athanor

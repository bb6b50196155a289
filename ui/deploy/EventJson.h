#pragma once

#include "events/EngineEvent.h"

#include "json/Json.h"
#include <optional>

namespace athanor::ui {

// The run-history log format: one compact JSON object per event per line, all fields kept, so a past
// run's log reopens looking exactly like it did live.
athanor::Json eventToJson(const athanor::EngineEvent& event);
std::optional<athanor::EngineEvent> eventFromJson(const athanor::Json& json);

athanor::Json countsToJson(const athanor::RunCounts& counts);
athanor::RunCounts countsFromJson(const athanor::Json& json);

} // namespace athanor::ui

#pragma once

#include <optional>
#include <string_view>

namespace athanor {

// The six lifecycle statuses of a record. Alchemy persists only the first four; deleting/deleted exist in
// memory and in older state.
enum class ResourceStatus { Creating, Created, Updating, Updated, Deleting, Deleted };

std::optional<ResourceStatus> parseResourceStatus(std::string_view text);
std::string_view toString(ResourceStatus status);

// A record left creating/updating/deleting was interrupted (or a run is in flight right now).
inline bool isInFlight(ResourceStatus s) {
    return s == ResourceStatus::Creating || s == ResourceStatus::Updating || s == ResourceStatus::Deleting;
}
inline bool isSettled(ResourceStatus s) {
    return s == ResourceStatus::Created || s == ResourceStatus::Updated;
}

} // namespace athanor

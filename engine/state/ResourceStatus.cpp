#include "state/ResourceStatus.h"

#include <array>

namespace athanor {

namespace {
constexpr std::array<std::string_view, 6> kNames{"creating", "created",  "updating",
                                                 "updated",  "deleting", "deleted"};
}

std::optional<ResourceStatus> parseResourceStatus(std::string_view text) {
    for (size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == text)
            return static_cast<ResourceStatus>(i);
    return std::nullopt;
}

std::string_view toString(ResourceStatus status) {
    return kNames[static_cast<size_t>(status)];
}

} // namespace athanor

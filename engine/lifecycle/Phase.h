#pragma once

#include <optional>
#include <string_view>

namespace athanor {

// A run's phase (reference §1.3). Plan is Athanor's dry run of Up: it computes, changes nothing.
enum class Phase { Up, Read, Destroy, Plan };

// How many independent resources up and destroy run at once unless told otherwise (athanorctl --parallel, the
// deploy dock): Terraform's default. The order rules hold at any value (dependencies, deletion order).
inline constexpr int kDefaultParallel = 10;

inline std::string_view toString(Phase p) {
    switch (p) {
    case Phase::Up:
        return "up";
    case Phase::Read:
        return "read";
    case Phase::Destroy:
        return "destroy";
    case Phase::Plan:
        return "plan";
    }
    return "up";
}

inline std::optional<Phase> parsePhase(std::string_view s) {
    if (s == "up")
        return Phase::Up;
    if (s == "read")
        return Phase::Read;
    if (s == "destroy")
        return Phase::Destroy;
    if (s == "plan")
        return Phase::Plan;
    return std::nullopt;
}

// What a provider handler is asked to do (Alchemy's this.phase).
enum class HandlerPhase { Create, Update, Delete };

} // namespace athanor

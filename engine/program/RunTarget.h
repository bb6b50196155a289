#pragma once

#include "run/RunBackend.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace athanor {

// What a folder or a file given to athanorctl (or opened in the GUI) runs with.
struct RunTarget {
    BackendKind backend = BackendKind::Engine;
    std::optional<std::filesystem::path> entry; // the stack file or the program; none: destroy from state
    std::string
        note; // e.g. both a stack file and a program exist: which one was taken and how to pick the other
};

// The backend for `entry` when given (a .ts/.mts/.js/.mjs file is a program, anything else a stack file);
// otherwise what `folder` holds: alchemy.stack.json when it exists (noting a program beside it), else the
// program Alchemy's CLI would run (alchemy.run.ts, .js, .mts, .mjs). nullopt when the folder holds neither.
std::optional<RunTarget> findRunTarget(const std::optional<std::filesystem::path>& entry,
                                       const std::filesystem::path& folder);

std::unique_ptr<RunBackend> makeRunBackend(BackendKind kind);

} // namespace athanor

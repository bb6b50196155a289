#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

enum class RuntimeKind { Node, Bun };

// A JavaScript runtime found on this machine.
struct RuntimeInfo {
    RuntimeKind kind = RuntimeKind::Node;
    std::filesystem::path path;
    int major = 0, minor = 0, patch = 0;
    std::string describe() const; // "node v20.20.2", "bun 1.4.5"
    bool atLeast(int wantMajor, int wantMinor) const {
        return major > wantMajor || (major == wantMajor && minor >= wantMinor);
    }
};

// Runs `<executable> --version` and tells node ("v20.20.2") from bun ("1.4.5"); nullopt when it does not run
// or prints neither.
std::optional<RuntimeInfo> probeRuntime(const std::filesystem::path& executable);
// The first executable `name` in the PATH folders; nullopt when none.
std::optional<std::filesystem::path> findOnPath(std::string_view name);
// True when the workspace of `projectRoot` (its folder or the nearest parent that is a workspace root, as
// Alchemy's CLI finds it) has bun.lock or bun.lockb: such projects run under bun.
bool projectUsesBun(const std::filesystem::path& projectRoot);

// No runtime fits: the message says why and what to install. `alternative`: a runtime that would work
// (bun, when node is too old for TypeScript), for the GUI to offer and athanorctl to suggest.
class RuntimeError : public std::runtime_error {
public:
    RuntimeError(const std::string& message, std::optional<std::filesystem::path> alternativeRuntime = {})
        : std::runtime_error(message), alternative(std::move(alternativeRuntime)) {}
    std::optional<std::filesystem::path> alternative;
};

// What there is to choose from.
struct RuntimeCandidates {
    std::optional<RuntimeInfo> chosen; // the settings override (ProgramSettings::runtime / ATHANOR_RUNTIME)
    std::string chosenProblem;         // the override was given but does not run: why
    std::optional<RuntimeInfo> node;   // found on PATH
    std::optional<RuntimeInfo> bun;
    bool projectUsesBun = false;
    bool envFile = false; // the project has a .env to pass with --env-file
};

struct RuntimeChoice {
    RuntimeInfo runtime;
    std::vector<std::string> arguments; // before the entrypoint, e.g. --experimental-strip-types
    std::string note;                   // why this runtime, when it is not the obvious one
};

// The choice Alchemy's CLI makes (reference §9), with Athanor's rules for what it cannot run:
//  * an override is used as it is (but node older than 22.6 cannot run TypeScript: RuntimeError);
//  * bun when the project has bun.lock / bun.lockb, or when bun is the only runtime installed;
//  * node for .js / .mjs / .cjs;
//  * node for TypeScript from 22.6 on (--experimental-strip-types on 22.6, --experimental-transform-types up
//  to
//    22.17 / 23.5, nothing from 22.18 / 23.6); older node: RuntimeError naming the version, with bun as
//    the alternative when it is installed;
//  * nothing installed: RuntimeError naming what to install.
RuntimeChoice chooseRuntime(const std::filesystem::path& entry, const RuntimeCandidates& candidates);

// Looks at the machine and the project, then chooseRuntime(). `runtimeOverride`: an executable path or a
// name looked up on PATH; empty: ATHANOR_RUNTIME when set, else none.
RuntimeChoice resolveRuntime(const std::filesystem::path& entry, const std::filesystem::path& projectRoot,
                             const std::string& runtimeOverride, bool envFile);

} // namespace athanor

#include "program/ProgramRuntime.h"

#include "program/ProgramEntry.h"
#include "providers/ChildProcess.h"
#include "store/AtomicFile.h"

#include "json/Json.h"
#include <cstdlib>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

// "20.20.2" -> {20, 20, 2}; false when it does not start with a number.
bool parseVersion(std::string_view text, RuntimeInfo& info) {
    int parts[3] = {0, 0, 0};
    size_t i = 0;
    for (int part = 0; part < 3; ++part) {
        const size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            parts[part] = parts[part] * 10 + (text[i] - '0');
            ++i;
        }
        if (i == start)
            return part > 0;
        if (i >= text.size() || text[i] != '.')
            break;
        ++i;
    }
    info.major = parts[0];
    info.minor = parts[1];
    info.patch = parts[2];
    return true;
}

std::string versionText(const RuntimeInfo& info) {
    return std::to_string(info.major) + "." + std::to_string(info.minor) + "." + std::to_string(info.patch);
}

bool isWorkspaceRoot(const fs::path& dir) {
    std::error_code ec;
    for (const char* marker :
         {"bun.lock", "bun.lockb", ".git", "lerna.json", "package-lock.json", "nx.json", "pnpm-lock.yaml",
          "pnpm-workspace.yaml", "pnpm-workspace.yml", "rush.json", "yarn.lock"})
        if (fs::exists(dir / marker, ec))
            return true;
    // package.json with "workspaces"; turbo.json that does not extend another (Alchemy's predicates)
    if (auto text = readWholeFile(dir / "package.json")) {
        const Json j = Json::parse(*text, nullptr, false);
        if (j.is_object() && j.contains("workspaces"))
            return true;
    }
    if (auto text = readWholeFile(dir / "turbo.json")) {
        const Json j = Json::parse(*text, nullptr, false);
        if (j.is_object() && !j.contains("extends"))
            return true;
    }
    return false;
}

const char* const kInstallHint = "install Node.js 22.6 or newer (https://nodejs.org) or Bun (https://bun.sh)";

} // namespace

std::string RuntimeInfo::describe() const {
    return kind == RuntimeKind::Node ? "node v" + versionText(*this) : "bun " + versionText(*this);
}

std::optional<RuntimeInfo> probeRuntime(const fs::path& executable) {
    ProcessSpec spec;
    spec.argv = {executable.string(), "--version"};
    CancellationToken never;
    ProcessResult result;
    try {
        result = runProcess(spec, never);
    } catch (const ProviderError&) {
        return std::nullopt;
    }
    if (result.exitCode != 0)
        return std::nullopt;
    std::string text = result.stdoutText;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    RuntimeInfo info;
    info.path = executable;
    if (!text.empty() && text.front() == 'v' && parseVersion(std::string_view(text).substr(1), info)) {
        info.kind = RuntimeKind::Node;
        return info;
    }
    if (parseVersion(text, info)) {
        info.kind = RuntimeKind::Bun;
        return info;
    }
    return std::nullopt;
}

std::optional<fs::path> findOnPath(std::string_view name) {
    const char* path = std::getenv("PATH");
    if (!path)
        return std::nullopt;
    std::string_view folders(path);
    while (!folders.empty()) {
        const size_t colon = folders.find(':');
        const std::string_view folder = folders.substr(0, colon);
        folders = colon == std::string_view::npos ? std::string_view() : folders.substr(colon + 1);
        const fs::path candidate = fs::path(folder.empty() ? "." : std::string(folder)) / std::string(name);
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return std::nullopt;
}

bool projectUsesBun(const fs::path& projectRoot) {
    std::error_code ec;
    fs::path dir = fs::absolute(projectRoot, ec);
    for (;;) {
        if (fs::exists(dir / "bun.lock", ec) || fs::exists(dir / "bun.lockb", ec))
            return true;
        if (isWorkspaceRoot(dir) || dir == dir.parent_path())
            return false;
        dir = dir.parent_path();
    }
}

RuntimeChoice chooseRuntime(const fs::path& entry, const RuntimeCandidates& c) {
    const std::string name = entry.filename().string();
    const bool typeScript = isTypeScriptFile(entry);

    auto forNode = [&](const RuntimeInfo& node, std::string note) {
        RuntimeChoice choice{node, {}, std::move(note)};
        if (c.envFile && !node.atLeast(20, 6))
            throw RuntimeError(node.describe() +
                               " cannot load the project's .env (--env-file needs Node.js 20.6 "
                               "or newer): " +
                               kInstallHint);
        if (!typeScript)
            return choice;
        if (!node.atLeast(22, 6)) {
            std::string message = name + " is TypeScript and " + node.describe() + " (" + node.path.string() +
                                  ") cannot run it: Node.js 22.6 or newer can";
            if (c.bun)
                throw RuntimeError(message + "; Bun can too and is installed at " + c.bun->path.string() +
                                       ": choose it as the runtime",
                                   c.bun->path);
            throw RuntimeError(message +
                               ". Install Bun (https://bun.sh) or a newer Node.js, or choose another "
                               "runtime");
        }
        // Type stripping is on by default from 22.18 / 23.6; before that it needs a flag (Alchemy's CLI does
        // the same).
        if (node.major == 22 && node.minor == 6)
            choice.arguments.push_back("--experimental-strip-types");
        else if ((node.major == 22 && node.minor < 18) || (node.major == 23 && node.minor < 6))
            choice.arguments.push_back("--experimental-transform-types");
        return choice;
    };

    if (c.chosen)
        return c.chosen->kind == RuntimeKind::Bun ? RuntimeChoice{*c.chosen, {}, {}} : forNode(*c.chosen, {});
    if (!c.chosenProblem.empty())
        throw RuntimeError(c.chosenProblem);
    if (c.projectUsesBun) {
        if (!c.bun)
            throw RuntimeError(
                "this project runs on Bun (it has bun.lock) but bun is not installed: install Bun "
                "(https://bun.sh) or choose a runtime");
        return {*c.bun, {}, "the project has bun.lock"};
    }
    if (c.node)
        return forNode(*c.node, {});
    if (c.bun)
        return {*c.bun, {}, "bun is the only runtime installed"};
    throw RuntimeError("no JavaScript runtime found to run " + name +
                       " (neither node nor bun is on PATH): " + kInstallHint + ", or choose one");
}

RuntimeChoice resolveRuntime(const fs::path& entry, const fs::path& projectRoot,
                             const std::string& runtimeOverride, bool envFile) {
    RuntimeCandidates candidates;
    candidates.envFile = envFile;
    std::string chosen = runtimeOverride;
    if (chosen.empty())
        if (const char* fromEnvironment = std::getenv("ATHANOR_RUNTIME"))
            chosen = fromEnvironment;
    if (!chosen.empty()) {
        std::optional<fs::path> executable;
        if (chosen.find('/') != std::string::npos)
            executable = fs::path(chosen);
        else
            executable = findOnPath(chosen);
        if (!executable)
            candidates.chosenProblem = "the chosen runtime \"" + chosen + "\" is not on PATH";
        else if (!(candidates.chosen = probeRuntime(*executable)))
            candidates.chosenProblem = "the chosen runtime " + executable->string() +
                                       " does not run as node or bun (`" + executable->string() +
                                       " --version` failed or printed something else)";
        return chooseRuntime(entry, candidates);
    }
    if (auto node = findOnPath("node"))
        candidates.node = probeRuntime(*node);
    if (auto bun = findOnPath("bun"))
        candidates.bun = probeRuntime(*bun);
    candidates.projectUsesBun = projectUsesBun(projectRoot);
    return chooseRuntime(entry, candidates);
}

} // namespace athanor

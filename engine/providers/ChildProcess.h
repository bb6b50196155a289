#pragma once

#include "providers/Provider.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athanor {

// One shell command run to completion: `/bin/sh -c <command>` in its own process group, stdin from
// /dev/null, stdout and stderr captured through pipes. Used by os::Exec and athanor::Command.
struct ShellCommand {
    std::string command;
    std::filesystem::path workingDirectory;                       // empty: inherit
    std::vector<std::pair<std::string, std::string>> environment; // set on top of the process environment
    // Called with each complete output line (without the newline) as it arrives; may be empty.
    std::function<void(std::string_view line, bool fromStderr)> onLine;
    // After an abort request the group gets SIGTERM, then SIGKILL when it is still alive after this long.
    std::chrono::milliseconds killGrace{2000};
};

struct ShellResult {
    int exitCode = 0; // the exit status; -1 when ended by a signal or when the command could not start
    int signal = 0;   // the terminating signal, 0 when the command exited normally
    bool cancelled = false;
    std::string stdoutText;
    std::string stderrText;
};

// Runs `command` and waits for it. A plain cancel request lets it finish (running resources end normally);
// an abort request kills the whole process group (so a shell's children go too) and returns with
// cancelled = true. Throws ProviderError when the process cannot be
// started at all (no /bin/sh, a bad working directory, out of file descriptors).
ShellResult runShellCommand(const ShellCommand& command, const CancellationToken& cancel);

// The last `maxLines` lines of `text` (at most `maxBytes` bytes), for error messages.
std::string tailOf(std::string_view text, size_t maxLines = 20, size_t maxBytes = 4000);

} // namespace athanor

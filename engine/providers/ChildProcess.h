#pragma once

#include "providers/Provider.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athanor {

// The one door for running a child process: in its own process group, stdin from /dev/null, stdout and stderr
// read line by line through pipes while it runs. Used by os::Exec and athanor::Command (through
// runShellCommand) and by the Alchemy-program backend.
struct ProcessSpec {
    std::vector<std::string> argv; // argv[0]: the executable's path (no PATH lookup)
    std::string
        description; // names the process in errors ("cannot start <description>: ..."); default argv[0]
    std::filesystem::path workingDirectory; // empty: inherit
    std::vector<std::pair<std::string, std::string>>
        environment; // set on top of ours; may hold secrets (wiped)
    // Called with each complete output line (without the newline, a trailing '\r' kept) as it arrives.
    std::function<void(std::string_view line, bool fromStderr)> onLine;
    // Called on the same thread about every 100 ms while the process runs (e.g. to flush idle output).
    std::function<void()> onTick;
    // Called once the process runs, with its pid (the program itself, also in guarded mode).
    std::function<void(long pid)> onStarted;
    bool captureOutput = true; // keep the whole stdout / stderr text in the result
    // What CancellationToken::cancel() and abort() send to the whole process group (0: nothing). After the
    // abort signal, a group still alive after killGrace gets SIGKILL.
    int cancelSignal = 0;
    int abortSignal = SIGTERM;
    std::chrono::milliseconds killGrace{2000};
    // No orphans: the process runs under a small guard process (the group's leader) that kills the whole
    // group when the thread that started it dies (PR_SET_PDEATHSIG), even by SIGKILL; and whatever the
    // program left running in its group when it exits is killed too. Costs one fork more. (A descendant
    // that moves itself to a session or group of its own, as a daemon does, is out of its reach.)
    bool guarded = false;
};

struct ProcessResult {
    int exitCode = 0;       // the exit status; -1 when ended by a signal
    int signal = 0;         // the terminating signal, 0 when it exited normally
    bool cancelled = false; // the cancel signal was sent
    bool aborted = false;   // the abort signal was sent
    long pid = 0;           // the process (guarded: the program, not the guard)
    long processGroup = 0;
    std::string stdoutText; // when captureOutput
    std::string stderrText;
};

// Runs `spec` to its end and waits for it (and for its output). Throws ProviderError when the process cannot
// be started at all (missing executable, a bad working directory, out of file descriptors), naming argv[0].
ProcessResult runProcess(const ProcessSpec& spec, const CancellationToken& cancel);

// One shell command run to completion: `/bin/sh -c <command>` through runProcess().
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

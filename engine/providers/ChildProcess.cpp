#include "providers/ChildProcess.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace athanor {
namespace {

std::string errnoText(int error) {
    return std::strerror(error);
}

// Closes the descriptors it owns; pipes are created O_CLOEXEC so that a command started concurrently on
// another thread never inherits them (it would keep our pipe open and the read loop would never see EOF).
struct Pipe {
    int readEnd = -1;
    int writeEnd = -1;
    Pipe() {
        std::array<int, 2> fds{};
        if (::pipe2(fds.data(), O_CLOEXEC) != 0)
            throw ProviderError("cannot create a pipe for a command: " + errnoText(errno));
        readEnd = fds[0];
        writeEnd = fds[1];
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    ~Pipe() {
        closeRead();
        closeWrite();
    }
    void closeRead() {
        if (readEnd >= 0)
            ::close(readEnd);
        readEnd = -1;
    }
    void closeWrite() {
        if (writeEnd >= 0)
            ::close(writeEnd);
        writeEnd = -1;
    }
};

// The child's environment: ours, with the command's variables replacing same-named ones. The strings may hold
// secrets, so they are wiped once the child has been started.
class ChildEnvironment {
public:
    explicit ChildEnvironment(const std::vector<std::pair<std::string, std::string>>& overrides) {
        for (char** entry = environ; entry && *entry; ++entry) {
            const std::string_view text(*entry);
            const std::string_view name = text.substr(0, text.find('='));
            bool overridden = false;
            for (const auto& [key, value] : overrides)
                overridden = overridden || key == name;
            if (!overridden)
                m_strings.emplace_back(text);
        }
        // A name given twice: the later value wins, as in a shell.
        for (size_t i = 0; i < overrides.size(); ++i) {
            bool repeatedLater = false;
            for (size_t j = i + 1; j < overrides.size(); ++j)
                repeatedLater = repeatedLater || overrides[j].first == overrides[i].first;
            if (!repeatedLater)
                m_strings.push_back(overrides[i].first + "=" + overrides[i].second);
        }
        for (auto& s : m_strings)
            m_pointers.push_back(s.data());
        m_pointers.push_back(nullptr);
    }
    ChildEnvironment(const ChildEnvironment&) = delete;
    ChildEnvironment& operator=(const ChildEnvironment&) = delete;
    ~ChildEnvironment() {
        for (auto& s : m_strings)
            sodium_memzero(s.data(), s.size());
    }
    char** data() { return m_pointers.data(); }

private:
    std::vector<std::string> m_strings;
    std::vector<char*> m_pointers;
};

class SpawnSetup {
public:
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attributes{};
};

// Splits captured bytes into lines for ShellCommand::onLine.
class LineSplitter {
public:
    void feed(std::string_view bytes, bool fromStderr, const ShellCommand& command) {
        if (!command.onLine)
            return;
        m_pending.append(bytes);
        size_t start = 0;
        for (size_t newline; (newline = m_pending.find('\n', start)) != std::string::npos;
             start = newline + 1)
            command.onLine(std::string_view(m_pending).substr(start, newline - start), fromStderr);
        m_pending.erase(0, start);
    }
    void finish(bool fromStderr, const ShellCommand& command) {
        if (command.onLine && !m_pending.empty())
            command.onLine(m_pending, fromStderr);
        m_pending.clear();
    }

private:
    std::string m_pending;
};

} // namespace

ShellResult runShellCommand(const ShellCommand& command, const CancellationToken& cancel) {
    Pipe out, err;
    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out.writeEnd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err.writeEnd, STDERR_FILENO);
    if (!command.workingDirectory.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(command.workingDirectory, ec))
            throw ProviderError("working directory " + command.workingDirectory.string() + " does not exist");
        posix_spawn_file_actions_addchdir_np(&setup.actions, command.workingDirectory.c_str());
    }
    // Its own process group, so cancelling can kill everything the shell started, and a Ctrl-C in the
    // terminal reaches athanorctl (which cancels cleanly) instead of the commands directly.
    posix_spawnattr_setpgroup(&setup.attributes, 0);
    sigset_t defaultSignals;
    sigemptyset(&defaultSignals);
    sigaddset(&defaultSignals, SIGINT);
    sigaddset(&defaultSignals, SIGTERM);
    sigaddset(&defaultSignals, SIGPIPE);
    posix_spawnattr_setsigdefault(&setup.attributes, &defaultSignals);
    sigset_t noSignals;
    sigemptyset(&noSignals);
    posix_spawnattr_setsigmask(&setup.attributes, &noSignals);
    posix_spawnattr_setflags(&setup.attributes,
                             POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::string shell = "/bin/sh", dashC = "-c", script = command.command;
    std::array<char*, 4> argv{shell.data(), dashC.data(), script.data(), nullptr};
    pid_t pid = -1;
    {
        ChildEnvironment environment(command.environment);
        const int rc =
            posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attributes, argv.data(), environment.data());
        if (rc != 0)
            throw ProviderError("cannot start /bin/sh for `" + command.command + "`: " + errnoText(rc));
    }
    out.closeWrite();
    err.closeWrite();

    ShellResult result;
    LineSplitter outLines, errLines;
    bool childDone = false;
    int status = 0;
    auto reap = [&](int flags) {
        if (childDone)
            return;
        pid_t r;
        do {
            r = ::waitpid(pid, &status, flags);
        } while (r < 0 && errno == EINTR);
        if (r == pid || (r < 0 && errno == ECHILD))
            childDone = true;
    };
    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> termSentAt;
    std::optional<Clock::time_point> exitSeenAt;
    bool killed = false;
    std::array<char, 65536> buffer{};
    while (out.readEnd >= 0 || err.readEnd >= 0) {
        if (cancel.isAborted() && !termSentAt) {
            result.cancelled = true;
            ::kill(-pid, SIGTERM);
            termSentAt = Clock::now();
        }
        if (termSentAt && !killed && Clock::now() - *termSentAt > command.killGrace) {
            ::kill(-pid, SIGKILL);
            killed = true;
        }
        std::array<pollfd, 2> fds{pollfd{out.readEnd, POLLIN, 0}, pollfd{err.readEnd, POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), 100);
        if (ready < 0 && errno != EINTR)
            break;
        for (size_t i = 0; i < fds.size() && ready > 0; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0)
                continue;
            Pipe& pipe = i == 0 ? out : err;
            const ssize_t n = ::read(pipe.readEnd, buffer.data(), buffer.size());
            if (n > 0) {
                const std::string_view bytes(buffer.data(), static_cast<size_t>(n));
                (i == 0 ? result.stdoutText : result.stderrText).append(bytes);
                (i == 0 ? outLines : errLines).feed(bytes, i == 1, command);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                pipe.closeRead();
            }
        }
        // A background job started by the command can hold the pipes open after the shell exits; stop
        // reading a short while after the shell is gone rather than waiting for that job.
        reap(WNOHANG);
        if (childDone && !exitSeenAt)
            exitSeenAt = Clock::now();
        if (exitSeenAt && ready == 0 && Clock::now() - *exitSeenAt > std::chrono::milliseconds(500))
            break;
    }
    outLines.finish(false, command);
    errLines.finish(true, command);
    reap(0);
    if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exitCode = -1;
        result.signal = WTERMSIG(status);
    }
    return result;
}

std::string tailOf(std::string_view text, size_t maxLines, size_t maxBytes) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    size_t start = text.size();
    size_t lines = 0;
    while (start > 0) {
        const size_t newline = text.rfind('\n', start - 1);
        if (newline == std::string_view::npos) {
            start = 0;
            break;
        }
        if (++lines == maxLines) {
            start = newline + 1;
            break;
        }
        start = newline;
    }
    std::string_view tail = text.substr(start);
    if (tail.size() > maxBytes)
        tail = tail.substr(tail.size() - maxBytes);
    return std::string(tail);
}

} // namespace athanor

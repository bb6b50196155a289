#include "providers/ChildProcess.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

// Splits captured bytes into lines for ProcessSpec::onLine.
class LineSplitter {
public:
    void feed(std::string_view bytes, bool fromStderr, const ProcessSpec& spec) {
        if (!spec.onLine)
            return;
        m_pending.append(bytes);
        size_t start = 0;
        for (size_t newline; (newline = m_pending.find('\n', start)) != std::string::npos;
             start = newline + 1)
            spec.onLine(std::string_view(m_pending).substr(start, newline - start), fromStderr);
        m_pending.erase(0, start);
    }
    void finish(bool fromStderr, const ProcessSpec& spec) {
        if (spec.onLine && !m_pending.empty())
            spec.onLine(m_pending, fromStderr);
        m_pending.clear();
    }

private:
    std::string m_pending;
};

// argv as the exec functions want it; the strings stay owned by the spec.
std::vector<char*> argvPointers(std::vector<std::string>& args) {
    std::vector<char*> pointers;
    for (auto& arg : args)
        pointers.push_back(arg.data());
    pointers.push_back(nullptr);
    return pointers;
}

struct Started {
    pid_t pid = -1;       // what we wait for: the process itself, or its guard
    pid_t group = -1;     // its process group
    long programPid = -1; // the program (guarded: the guard's child)
};

Started spawnPlain(const ProcessSpec& spec, Pipe& out, Pipe& err) {
    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out.writeEnd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err.writeEnd, STDERR_FILENO);
    if (!spec.workingDirectory.empty())
        posix_spawn_file_actions_addchdir_np(&setup.actions, spec.workingDirectory.c_str());
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

    std::vector<std::string> args = spec.argv;
    std::vector<char*> argv = argvPointers(args);
    pid_t pid = -1;
    {
        ChildEnvironment environment(spec.environment);
        const int rc =
            posix_spawn(&pid, argv[0], &setup.actions, &setup.attributes, argv.data(), environment.data());
        if (rc != 0)
            throw ProviderError("cannot start " +
                                (spec.description.empty() ? spec.argv[0] : spec.description) + ": " +
                                errnoText(rc));
    }
    return {pid, pid, pid};
}

// What the guard and the program tell the parent through the control pipe (each write is atomic).
struct ControlRecord {
    char tag; // 'P': the program's pid; 'D': chdir failed; 'E': exec failed; 'F': fork failed (value: errno)
    int value;
};

void report(int fd, char tag, int value) {
    const ControlRecord record{tag, value};
    [[maybe_unused]] const auto written = ::write(fd, &record, sizeof record);
}

extern "C" void killOwnGroup(int) {
    ::kill(0, SIGKILL);
}

constexpr int kControlFd = 3;

// The guard: the first child, leader of the new process group. From fork to exit only async-signal-safe
// calls: the parent may have other threads, whose locks are frozen in this copy of its memory.
[[noreturn]] void guardMain(pid_t parent, int outFd, int errFd, int controlFd, const char* workingDirectory,
                            char** argv, char** envp) {
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP)
            ::sigaction(s, &defaults, nullptr);
    ::setpgid(0, 0);
    ::prctl(PR_SET_NAME, "athanor-guard"); // what ps shows instead of a second copy of our own name

    // When the thread that started us dies (however it dies), the whole group goes with it.
    struct sigaction onParentDeath {};
    onParentDeath.sa_handler = killOwnGroup;
    sigemptyset(&onParentDeath.sa_mask);
    ::sigaction(SIGHUP, &onParentDeath, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGHUP);
    // This copy of the parent's memory may hold passwords: never in a core dump.
    ::prctl(PR_SET_DUMPABLE, 0);
    const struct rlimit noCore { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &noCore);

    // 0 /dev/null, 1 and 2 the output pipes, 3 the control pipe; nothing else of the parent's.
    const int devNull = ::open("/dev/null", O_RDONLY);
    const int out = ::fcntl(outFd, F_DUPFD, 64);
    const int err = ::fcntl(errFd, F_DUPFD, 64);
    const int control = ::fcntl(controlFd, F_DUPFD, 64);
    const int in = ::fcntl(devNull, F_DUPFD, 64);
    if (out < 0 || err < 0 || control < 0 || in < 0)
        ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::dup2(control, kControlFd);
    ::close_range(kControlFd + 1, ~0U, 0);
    if (::getppid() != parent)
        ::kill(0, SIGKILL); // the parent died before PR_SET_PDEATHSIG was in place

    sigset_t none;
    sigemptyset(&none);
    const pid_t program = ::fork();
    if (program == 0) {
        ::sigaction(SIGHUP, &defaults, nullptr);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::fcntl(kControlFd, F_SETFD, FD_CLOEXEC);
        if (workingDirectory && ::chdir(workingDirectory) != 0) {
            report(kControlFd, 'D', errno);
            ::_exit(127);
        }
        ::execve(argv[0], argv, envp);
        report(kControlFd, 'E', errno);
        ::_exit(127);
    }
    if (program < 0) {
        report(kControlFd, 'F', errno);
        ::_exit(127);
    }
    report(kControlFd, 'P', program);
    ::close(kControlFd);
    // The output pipes must close when the program and its children are done, not when the guard is.
    ::close(STDIN_FILENO);
    ::close(STDOUT_FILENO);
    ::close(STDERR_FILENO);

    // Cancel signals go to the whole group; the guard stays to report how the program ended.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGINT, &ignore, nullptr);
    ::sigaction(SIGTERM, &ignore, nullptr);
    ::sigaction(SIGQUIT, &ignore, nullptr);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    int status = 0;
    while (::waitpid(program, &status, 0) < 0) {
        if (errno != EINTR)
            ::_exit(127);
    }
    if (WIFEXITED(status))
        ::_exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        // End the same way, so the parent sees the program's signal.
        const int signal = WTERMSIG(status);
        ::sigaction(signal, &defaults, nullptr);
        ::kill(::getpid(), signal);
    }
    ::_exit(127);
}

Started spawnGuarded(const ProcessSpec& spec, Pipe& out, Pipe& err) {
    // Everything the children use is prepared before fork.
    std::vector<std::string> args = spec.argv;
    std::vector<char*> argv = argvPointers(args);
    const std::string workingDirectory = spec.workingDirectory.string();
    ChildEnvironment environment(spec.environment);
    Pipe control;
    const pid_t parent = ::getpid();

    // No signal handler of ours may run in the child before it has reset them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t guard = ::fork();
    if (guard == 0)
        guardMain(parent, out.writeEnd, err.writeEnd, control.writeEnd,
                  workingDirectory.empty() ? nullptr : workingDirectory.c_str(), argv.data(),
                  environment.data());
    const int forkError = errno;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    const std::string what = spec.description.empty() ? spec.argv[0] : spec.description;
    if (guard < 0)
        throw ProviderError("cannot start " + what + ": " + errnoText(forkError));
    ::setpgid(guard, guard); // also from here, so that a signal to the group right away cannot miss it
    out.closeWrite();
    err.closeWrite();
    control.closeWrite();

    Started started{guard, guard, -1};
    int startError = 0;
    char failedStep = 0;
    ControlRecord record{};
    for (;;) {
        const ssize_t n = ::read(control.readEnd, &record, sizeof record);
        if (n < 0 && errno == EINTR)
            continue;
        if (n != static_cast<ssize_t>(sizeof record))
            break;
        if (record.tag == 'P') {
            started.programPid = record.value;
        } else {
            failedStep = record.tag;
            startError = record.value;
        }
    }
    if (failedStep || started.programPid < 0) {
        int status = 0;
        while (::waitpid(guard, &status, 0) < 0 && errno == EINTR) {
        }
        if (failedStep == 'D')
            throw ProviderError("cannot start " + what + ": working directory " + workingDirectory + ": " +
                                errnoText(startError));
        throw ProviderError("cannot start " + what + ": " + errnoText(startError ? startError : ECHILD));
    }
    return started;
}

} // namespace

ProcessResult runProcess(const ProcessSpec& spec, const CancellationToken& cancel) {
    if (spec.argv.empty())
        throw ProviderError("cannot start a process without a program");
    if (!spec.workingDirectory.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_directory(spec.workingDirectory, ec))
            throw ProviderError("working directory " + spec.workingDirectory.string() + " does not exist");
    }
    Pipe out, err;
    const Started started = spec.guarded ? spawnGuarded(spec, out, err) : spawnPlain(spec, out, err);
    out.closeWrite();
    err.closeWrite();

    ProcessResult result;
    result.pid = started.programPid;
    result.processGroup = started.group;
    if (spec.onStarted)
        spec.onStarted(started.programPid);

    LineSplitter outLines, errLines;
    bool childDone = false;
    int status = 0;
    auto reap = [&](int flags) {
        if (childDone)
            return;
        pid_t r;
        do {
            r = ::waitpid(started.pid, &status, flags);
        } while (r < 0 && errno == EINTR);
        if (r == started.pid || (r < 0 && errno == ECHILD))
            childDone = true;
    };
    // Guarded: see the guard end without reaping it, so its group id cannot be reused while we kill the
    // group's leftovers.
    auto exited = [&]() {
        if (!spec.guarded) {
            reap(WNOHANG);
            return childDone;
        }
        siginfo_t info{};
        int r;
        do {
            r = ::waitid(P_PID, static_cast<id_t>(started.pid), &info, WEXITED | WNOHANG | WNOWAIT);
        } while (r < 0 && errno == EINTR);
        return r < 0 || info.si_pid == started.pid;
    };
    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> abortSentAt;
    std::optional<Clock::time_point> exitSeenAt;
    Clock::time_point lastTick = Clock::now();
    bool killed = false;
    std::array<char, 65536> buffer{};
    while (out.readEnd >= 0 || err.readEnd >= 0) {
        if (spec.cancelSignal != 0 && cancel.isCancelled() && !result.cancelled && !exitSeenAt) {
            result.cancelled = true;
            ::kill(-started.group, spec.cancelSignal);
        }
        if (cancel.isAborted() && !abortSentAt && !exitSeenAt) {
            result.aborted = true;
            ::kill(-started.group, spec.abortSignal);
            abortSentAt = Clock::now();
            killed = spec.abortSignal == SIGKILL;
        }
        if (abortSentAt && !killed && Clock::now() - *abortSentAt > spec.killGrace) {
            ::kill(-started.group, SIGKILL);
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
                if (spec.captureOutput)
                    (i == 0 ? result.stdoutText : result.stderrText).append(bytes);
                (i == 0 ? outLines : errLines).feed(bytes, i == 1, spec);
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                pipe.closeRead();
            }
        }
        if (spec.onTick && Clock::now() - lastTick >= std::chrono::milliseconds(100)) {
            lastTick = Clock::now();
            spec.onTick();
        }
        if (!exitSeenAt && exited()) {
            exitSeenAt = Clock::now();
            // Whatever the program left running in its group ends with it: no orphans.
            if (spec.guarded)
                ::kill(-started.group, SIGKILL);
        }
        // A background job started by the command can hold the pipes open after the shell exits; stop
        // reading a short while after the shell is gone rather than waiting for that job.
        if (exitSeenAt && ready == 0 && Clock::now() - *exitSeenAt > std::chrono::milliseconds(500))
            break;
    }
    outLines.finish(false, spec);
    errLines.finish(true, spec);
    reap(0);
    if (WIFEXITED(status)) {
        result.exitCode = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exitCode = -1;
        result.signal = WTERMSIG(status);
    }
    return result;
}

ShellResult runShellCommand(const ShellCommand& command, const CancellationToken& cancel) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", command.command};
    spec.description = "/bin/sh for `" + command.command + "`";
    spec.workingDirectory = command.workingDirectory;
    spec.environment = command.environment;
    spec.onLine = command.onLine;
    spec.killGrace = command.killGrace;
    ProcessResult process = runProcess(spec, cancel);
    ShellResult result;
    result.exitCode = process.exitCode;
    result.signal = process.signal;
    result.cancelled = process.aborted;
    result.stdoutText = std::move(process.stdoutText);
    result.stderrText = std::move(process.stderrText);
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

#include "lifecycle/StageLock.h"

#include "lifecycle/RunApi.h"
#include "state/UtcTime.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/ProcessIdentity.h"
#include "store/StoreError.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

struct Holder {
    long pid = 0;
    std::string host, since, operation, boot;
    std::optional<uint64_t> start;
    bool readable = false;
    double ageSeconds = 0; // since the file was last written
};

Holder parseHolder(const std::string& text) {
    Holder holder;
    try {
        const Json doc = parseJsonText(text);
        if (!doc.is_object() || !doc.contains("pid") || !doc["pid"].is_number_integer())
            return holder;
        holder.pid = doc["pid"].get<long>();
        holder.host = doc.value("host", std::string());
        holder.since = doc.value("since", std::string());
        holder.operation = doc.value("operation", std::string());
        holder.boot = doc.value("boot", std::string());
        if (auto it = doc.find("start"); it != doc.end() && it->is_number_unsigned())
            holder.start = it->get<uint64_t>();
        holder.readable = holder.pid > 0;
    } catch (const std::exception&) {
        // Empty or damaged (an older Athanor created the file first and wrote it after).
    }
    return holder;
}

std::optional<std::string> readFd(int fd) {
    std::string text;
    char buf[4096];
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::nullopt;
        if (n == 0)
            return text;
        text.append(buf, static_cast<size_t>(n));
        offset += n;
    }
}

Holder readHolder(int fd) {
    Holder holder = parseHolder(readFd(fd).value_or(std::string()));
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
        const double written = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
        const double now =
            std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
        holder.ageSeconds = now - written;
    }
    return holder;
}

// Why the lock of a dead holder may be taken over; empty when it may not.
std::string staleBecause(const Holder& holder, const std::string& thisHost) {
    if (!holder.readable)
        return holder.ageSeconds > StageLock::kUnreadableLockGraceSeconds
                   ? "it could not be read and is " + std::to_string(static_cast<long>(holder.ageSeconds)) +
                         " s old"
                   : std::string();
    if (holder.host != thisHost)
        return {}; // another host's processes cannot be checked from here
    if (!holder.boot.empty() && !bootId().empty() && holder.boot != bootId())
        return "its host has restarted since";
    if (!processExists(holder.pid))
        return "that process no longer exists";
    if (holder.start && processStartTicks(holder.pid) != holder.start)
        return "that process no longer exists (its pid now belongs to another one)";
    return {};
}

std::string describe(const Holder& h, const std::string& app, const std::string& stage,
                     const fs::path& file) {
    if (!h.readable)
        return "stage " + app + "/" + stage + " is locked: the lock file " + file.string() +
               " cannot be read (empty or damaged); it is taken over once it is " +
               std::to_string(StageLock::kUnreadableLockGraceSeconds) + " s old and nobody holds it";
    return "stage " + app + "/" + stage + " is locked by pid " + std::to_string(h.pid) + " on host " +
           (h.host.empty() ? std::string("?") : h.host) + " since " +
           (h.since.empty() ? std::string("?") : h.since) +
           (h.operation.empty() ? std::string() : " (running " + h.operation + ")") + "; lock file " +
           file.string();
}

[[noreturn]] void throwHeld(const Holder& h, const std::string& app, const std::string& stage,
                            const fs::path& file) {
    throw LockHeldError(describe(h, app, stage, file), h.pid, h.host, h.since, h.operation);
}

bool sameFile(int fd, const fs::path& path) {
    struct stat a {
    }, b{};
    return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

// Our lock content, complete and flushed, in a temp file beside the lock, opened and flock()ed: linked into
// place it is a lock that names us and that we already hold.
struct Candidate {
    fs::path temp;
    int fd = -1;
    ~Candidate() {
        if (!temp.empty())
            ::unlink(temp.c_str());
        if (fd >= 0)
            ::close(fd);
    }
};

void writeCandidate(Candidate& candidate, const fs::path& file, const std::string& content) {
    candidate.temp = file.parent_path() / tempFileName(file.filename().string());
    candidate.fd = ::open(candidate.temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (candidate.fd < 0) {
        const int error = errno;
        candidate.temp.clear();
        throw StoreError("cannot create lock file " + file.string() + ": " + std::strerror(error));
    }
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(candidate.fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw StoreError("cannot write lock file " + file.string() + ": " + std::strerror(errno));
        written += static_cast<size_t>(n);
    }
    // Not synced: a lock only matters while its holder runs (the flock says so). One that a power loss left
    // behind names the boot before (stale, taken over); a torn one is unreadable and old (taken over too).
    if (::flock(candidate.fd, LOCK_EX | LOCK_NB) != 0)
        throw StoreError("cannot lock " + candidate.temp.string() + ": " + std::strerror(errno));
}

} // namespace

fs::path StageLock::lockFile(const DotAlchemyLayout& layout, const std::string& app,
                             const std::string& stage) {
    return layout.stageLockFile(app, stage);
}

StageLock StageLock::acquire(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                             const std::string& operation, const WarningSink& onWarning) {
    const fs::path file = lockFile(layout, app, stage);
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec)
        throw StoreError("cannot create lock folder " + file.parent_path().string() + ": " + ec.message());

    const std::string thisHost = hostName();
    Json doc = Json::object();
    doc["pid"] = static_cast<long>(::getpid());
    doc["host"] = thisHost;
    doc["since"] = isoUtcText(std::chrono::system_clock::now());
    doc["operation"] = operation;
    doc["boot"] = bootId();
    if (auto start = processStartTicks(::getpid()))
        doc["start"] = *start;
    Candidate candidate;
    writeCandidate(candidate, file, stringifyJs(doc, 2));

    for (int attempt = 0; attempt < 20; ++attempt) {
        if (::link(candidate.temp.c_str(), file.c_str()) == 0) {
            const int fd = candidate.fd;
            candidate.fd = -1; // now the lock's descriptor: its flock is ours until release()
            ::unlink(candidate.temp.c_str());
            candidate.temp.clear();
            return StageLock(file, fd);
        }
        if (errno != EEXIST)
            throw StoreError("cannot create lock file " + file.string() + ": " + std::strerror(errno));

        const int existing = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (existing < 0) {
            if (errno == ENOENT)
                continue; // released meanwhile
            throw StoreError("cannot open lock file " + file.string() + ": " + std::strerror(errno));
        }
        // A live holder keeps its flock. A contender taking a stale lock over holds it for an instant only: a
        // few short retries tell the two apart.
        bool free = false;
        for (int wait = 0; wait < 5 && !(free = ::flock(existing, LOCK_EX | LOCK_NB) == 0); ++wait)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!free) {
            const bool stillThere = sameFile(existing, file);
            const Holder holder = readHolder(existing);
            ::close(existing);
            if (!stillThere)
                continue; // taken over meanwhile: look at the new one
            throwHeld(holder, app, stage, file);
        }
        const Holder holder = readHolder(existing);
        const std::string reason = staleBecause(holder, thisHost);
        if (reason.empty()) {
            ::close(existing);
            throwHeld(holder, app, stage, file);
        }
        // Ours to take over: nobody else can while we hold its flock, and it is still the file at the path.
        if (sameFile(existing, file))
            ::unlink(file.c_str());
        ::close(existing); // drops the flock: contenders now find our lock (or none) at the path
        if (onWarning)
            onWarning("took over the lock of stage " + app + "/" + stage +
                      (holder.readable ? " left by pid " + std::to_string(holder.pid) + " on " + holder.host +
                                             " since " + holder.since
                                       : std::string(" (an unreadable lock file)")) +
                      ": " + reason);
    }
    const int existing = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    Holder holder;
    if (existing >= 0) {
        holder = readHolder(existing);
        ::close(existing);
    }
    throwHeld(holder, app, stage, file);
}

StageLock::StageLock(StageLock&& other) noexcept : m_file(std::move(other.m_file)), m_fd(other.m_fd) {
    other.m_fd = -1;
}

StageLock::~StageLock() {
    release();
}

void StageLock::release() {
    if (m_fd < 0)
        return;
    // Remove only our own lock: if it was taken over (we were presumed dead), it is not ours to delete.
    // Nobody can replace it while we hold its flock, so the check and the unlink do not race.
    if (sameFile(m_fd, m_file))
        ::unlink(m_file.c_str());
    ::close(m_fd);
    m_fd = -1;
}

} // namespace athanor

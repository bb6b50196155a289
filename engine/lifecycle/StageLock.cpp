#include "lifecycle/StageLock.h"

#include "lifecycle/RunApi.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/StoreError.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

std::string hostName() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "unknown-host";
    return buf;
}

std::string isoNow() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

bool processExists(long pid) {
    if (pid <= 0)
        return false;
    if (::kill(static_cast<pid_t>(pid), 0) == 0)
        return true;
    return errno == EPERM; // exists, owned by someone else
}

struct Holder {
    long pid = 0;
    std::string host, since, operation;
    bool readable = false;
};

Holder readHolder(const fs::path& file) {
    Holder holder;
    const auto text = readWholeFile(file);
    if (!text)
        return holder;
    try {
        const Json doc = parseJsonText(*text);
        holder.pid = doc.value("pid", 0L);
        holder.host = doc.value("host", std::string());
        holder.since = doc.value("since", std::string());
        holder.operation = doc.value("operation", std::string());
        holder.readable = true;
    } catch (const std::exception&) {
        // A lock file being written right now, or damaged: treated as held by an unknown process.
    }
    return holder;
}

// O_EXCL create; false when the file already exists.
bool tryCreate(const fs::path& file, const std::string& content) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return false;
        throw StoreError("cannot create lock file " + file.string() + ": " + std::strerror(errno));
    }
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int err = errno;
            ::close(fd);
            ::unlink(file.c_str());
            throw StoreError("cannot write lock file " + file.string() + ": " + std::strerror(err));
        }
        written += static_cast<size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
    return true;
}

std::string describe(const Holder& h, const std::string& app, const std::string& stage,
                     const fs::path& file) {
    return "stage " + app + "/" + stage + " is locked by pid " + std::to_string(h.pid) + " on host " +
           (h.host.empty() ? std::string("?") : h.host) + " since " +
           (h.since.empty() ? std::string("?") : h.since) +
           (h.operation.empty() ? std::string() : " (running " + h.operation + ")") + "; lock file " +
           file.string();
}

} // namespace

fs::path StageLock::lockFile(const DotAlchemyLayout& layout, const std::string& app,
                             const std::string& stage) {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    // Names may hold '/', which the file store maps to ':' (IdCodec); do the same so one lock = one file.
    const auto flat = [](const std::string& name) {
        std::string fileName = idToFileName(name);
        return fileName.substr(0, fileName.size() - std::string_view(".json").size());
    };
    return layout.athanorDir() / "locks" / flat(app) / (flat(stage) + ".lock");
}

StageLock StageLock::acquire(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                             const std::string& operation, const WarningSink& onWarning) {
    const fs::path file = lockFile(layout, app, stage);
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    if (ec)
        throw StoreError("cannot create lock folder " + file.parent_path().string() + ": " + ec.message());

    Json doc = Json::object();
    doc["pid"] = static_cast<long>(::getpid());
    doc["host"] = hostName();
    doc["since"] = isoNow();
    doc["operation"] = operation;
    const std::string content = stringifyJs(doc, 2);
    const std::string thisHost = doc["host"].get<std::string>();

    for (int attempt = 0; attempt < 5; ++attempt) {
        if (tryCreate(file, content))
            return StageLock(file, content);
        const Holder holder = readHolder(file);
        const bool stale = holder.readable && holder.host == thisHost && !processExists(holder.pid);
        if (!stale) {
            if (!holder.readable && !fs::exists(file))
                continue; // released between our create and our read
            throw LockHeldError(describe(holder, app, stage, file), holder.pid, holder.host, holder.since,
                                holder.operation);
        }
        // Take the stale lock over: move it aside (only one contender's rename succeeds), check that what we
        // moved is still the dead holder's lock, then compete for a fresh O_EXCL create.
        const fs::path aside = file.string() + ".stale." + std::to_string(::getpid());
        if (::rename(file.c_str(), aside.c_str()) != 0)
            continue; // someone else took it over first
        const Holder moved = readHolder(aside);
        if (moved.pid != holder.pid || moved.since != holder.since) {
            // A live lock created in between: put it back (link() never replaces) and report it.
            ::link(aside.c_str(), file.c_str());
            ::unlink(aside.c_str());
            throw LockHeldError(describe(moved, app, stage, file), moved.pid, moved.host, moved.since,
                                moved.operation);
        }
        ::unlink(aside.c_str());
        if (onWarning)
            onWarning("took over the lock of stage " + app + "/" + stage + " left by pid " +
                      std::to_string(holder.pid) + " on " + holder.host + " since " + holder.since +
                      " (that process no longer exists)");
    }
    const Holder holder = readHolder(file);
    throw LockHeldError(describe(holder, app, stage, file), holder.pid, holder.host, holder.since,
                        holder.operation);
}

StageLock::StageLock(StageLock&& other) noexcept
    : m_file(std::move(other.m_file)), m_content(std::move(other.m_content)), m_held(other.m_held) {
    other.m_held = false;
}

StageLock::~StageLock() {
    release();
}

void StageLock::release() {
    if (!m_held)
        return;
    m_held = false;
    // Remove only our own lock: if it was taken over (we were presumed dead), it is not ours to delete.
    const auto text = readWholeFile(m_file);
    if (text && *text == m_content)
        ::unlink(m_file.c_str());
}

} // namespace athanor

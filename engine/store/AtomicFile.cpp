#include "store/AtomicFile.h"

#include "store/StoreError.h"
#include "store/WriteGroup.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace fs = std::filesystem;

namespace athanor {

namespace {

std::string errnoText(int error) {
    return std::strerror(error);
}

[[noreturn]] void fail(const fs::path& path, const std::string& action, int error) {
    throw StoreError("cannot " + action + " " + path.string() + ": " + errnoText(error));
}

bool isInside(const fs::path& candidate, const fs::path& root) {
    const std::string c = candidate.string();
    const std::string r = root.string();
    return c == r ||
           (c.size() > r.size() && c.compare(0, r.size(), r) == 0 && (r.back() == '/' || c[r.size()] == '/'));
}

fs::path realRoot(const fs::path& root) {
    std::error_code ec;
    fs::path real = fs::canonical(root, ec);
    return ec ? fs::absolute(root).lexically_normal() : real;
}

void requireRelative(const fs::path& relative) {
    for (const auto& part : relative)
        if (part == ".." || relative.is_absolute())
            throw StoreError("refusing path " + relative.string() + ": it would leave the state root");
}

// Checks that `link` (a symlink at root/relative) resolves inside the root.
void requireSymlinkInside(const fs::path& root, const fs::path& linkPath) {
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(linkPath, ec);
    if (ec || !isInside(target, realRoot(root)))
        throw StoreError("refusing to follow symlink " + linkPath.string() + " -> " +
                         (ec ? std::string("(unresolvable)") : target.string()) +
                         ": it leaves the state root " + root.string());
}

std::atomic<unsigned> g_tempCounter{0};

void writeAll(int fd, std::string_view content, const fs::path& path) {
    const char* p = content.data();
    size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail(path, "write", errno);
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

// A temp file for a write of `name`: a spare when there is one (reused in place), else a new file.
int openTempFile(int dir, const fs::path& dirPath, const std::string& name, SpareFiles* spares,
                 std::string& tempName, bool& reused) {
    if (spares) {
        while (std::optional<std::string> spare = spares->take(name)) {
            const int fd = ::openat(dir, spare->c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) {
                tempName = std::move(*spare);
                reused = true;
                return fd;
            }
        }
    }
    reused = false;
    tempName = tempFileName(name);
    const int fd =
        ::openat(dir, tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        fail(dirPath / tempName, "create", errno);
    return fd;
}

// The content written from the start; a reused spare is cut to its length.
void writeTempContent(int fd, std::string_view content, bool reused, const fs::path& target) {
    writeAll(fd, content, target);
    if (reused && ::ftruncate(fd, static_cast<off_t>(content.size())) != 0)
        fail(target, "write", errno);
}

} // namespace

void SpareFiles::join(SparePool& pool, int dir, size_t depth) {
    m_dir = dir;
    m_depth = depth;
    m_pool = &pool;
    pool.add(*this);
}

void SpareFiles::promoteLocked() {
    if (m_pending.empty() || !m_pool)
        return;
    auto ready = std::stable_partition(m_pending.begin(), m_pending.end(), [this](const auto& entry) {
        return !m_pool->roundDone(entry.second);
    });
    for (auto it = ready; it != m_pending.end(); ++it)
        m_names.push_back(std::move(it->first));
    m_pool->m_pendingCount -= static_cast<int64_t>(m_pending.end() - ready);
    m_pending.erase(ready, m_pending.end());
}

std::optional<std::string> SpareFiles::takeOwn() {
    std::lock_guard lock(m_mutex);
    promoteLocked();
    if (m_names.empty())
        return std::nullopt;
    std::string name = std::move(m_names.back());
    m_names.pop_back();
    if (m_pool)
        --m_pool->m_count;
    return name;
}

std::optional<std::string> SpareFiles::take(const std::string& name) {
    if (std::optional<std::string> own = takeOwn())
        return own;
    return m_pool ? m_pool->borrow(m_dir, name, *this) : std::nullopt;
}

void SpareFiles::give(std::string name) {
    std::lock_guard lock(m_mutex);
    m_names.push_back(std::move(name));
    if (m_pool)
        ++m_pool->m_count;
}

void SpareFiles::giveAfterRound(std::string name, uint64_t round) {
    std::lock_guard lock(m_mutex);
    m_pending.emplace_back(std::move(name), round);
    if (m_pool) {
        ++m_pool->m_count;
        ++m_pool->m_pendingCount;
    }
}

void SpareFiles::discard(int dir) {
    SparePool* pool = m_pool;
    if (pool) {
        pool->leave(*this); // moves what it can; never lends to or borrows from this folder again
        m_pool = nullptr;
    }
    std::vector<std::string> names;
    {
        std::lock_guard lock(m_mutex);
        names = std::exchange(m_names, {});
        for (auto& [name, round] : m_pending)
            names.push_back(std::move(name));
        if (pool) {
            pool->m_count -= static_cast<int64_t>(names.size());
            pool->m_pendingCount -= static_cast<int64_t>(m_pending.size());
        }
        m_pending.clear();
    }
    // Deleting a file whose data reached the disk may wait for it (a discard on a thin-provisioned disk):
    // many at once take a fraction of the time of one after another.
    constexpr size_t kDeleteThreads = 16;
    forEachIndexInParallel(names.size(), names.size() >= 32 ? kDeleteThreads : 1,
                           [&](size_t i) { ::unlinkat(dir, names[i].c_str(), 0); });
}

void SparePool::add(SpareFiles& folder) {
    std::lock_guard lock(m_mutex);
    m_folders.push_back(&folder);
}

void SparePool::leave(SpareFiles& folder) {
    // The pool's lock first, then a folder's: the order every pool operation takes them in.
    std::lock_guard lock(m_mutex);
    m_folders.erase(std::remove(m_folders.begin(), m_folders.end(), &folder), m_folders.end());
    SpareFiles* heir = nullptr;
    for (SpareFiles* other : m_folders)
        if (!heir || other->m_depth < heir->m_depth)
            heir = other;
    if (!heir)
        return;
    std::scoped_lock both(folder.m_mutex, heir->m_mutex);
    // Enough for a wave of writes elsewhere; more would only be moved again and deleted at the end of the
    // run.
    constexpr size_t kMaxInherited = 512;
    const auto inherited = [&] {
        return heir->m_names.size() + heir->m_pending.size();
    };
    while (!folder.m_names.empty() && inherited() < kMaxInherited) {
        std::string moved = tempFileName("spare");
        if (::renameat(folder.m_dir, folder.m_names.back().c_str(), heir->m_dir, moved.c_str()) != 0)
            break; // another file system, or gone: the rest are deleted with the folder's
        folder.m_names.pop_back();
        heir->m_names.push_back(std::move(moved));
        ++m_lent;
    }
    // A pending spare keeps waiting for its round: that round syncs the folder it was renamed in.
    while (!folder.m_pending.empty() && inherited() < kMaxInherited) {
        std::string moved = tempFileName("spare");
        if (::renameat(folder.m_dir, folder.m_pending.back().first.c_str(), heir->m_dir, moved.c_str()) != 0)
            break;
        heir->m_pending.emplace_back(std::move(moved), folder.m_pending.back().second);
        folder.m_pending.pop_back();
        ++m_lent;
    }
}

std::optional<std::string> SparePool::borrow(int dir, const std::string& name, const SpareFiles& self) {
    std::lock_guard lock(m_mutex);
    for (SpareFiles* other : m_folders) {
        if (other == &self)
            continue;
        std::lock_guard otherLock(other->m_mutex);
        other->promoteLocked();
        if (other->m_names.empty())
            continue;
        std::string moved = tempFileName(name);
        if (::renameat(other->m_dir, other->m_names.back().c_str(), dir, moved.c_str()) != 0) {
            if (errno == ENOENT) {
                other->m_names.pop_back(); // removed by someone else: no spare any more
                --m_count;
            }
            return std::nullopt; // else another file system (EXDEV): a new file it is
        }
        other->m_names.pop_back();
        --m_count;
        ++m_lent;
        return moved;
    }
    return std::nullopt;
}

uint64_t SparePool::lent() const {
    std::lock_guard lock(m_mutex);
    return m_lent;
}

void SparePool::roundSynced(uint64_t round) {
    std::lock_guard lock(m_roundsMutex);
    m_roundsSynced.insert(std::upper_bound(m_roundsSynced.begin(), m_roundsSynced.end(), round), round);
}

bool SparePool::roundDone(uint64_t round) const {
    if (round == 0)
        return true; // durable when it was given
    std::lock_guard lock(m_roundsMutex);
    return std::binary_search(m_roundsSynced.begin(), m_roundsSynced.end(), round);
}

void SparePool::setDemand(size_t count) {
    m_demand = count;
}

bool SparePool::wantsSpare() const {
    return m_count.load() < static_cast<int64_t>(m_demand.load());
}

int moveIntoPlace(int dir, const std::string& tempName, const std::string& name, bool swap, bool& swapped) {
    swapped = false;
    struct stat st {};
    // Only a record file is swapped out (a folder in the way makes the rename fail, as it should), and only
    // one with no other link: a spare is rewritten, which must never change a hard-linked copy.
    if (swap && ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        st.st_nlink == 1) {
        if (::renameat2(dir, tempName.c_str(), dir, name.c_str(), RENAME_EXCHANGE) == 0) {
            swapped = true;
            return 0;
        }
        // EINVAL / ENOSYS: no swaps on this file system: rename.
    }
    return ::renameat(dir, tempName.c_str(), dir, name.c_str()) == 0 ? 0 : errno;
}

ContainedDir::ContainedDir(ContainedDir&& other) noexcept
    : m_fd(other.m_fd), m_path(std::move(other.m_path)) {
    other.m_fd = -1;
}

ContainedDir::~ContainedDir() {
    if (m_fd >= 0)
        ::close(m_fd);
}

ContainedDir ContainedDir::open(const fs::path& root, const fs::path& relative, bool create) {
    return std::move(*openImpl(root, relative, create, false));
}

std::optional<ContainedDir> ContainedDir::openIfExists(const fs::path& root, const fs::path& relative) {
    return openImpl(root, relative, false, true);
}

namespace {

constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

// One step of a contained walk: folder `part` in the open folder `fd`, at `current` (root/.../part), created
// when missing and `create`. A symlink is followed only when it resolves inside `root`. -1 when the entry
// itself is missing and `missingIsNullopt`; StoreError naming `current` for anything else. `fd` stays open.
int openStep(int fd, const fs::path& root, const fs::path& current, const char* part, bool create,
             bool missingIsNullopt) {
    int next = ::openat(fd, part, kFolderFlags | O_NOFOLLOW);
    if (next < 0 && errno == ENOENT && create) {
        if (::mkdirat(fd, part, 0777) != 0 && errno != EEXIST)
            fail(current, "create folder", errno);
        next = ::openat(fd, part, kFolderFlags | O_NOFOLLOW);
    }
    // The entry itself is missing (checked without following links): nothing is stored below it.
    if (next < 0 && errno == ENOENT && missingIsNullopt)
        return -1;
    if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
        struct stat st {};
        if (::fstatat(fd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
            requireSymlinkInside(root, current);
            next = ::openat(fd, part, kFolderFlags);
        } else {
            errno = ENOTDIR;
        }
    }
    if (next < 0)
        fail(current, "open folder", errno);
    return next;
}

} // namespace

std::optional<ContainedDir> ContainedDir::openImpl(const fs::path& root, const fs::path& relative,
                                                   bool create, bool missingIsNullopt) {
    requireRelative(relative);
    if (create) {
        std::error_code ec;
        fs::create_directories(root, ec);
    }
    int fd = ::open(root.c_str(), kFolderFlags);
    if (fd < 0) {
        if (errno == ENOENT && missingIsNullopt)
            return std::nullopt;
        fail(root, "open folder", errno);
    }
    fs::path current = root;
    for (const auto& part : relative) {
        if (part.empty() || part == ".")
            continue;
        current /= part;
        int next = -1;
        try {
            next = openStep(fd, root, current, part.c_str(), create, missingIsNullopt);
        } catch (...) {
            ::close(fd);
            throw;
        }
        ::close(fd);
        if (next < 0)
            return std::nullopt;
        fd = next;
    }
    return ContainedDir(fd, current);
}

std::optional<ContainedDir> ContainedDir::openChild(const ContainedDir& parent, const fs::path& root,
                                                    const std::string& name, bool create) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
        throw StoreError("refusing folder name \"" + name + "\" in " + parent.path().string());
    fs::path current = parent.path() / name;
    const int fd = openStep(parent.fd(), root, current, name.c_str(), create, !create);
    if (fd < 0)
        return std::nullopt;
    return ContainedDir(fd, std::move(current));
}

bool ContainedDir::removed() const {
    struct stat st {};
    return ::fstat(m_fd, &st) == 0 && st.st_nlink == 0;
}

void FolderSync::sync(int folderFd, const fs::path& folder) {
    std::unique_lock lock(m_mutex);
    const uint64_t ticket = ++m_issued; // our rename is done: any fsync started from now on covers it
    while (m_durable < ticket) {
        if (m_running) {
            m_done.wait(lock);
            continue;
        }
        m_running = true;
        const uint64_t first = m_durable + 1, last = m_issued;
        lock.unlock();
        const int error = ::fsync(folderFd) == 0 ? 0 : errno;
        lock.lock();
        m_running = false;
        m_durable = last;
        if (error != 0)
            m_failures.push_back({first, last, error});
        m_done.notify_all();
    }
    for (const Failure& f : m_failures)
        if (ticket >= f.first && ticket <= f.last)
            fail(folder, "flush folder", f.error);
}

void writeFileInDir(int dir, const fs::path& dirPath, const fs::path& root, const std::string& name,
                    std::string_view content, Durability durability, FolderSync* folderSync,
                    SpareFiles* spares) {
    const fs::path target = dirPath / name;
    struct stat st {};
    const bool exists = ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && S_ISLNK(st.st_mode)) {
        // Write the file the link points at, but only inside the root.
        requireSymlinkInside(root, target);
        const fs::path resolved = fs::weakly_canonical(target);
        writeFileAtomically(realRoot(root), resolved.lexically_relative(realRoot(root)), content,
                            durability == Durability::Fast ? Durability::Fast : Durability::Durable);
        return;
    }
    // Batched: a single write is synced as a Durable one; batches go through stageFileInDir() and WriteGroup.
    if (durability == Durability::Batched)
        durability = Durability::Durable;
    std::string tempName;
    bool reused = false;
    const int fd = openTempFile(dir, dirPath, name, spares, tempName, reused);
    try {
        writeTempContent(fd, content, reused, target);
        // The data only: the file's metadata that matters (its name) is made durable by the folder fsync.
        if (durability == Durability::Durable && ::fdatasync(fd) != 0)
            fail(target, "flush", errno);
        if (::close(fd) != 0)
            fail(target, "close", errno);
    } catch (...) {
        ::close(fd);
        ::unlinkat(dir, tempName.c_str(), 0);
        throw;
    }
    bool swapped = false;
    if (const int error = moveIntoPlace(dir, tempName, name, spares != nullptr, swapped); error != 0) {
        ::unlinkat(dir, tempName.c_str(), 0);
        fail(target, "replace", error);
    }
    // The old file (now at tempName) is a spare once the swap is durable: a power loss before that may give
    // it its record name back, so it is not rewritten before the folder sync.
    try {
        if (durability == Durability::Durable) {
            if (folderSync)
                folderSync->sync(dir, dirPath);
            else if (::fsync(dir) != 0)
                fail(dirPath, "flush folder", errno);
        }
    } catch (...) {
        if (swapped)
            ::unlinkat(dir, tempName.c_str(), 0);
        throw;
    }
    if (swapped)
        spares->give(std::move(tempName));
}

void stageFileInDir(int dir, const fs::path& dirPath, const fs::path& root, const std::string& name,
                    std::string_view content, StagedWrite& staged, SpareFiles* spares) {
    staged.dirFd = dir;
    staged.dirPath = dirPath;
    staged.name = name;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        writeFileInDir(dir, dirPath, root, name, content, Durability::Durable, nullptr);
        return;
    }
    std::string tempName;
    bool reused = false;
    const int fd = openTempFile(dir, dirPath, name, spares, tempName, reused);
    try {
        writeTempContent(fd, content, reused, dirPath / name);
    } catch (...) {
        ::close(fd);
        ::unlinkat(dir, tempName.c_str(), 0);
        throw;
    }
    staged.fd = fd;
    staged.tempName = tempName;
    staged.spares = spares;
}

void writeFileAtomically(const fs::path& root, const fs::path& relativeFile, std::string_view content,
                         Durability durability) {
    requireRelative(relativeFile);
    ContainedDir dir = ContainedDir::open(root, relativeFile.parent_path(), true);
    writeFileInDir(dir.fd(), dir.path(), root, relativeFile.filename().string(), content, durability,
                   nullptr);
}

std::optional<std::string> readFileInDir(int dir, const fs::path& dirPath, const fs::path& root,
                                         const std::string& name) {
    int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP) {
        requireSymlinkInside(root, dirPath / name);
        fd = ::openat(dir, name.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        fail(dirPath / name, "open", errno);
    }
    // Records are small: one read into a reused buffer usually gets the whole file (a short read of a regular
    // file is its end), so no fstat and no second read.
    constexpr size_t kBufferSize = 64 * 1024;
    thread_local std::unique_ptr<char[]> buffer(new char[kBufferSize]); // not zeroed: read() fills it
    std::string out;
    for (;;) {
        const ssize_t n = ::read(fd, buffer.get(), kBufferSize);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail(dirPath / name, "read", error);
        }
        out.append(buffer.get(), static_cast<size_t>(n));
        if (static_cast<size_t>(n) < kBufferSize)
            break;
    }
    ::close(fd);
    return out;
}

std::optional<std::string> readFileContained(const fs::path& root, const fs::path& relativeFile) {
    requireRelative(relativeFile);
    // A folder that is missing (or vanishes or appears while we look) means the record is missing.
    std::optional<ContainedDir> dir = ContainedDir::openIfExists(root, relativeFile.parent_path());
    if (!dir)
        return std::nullopt;
    return readFileInDir(dir->fd(), dir->path(), root, relativeFile.filename().string());
}

bool removeFileInDir(int dir, const fs::path& dirPath, const std::string& name, Durability durability,
                     FolderSync* folderSync, WriteGroup* group, SpareFiles* spares) {
    if (durability == Durability::Batched && group && spares && group->spares().wantsSpare()) {
        // Renamed into a spare instead of deleted: a later write reuses the file instead of creating one.
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno == ENOENT)
                return false;
            fail(dirPath / name, "delete", errno);
        }
        if (S_ISREG(st.st_mode) && st.st_nlink == 1) {
            std::string spare = tempFileName(name);
            if (::renameat(dir, name.c_str(), dir, spare.c_str()) == 0) {
                uint64_t round = 0;
                try {
                    round = group->settled(dir, dirPath);
                } catch (...) {
                    ::unlinkat(dir, spare.c_str(), 0);
                    throw;
                }
                spares->giveAfterRound(std::move(spare), round);
                return true;
            }
            if (errno == ENOENT)
                return false;
            // Anything else: deleted as any record is.
        }
    }
    if (::unlinkat(dir, name.c_str(), 0) != 0) {
        if (errno == ENOENT)
            return false;
        fail(dirPath / name, "delete", errno);
    }
    if (durability == Durability::Batched && group) {
        // Undone by a power loss before the group's next commit, the record is back as it was.
        group->settled(dir, dirPath);
        return true;
    }
    if (durability != Durability::Fast) {
        // As before group commit: a failed folder flush after a delete is not reported.
        if (folderSync) {
            try {
                folderSync->sync(dir, dirPath);
            } catch (const StoreError&) {
            }
        } else {
            ::fsync(dir);
        }
    }
    return true;
}

bool removeFileContained(const fs::path& root, const fs::path& relativeFile, Durability durability) {
    requireRelative(relativeFile);
    std::optional<ContainedDir> dir = ContainedDir::openIfExists(root, relativeFile.parent_path());
    if (!dir)
        return false;
    return removeFileInDir(dir->fd(), dir->path(), relativeFile.filename().string(), durability, nullptr);
}

std::string tempFileName(std::string_view name) {
    return "." + std::string(name) + ".athanor-" + std::to_string(::getpid()) + "-" +
           std::to_string(g_tempCounter++) + ".tmp";
}

std::optional<long> tempFileWriter(std::string_view fileName) {
    if (fileName.size() < 2 || fileName.front() != '.' || !fileName.ends_with(".tmp"))
        return std::nullopt;
    const size_t marker = fileName.rfind(".athanor-");
    if (marker == std::string_view::npos)
        return std::nullopt;
    const std::string_view rest =
        fileName.substr(marker + 9, fileName.size() - marker - 9 - 4); // "<pid>-<n>"
    const size_t dash = rest.find('-');
    if (dash == 0 || dash == std::string_view::npos || dash + 1 == rest.size())
        return std::nullopt;
    const auto digits = [](std::string_view part) {
        return part.find_first_not_of("0123456789") == std::string_view::npos;
    };
    if (!digits(rest.substr(0, dash)) || !digits(rest.substr(dash + 1)) || dash > 9)
        return std::nullopt;
    return std::stol(std::string(rest.substr(0, dash)));
}

std::optional<std::string> readWholeFile(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        fail(file, "open", errno);
    }
    std::string out;
    struct stat st {};
    // One byte more than the file: the read that meets its end needs no room, so a file that did not grow is
    // never copied into a larger buffer (a stack file of 10,000 resources is 3.3 MB).
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
        out.resize(static_cast<size_t>(st.st_size) + 1);
    size_t used = 0;
    for (;;) {
        if (used == out.size())
            out.resize(out.size() + 4096);
        const ssize_t n = ::read(fd, out.data() + used, out.size() - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail(file, "read", error);
        }
        if (n == 0)
            break;
        used += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(used);
    return out;
}

} // namespace athanor

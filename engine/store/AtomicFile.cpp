#include "store/AtomicFile.h"

#include "store/StoreError.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

std::string errnoText(int error) { return std::strerror(error); }

[[noreturn]] void fail(const fs::path& path, const std::string& action, int error) {
    throw StoreError("cannot " + action + " " + path.string() + ": " + errnoText(error));
}

bool isInside(const fs::path& candidate, const fs::path& root) {
    const std::string c = candidate.string();
    const std::string r = root.string();
    return c == r || (c.size() > r.size() && c.compare(0, r.size(), r) == 0 && (r.back() == '/' || c[r.size()] == '/'));
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
                         (ec ? std::string("(unresolvable)") : target.string()) + ": it leaves the state root " +
                         root.string());
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

} // namespace

ContainedDir::ContainedDir(ContainedDir&& other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path)) {
    other.m_fd = -1;
}

ContainedDir::~ContainedDir() {
    if (m_fd >= 0)
        ::close(m_fd);
}

ContainedDir ContainedDir::open(const fs::path& root, const fs::path& relative, bool create) {
    requireRelative(relative);
    if (create) {
        std::error_code ec;
        fs::create_directories(root, ec);
    }
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        fail(root, "open folder", errno);
    fs::path current = root;
    for (const auto& part : relative) {
        if (part.empty() || part == ".")
            continue;
        current /= part;
        int next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            if (::mkdirat(fd, part.c_str(), 0777) != 0 && errno != EEXIST) {
                const int error = errno;
                ::close(fd);
                fail(current, "create folder", error);
            }
            next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
            struct stat st {};
            if (::fstatat(fd, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
                try {
                    requireSymlinkInside(root, current);
                } catch (...) {
                    ::close(fd);
                    throw;
                }
                next = ::openat(fd, part.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            } else {
                errno = ENOTDIR;
            }
        }
        const int error = errno;
        ::close(fd);
        if (next < 0)
            fail(current, "open folder", error);
        fd = next;
    }
    return ContainedDir(fd, current);
}

void writeFileAtomically(const fs::path& root, const fs::path& relativeFile, std::string_view content,
                         Durability durability) {
    requireRelative(relativeFile);
    ContainedDir dir = ContainedDir::open(root, relativeFile.parent_path(), true);
    const std::string name = relativeFile.filename().string();
    const fs::path target = dir.path() / name;

    struct stat st {};
    if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        // Write the file the link points at, but only inside the root.
        requireSymlinkInside(root, target);
        const fs::path resolved = fs::weakly_canonical(target);
        writeFileAtomically(realRoot(root), resolved.lexically_relative(realRoot(root)), content, durability);
        return;
    }

    const std::string tempName =
        "." + name + ".athanor-" + std::to_string(::getpid()) + "-" + std::to_string(g_tempCounter++) + ".tmp";
    const int fd = ::openat(dir.fd(), tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        fail(dir.path() / tempName, "create", errno);
    try {
        writeAll(fd, content, target);
        if (durability == Durability::Durable && ::fsync(fd) != 0)
            fail(target, "flush", errno);
        if (::close(fd) != 0)
            fail(target, "close", errno);
    } catch (...) {
        ::close(fd);
        ::unlinkat(dir.fd(), tempName.c_str(), 0);
        throw;
    }
    if (::renameat(dir.fd(), tempName.c_str(), dir.fd(), name.c_str()) != 0) {
        const int error = errno;
        ::unlinkat(dir.fd(), tempName.c_str(), 0);
        fail(target, "replace", error);
    }
    if (durability == Durability::Durable && ::fsync(dir.fd()) != 0)
        fail(dir.path(), "flush folder", errno);
}

std::optional<std::string> readFileContained(const fs::path& root, const fs::path& relativeFile) {
    requireRelative(relativeFile);
    std::optional<ContainedDir> dir;
    try {
        dir.emplace(ContainedDir::open(root, relativeFile.parent_path(), false));
    } catch (const StoreError&) {
        std::error_code ec;
        if (!fs::exists(root / relativeFile.parent_path(), ec) && !fs::is_symlink(root / relativeFile.parent_path(), ec))
            return std::nullopt;
        throw;
    }
    const std::string name = relativeFile.filename().string();
    int fd = ::openat(dir->fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ELOOP) {
        requireSymlinkInside(root, dir->path() / name);
        fd = ::openat(dir->fd(), name.c_str(), O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        if (errno == ENOENT)
            return std::nullopt;
        fail(dir->path() / name, "open", errno);
    }
    std::string out;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
        out.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            fail(dir->path() / name, "read", error);
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

bool removeFileContained(const fs::path& root, const fs::path& relativeFile, Durability durability) {
    requireRelative(relativeFile);
    std::error_code ec;
    if (!fs::exists(root / relativeFile.parent_path(), ec))
        return false;
    ContainedDir dir = ContainedDir::open(root, relativeFile.parent_path(), false);
    const std::string name = relativeFile.filename().string();
    if (::unlinkat(dir.fd(), name.c_str(), 0) != 0) {
        if (errno == ENOENT)
            return false;
        fail(dir.path() / name, "delete", errno);
    }
    if (durability == Durability::Durable)
        ::fsync(dir.fd());
    return true;
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
    if (::fstat(fd, &st) == 0 && st.st_size > 0)
        out.resize(static_cast<size_t>(st.st_size));
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

#pragma once

#include "store/DotAlchemyLayout.h"

#include <filesystem>
#include <functional>
#include <string>

namespace athanor {

// One writer per stage (Alchemy has no cross-process locking at all, reference §13). The lock is the file
// <.alchemy>/.athanor/locks/<app>/<stage>.lock, holding
//   {"pid": 123, "host": "build-7", "since": "2025-01-02T03:04:05.678Z", "operation": "up",
//    "boot": "<boot id>", "start": <process start, clock ticks since boot>}
// Real Alchemy never reads .athanor/, so the lock is invisible to it.
//
// The file is published whole: written to a temp file, then link()ed into place (which never replaces), so a
// lock file always names its holder. The holder also keeps an flock() on it, which the kernel drops when the
// holder dies. A lock is taken over (reported through `onWarning`) only when nobody holds that flock and it
// is provably stale: its process is gone from this host (pid, boot and start time), or it cannot be read and
// is older than kUnreadableLockGrace. Otherwise acquire() throws LockHeldError (lifecycle/RunApi.h) naming
// the holder.
class StageLock {
public:
    using WarningSink = std::function<void(const std::string&)>;
    static constexpr int kUnreadableLockGraceSeconds = 10;

    static StageLock acquire(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                             const std::string& operation, const WarningSink& onWarning = {});

    StageLock(StageLock&& other) noexcept;
    StageLock& operator=(StageLock&&) = delete;
    StageLock(const StageLock&) = delete;
    StageLock& operator=(const StageLock&) = delete;
    ~StageLock(); // releases

    // Removes the lock file if it is still ours. Idempotent.
    void release();
    const std::filesystem::path& file() const { return m_file; }

    static std::filesystem::path lockFile(const DotAlchemyLayout& layout, const std::string& app,
                                          const std::string& stage);

private:
    StageLock(std::filesystem::path file, int fd) : m_file(std::move(file)), m_fd(fd) {}
    std::filesystem::path m_file;
    int m_fd = -1; // open on our lock file, flock()ed while we hold it
};

} // namespace athanor

#pragma once

#include "store/DotAlchemyLayout.h"

#include <filesystem>
#include <functional>
#include <string>

namespace athanor {

// One writer per stage (Alchemy has no cross-process locking at all, reference §13). The lock is the file
// <.alchemy>/.athanor/locks/<app>/<stage>.lock, created atomically (O_EXCL) and holding
//   {"pid": 123, "host": "build-7", "since": "2025-01-02T03:04:05.678Z", "operation": "up"}
// Real Alchemy never reads .athanor/, so the lock is invisible to it. A lock left by a process that no longer
// exists on this host is taken over (reported through `onWarning`); any other held lock makes acquire()
// throw LockHeldError (lifecycle/RunApi.h) naming its pid, host and start time.
class StageLock {
public:
    using WarningSink = std::function<void(const std::string&)>;

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
    StageLock(std::filesystem::path file, std::string content)
        : m_file(std::move(file)), m_content(std::move(content)) {}
    std::filesystem::path m_file;
    std::string m_content; // what we wrote, to recognise our own lock on release
    bool m_held = true;
};

} // namespace athanor

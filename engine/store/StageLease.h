#pragma once

#include "json/Json.h"
#include <functional>
#include <stdexcept>
#include <string>

namespace athanor {

// Who holds a stage lock: the same four fields whatever the source keeps the lock in (a lock file, a
// database row), so every refusal names its holder the same way.
struct StageLockHolder {
    long pid = 0;
    std::string host;
    std::string since; // ISO-8601, UTC, milliseconds
    std::string operation;

    static StageLockHolder thisProcess(const std::string& operation);
    static std::string thisHost();
    // A holder on this host whose process no longer exists: its lock may be taken over.
    bool isStaleOnThisHost() const;
    // The same holder (all four fields): a force-unlock removes a lock only while it is still the one named.
    bool sameAs(const StageLockHolder& other) const {
        return pid == other.pid && host == other.host && since == other.since && operation == other.operation;
    }
    Json toJson() const;                              // {"pid", "host", "since", "operation"}
    static StageLockHolder fromJson(const Json& doc); // missing fields stay empty
    // "stage shop/dev is locked by pid 12 on host h since … (running up)"
    std::string describe(const std::string& app, const std::string& stage) const;
};

// Another run holds the stage; `where` names the lock (a file, a database row).
class StageLockedError : public std::runtime_error {
public:
    StageLockedError(StageLockHolder lockHolder, const std::string& app, const std::string& stage,
                     const std::string& where)
        : std::runtime_error(lockHolder.describe(app, stage) + "; lock " + where),
          holder(std::move(lockHolder)) {}
    StageLockHolder holder;
};

// The source could exclude concurrent runs only with a lock its server does not keep (an S3 endpoint that
// ignores a create-only condition): the message says so and how to run without a lock (--no-lock).
class StageLockUnavailableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A stage lock held through a source's own mechanism; released when destroyed.
class StageLease {
public:
    virtual ~StageLease() = default;
    virtual void release() = 0; // idempotent; removes the lock only while it is still ours
};

using LockWarningSink = std::function<void(const std::string&)>;

} // namespace athanor

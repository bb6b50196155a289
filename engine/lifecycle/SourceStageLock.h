#pragma once

#include "lifecycle/StageLock.h"
#include "store/StateSource.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// A stage lock in whatever form its source keeps locks (a lock file for folders, the source's own lock for
// a database). Runs and repairs take it the same way, so a repair is refused while a run holds the stage.
struct SourceStageLock {
    std::optional<StageLock> file;      // StageLocking::LockFile
    std::unique_ptr<StageLease> native; // StageLocking::Native
};

// Takes the stage lock of `source`; throws LockHeldError (lifecycle/RunApi.h) naming the holder. Take-overs
// of stale locks are added to `warnings`. A source that cannot exclude concurrent runs
// (StageLocking::Unsupported) throws StageLockUnavailableError unless `noLock` (the user's --no-lock), which
// skips locking on every source but a folder and says so in `warnings`.
SourceStageLock lockSourceStage(StateSource& source, const std::string& app, const std::string& stage,
                                const std::string& operation, std::vector<std::string>& warnings,
                                bool noLock = false);

// Throws the StageLockUnavailableError lockSourceStage() would (naming the source, why, and --no-lock) when
// `source` cannot exclude concurrent writers of the stage (StateSource::stageLockSupport()); asked before
// anything is written or asked, so a refusal comes first.
void requireStageLockSupport(StateSource& source, const std::string& app, const std::string& stage);

} // namespace athanor

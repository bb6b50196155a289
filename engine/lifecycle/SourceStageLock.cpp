#include "lifecycle/SourceStageLock.h"

#include "lifecycle/RunApi.h"

#include <stdexcept>

namespace athanor {

SourceStageLock lockSourceStage(StateSource& source, const std::string& app, const std::string& stage,
                                const std::string& operation, std::vector<std::string>& warnings,
                                bool noLock) {
    SourceStageLock lock;
    const auto warn = [&](const std::string& warning) {
        warnings.push_back(warning);
    };
    if (noLock && source.stageLocking() != StageLocking::LockFile) {
        warnings.push_back("stage " + app + "/" + stage +
                           " is not locked (--no-lock): nothing keeps another run off it on " +
                           source.describe());
        return lock;
    }
    switch (source.stageLocking()) {
    case StageLocking::LockFile:
        lock.file.emplace(StageLock::acquire(DotAlchemyLayout::forProject(source.spec().path), app, stage,
                                             operation, warn));
        break;
    case StageLocking::Native:
        requireStageLockSupport(source, app, stage);
        try {
            lock.native = source.lockStage(app, stage, operation, warn);
        } catch (const StageLockedError& e) {
            throw LockHeldError(e.what(), e.holder.pid, e.holder.host, e.holder.since, e.holder.operation);
        }
        break;
    case StageLocking::Unsupported:
        requireStageLockSupport(source, app, stage);
        throw std::logic_error(source.describe() + " keeps no stage locks but says it excludes writers");
    }
    return lock;
}

void requireStageLockSupport(StateSource& source, const std::string& app, const std::string& stage) {
    const StageLockSupport support = source.stageLockSupport();
    if (!support.excludesWriters)
        throw StageLockUnavailableError(support.reason + " (stage " + app + "/" + stage +
                                        "); run with --no-lock to proceed without a lock");
}

} // namespace athanor

#include "lifecycle/SourceStageLock.h"

#include "lifecycle/RunApi.h"

namespace athanor {

SourceStageLock lockSourceStage(StateSource& source, const std::string& app, const std::string& stage,
                                const std::string& operation, std::vector<std::string>& warnings) {
    SourceStageLock lock;
    const auto warn = [&](const std::string& warning) {
        warnings.push_back(warning);
    };
    switch (source.stageLocking()) {
    case StageLocking::LockFile:
        lock.file.emplace(StageLock::acquire(DotAlchemyLayout::forProject(source.spec().path), app, stage,
                                             operation, warn));
        break;
    case StageLocking::Native:
        try {
            lock.native = source.lockStage(app, stage, operation, warn);
        } catch (const StageLockedError& e) {
            throw LockHeldError(e.what(), e.holder.pid, e.holder.host, e.holder.since, e.holder.operation);
        }
        break;
    case StageLocking::Unsupported:
        warnings.push_back("nothing keeps another run off stage " + app + "/" + stage + ": " +
                           source.whyNoStageLock());
        break;
    }
    return lock;
}

} // namespace athanor

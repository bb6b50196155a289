#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"

namespace athanor {

std::shared_ptr<const StateSnapshot> loadSnapshot(StateSource& source, const SnapshotOptions& options,
                                                  const LoadProgress& progress, std::stop_token cancel) {
    std::shared_ptr<StateSnapshot> snap = source.load(options, progress, std::move(cancel));
    snap->source = source.weak_from_this().lock();
    return snap;
}

std::shared_ptr<const StateSnapshot> loadSnapshot(const std::filesystem::path& projectOrDotAlchemy,
                                                  const SnapshotOptions& options) {
    std::shared_ptr<StateSource> source = openResolvedSource(SourceSpec::folder(projectOrDotAlchemy));
    return loadSnapshot(*source, options);
}

} // namespace athanor

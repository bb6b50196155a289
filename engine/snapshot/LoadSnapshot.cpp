#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"

namespace athanor {

std::shared_ptr<const StateSnapshot> loadSnapshot(StateSource& source, const SnapshotOptions& options,
                                                  const LoadProgress& progress, std::stop_token cancel) {
    std::shared_ptr<StateSource> self = source.weak_from_this().lock();
    if (!options.treeWalked) {
        std::shared_ptr<StateSnapshot> snap = source.load(options, progress, std::move(cancel));
        snap->source = std::move(self);
        return snap;
    }
    // A staged load shares its snapshot before it returns: it names its source before that.
    SnapshotOptions staged = options;
    staged.treeWalked = [&](const std::shared_ptr<StateSnapshot>& walked) {
        walked->source = self;
        options.treeWalked(walked);
    };
    std::shared_ptr<StateSnapshot> snap = source.load(staged, progress, std::move(cancel));
    if (snap->source != self) // not the walked snapshot, which others may be reading
        snap->source = std::move(self);
    return snap;
}

std::shared_ptr<const StateSnapshot> loadSnapshot(const std::filesystem::path& projectOrDotAlchemy,
                                                  const SnapshotOptions& options) {
    std::shared_ptr<StateSource> source = openResolvedSource(SourceSpec::folder(projectOrDotAlchemy));
    return loadSnapshot(*source, options);
}

} // namespace athanor

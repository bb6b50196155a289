#include "lifecycle/RunApi.h"
#include "stack/StackLoader.h"

namespace athanor {

RunReport runPhase(const RunOptions& options, EventSink& events, const CancellationToken& cancel) {
    std::optional<StackFile> stack;
    if (options.stackFile)
        stack.emplace(loadStackFile(*options.stackFile)); // StackError before anything changes
    return runPhaseWithStack(options, stack ? &*stack : nullptr, events, cancel);
}

} // namespace athanor

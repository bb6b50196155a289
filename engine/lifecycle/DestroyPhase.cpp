// Phase destroy (reference §7.8): everything in the stage, from state alone. Unlike Alchemy it goes on past
// failures, reports each one, never removes a scope that still holds records, and its result says Failed
// when anything was left (§14.2).
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/StateDestroyer.h"

namespace athanor {

void runDestroyPhase(RunContext& run) {
    Scope& stage = run.stage();
    StateDestroyer destroyer(run);
    const std::vector<size_t> top = destroyer.addScopeContents(stage);
    // Last: the stage's own record in the root store and its (now empty) folder. The root store's other
    // records (other stages) are not touched.
    destroyer.addFinal(
        [&run, &stage] {
            try {
                stage.parent()->store().remove(stage.name());
                stage.store().deinit();
                return true;
            } catch (const std::exception& e) {
                run.reporter.runError(stage.chainText() + ": " + e.what());
                return false;
            }
        },
        top, stage.chainText());
    run.reporter.runStarted(static_cast<int>(destroyer.resourceCount()));
    destroyer.run();
    if (run.cancel.isCancelled())
        run.reporter.log(LogLevel::Warn, "cancelled: the stage is only partly destroyed; run destroy again");
}

} // namespace athanor

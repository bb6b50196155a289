// Phase destroy (reference §7.8): everything in the stage, from state alone. Unlike Alchemy it refuses to
// start when a kind has no provider (Alchemy stops silently half way, §14.2), goes on past failures, reports
// each one, never removes a scope that still holds records, orders deletions by nesting, seq and the stack
// file's references (running only independent ones at once), and its result says Failed when anything was
// left.
#include "lifecycle/Finalize.h"
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/StateDestroyer.h"

namespace athanor {

namespace {

// fqn -> the fqns it $refs, for every declared resource of the stack file.
void collectReferences(const DeclaredScope& scope, const std::string& path, const Scope& stage,
                       std::multimap<std::string, std::string>& out) {
    for (const DeclaredResource& resource : scope.resources) {
        const std::string fqn = stage.fqn(path.empty() ? resource.id : path + "/" + resource.id);
        for (const std::string& dependency : resource.dependsOn)
            out.emplace(fqn, stage.fqn(dependency));
    }
    for (const DeclaredScope& child : scope.scopes)
        collectReferences(child, path.empty() ? child.name : path + "/" + child.name, stage, out);
}

} // namespace

void runDestroyPhase(RunContext& run, const StackFile* stack) {
    Scope& stage = run.stage();
    StateDestroyer destroyer(run, StateDestroyer::Purpose::Destroy);
    if (stack) {
        std::multimap<std::string, std::string> references;
        collectReferences(stack->root, "", stage, references);
        destroyer.setReferences(std::move(references));
    }
    const std::vector<size_t> top = destroyer.addScopeContents(stage);
    if (!destroyer.unknownKinds().empty()) {
        std::map<std::string, std::vector<std::string>> kinds = destroyer.unknownKinds();
        throw UnknownKindsError("destroy of " + stage.chainText() +
                                    " refused before anything was deleted: the state holds kinds this engine "
                                    "has no provider for: " +
                                    destroyer.unknownKindsText() +
                                    ". They come from the project's own Alchemy program: destroy the stage "
                                    "with it (run the program with --destroy --stage " +
                                    stage.name() + ")",
                                std::move(kinds));
    }
    if (run.options.dryRun) {
        run.reporter.runStarted(static_cast<int>(destroyer.resourceCount()));
        for (auto& change : plannedDeletions(destroyer))
            run.reporter.addPlanned(std::move(change));
        return;
    }
    // Last: the stage's own record in the root store and its (now empty) folder. The root store's other
    // records (other stages) are not touched.
    destroyer.addFinal(
        [&run, &stage] {
            try {
                stage.parent()->store().remove(stage.name());
                StateDestroyer::removeScopeFolder(stage);
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

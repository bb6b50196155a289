#include "repair/PendingRun.h"

#include "lifecycle/RunContext.h"
#include "lifecycle/StateDestroyer.h"
#include "repair/RecordRepairs.h"

namespace athanor {

PendingRunResult runPendingDeletion(RepairSource& source, const std::string& scopeFqn, size_t index,
                                    const PasswordRing& passwords, EventSink& events,
                                    const CancellationToken& cancel,
                                    std::shared_ptr<ProviderRegistry> providers) {
    const PendingDeletions listed = listPendingDeletions(source, scopeFqn);
    const RecordKey& key = listed.scopeRecord;
    if (index >= listed.entries.size())
        throw RepairError(key.path() + " has " + std::to_string(listed.entries.size()) +
                          " pending deletion(s); there is no index " + std::to_string(index));
    const PendingEntry& chosen = listed.entries[index];
    if (chosen.corrupted)
        throw RepairError(key.path() + ": pendingDeletions[" + std::to_string(index) +
                          "] names no resource id; it can only be dropped (state pending drop)");
    const std::string name = chosen.fqn.empty() ? chosen.id : chosen.fqn;
    const std::vector<std::string> scopeChain = key.ownScope();
    if (scopeChain.size() < 2)
        throw RepairError(key.path() + " is not a scope of a stage");

    RepairTransaction tx(source, "pending run",
                         "pending run " + key.path() + " " + std::to_string(index) + " (" + name + ")",
                         {{key.app(), key.stage()}});
    tx.keep(key);
    tx.sync();
    // Under the lock: the entry must still be the one listed.
    const PendingDeletions now = listPendingDeletions(source, scopeFqn);
    if (index >= now.entries.size() || now.entries[index].entry != chosen.entry) {
        const std::string message =
            key.path() + ": pendingDeletions changed since it was listed; nothing was run";
        tx.fail(message);
        throw RepairError(message);
    }

    RunOptions options;
    options.phase = Phase::Destroy;
    options.state = source.stateSource()->spec();
    options.app = scopeChain[0];
    options.stage = scopeChain[1];
    auto settings = std::make_shared<ScopeSettings>();
    settings->source = source.stateSource();
    settings->layout = DotAlchemyLayout::forProject(source.projectFolder());
    settings->app = scopeChain[0];
    settings->stage = scopeChain[1];
    settings->phase = Phase::Destroy;
    RunReporter reporter(events, Phase::Destroy, settings->app, settings->stage, false);
    RunContext run(options, providers ? providers : ProviderRegistry::withBuiltins(), passwords.clone(),
                   settings, source.projectFolder(), reporter, cancel);
    settings->passwords = &run.passwords;
    run.root = Scope::createRoot(settings);
    Scope* scope = &run.root->stageScope();
    for (size_t i = 2; i < scopeChain.size(); ++i)
        scope = &scope->child(scopeChain[i]);

    reporter.runStarted(1);
    StateDestroyer destroyer(run, StateDestroyer::Purpose::Finalize);
    Json only = Json::object();
    only["pendingDeletions"] = Json::array({chosen.entry});
    destroyer.addPendingDeletions(*scope, only);
    const bool ok = destroyer.run();
    run.root->runCleanups();
    reporter.runFinished(cancel.isCancelled() ? RunResult::Cancelled
                                              : (ok ? RunResult::Succeeded : RunResult::Failed));
    RunReport report;
    reporter.fill(report);
    tx.noteAfter(key);
    tx.finish();
    return {ok && !cancel.isCancelled(), tx.operationId(), report.errors};
}

} // namespace athanor

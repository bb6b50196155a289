#include "lifecycle/Finalize.h"

namespace athanor {

namespace {

// A scope without orphans adds no deletion: StateDestroyer::addRecords() would only note the folders its
// records own, which matter only once some orphan's folder is scanned. Those notes are kept here and handed
// over (in the same order) just before the first scope with orphans, so a stage without any (every
// no-change up) skips them: ~10,000 folder paths hashed for nothing.
struct OwnedListings {
    std::vector<std::pair<Scope*, std::vector<std::string>>> held;

    void add(StateDestroyer& destroyer, Scope& scope, const std::vector<std::string>& orphans,
             std::vector<std::string> ids) {
        if (orphans.empty()) {
            held.emplace_back(&scope, std::move(ids));
            return;
        }
        for (auto& [heldScope, heldIds] : held)
            destroyer.addRecords(*heldScope, {}, heldIds);
        held.clear();
        destroyer.addRecords(scope, orphans, ids);
    }
};

void queueScope(RunContext& run, DeclaredTree& tree, DeclaredScopeNode& node, StateDestroyer& destroyer,
                bool running, OwnedListings& owned) {
    Scope& scope = *node.scope;
    const bool failed = !node.problem.empty() || (running && scope.failed());
    std::vector<std::string> ids;
    if (failed) {
        if (running)
            run.reporter.log(LogLevel::Warn, "Scope is in error, skipping finalize: " + scope.chainText());
    } else {
        if (running)
            scope.runDeferred();
        ids = scope.store().list();
        destroyer.addPendingDeletions(scope);
        for (DeclaredTask* task : node.tasks)
            if (task->nestedPendingDeletions)
                if (Scope* resourceScope = scope.findChild(task->decl->id))
                    destroyer.addPendingDeletions(*resourceScope);
    }
    for (auto& child : node.children)
        queueScope(run, tree, *child, destroyer, running, owned);
    if (failed)
        return;
    std::vector<std::string> orphans;
    for (const auto& id : ids)
        if (!node.declaredIds.count(id))
            orphans.push_back(id);
    owned.add(destroyer, scope, orphans, std::move(ids));
}

std::string reasonFor(const StateDestroyer::Planned& planned, bool destroying) {
    if (planned.replacedCopy)
        return "replaced copy awaiting cleanup";
    return destroying ? "destroy" : "orphan (no longer declared)";
}

} // namespace

void queueFinalize(RunContext& run, DeclaredTree& tree, StateDestroyer& destroyer, bool running) {
    OwnedListings owned;
    queueScope(run, tree, tree.stageNode(), destroyer, running, owned);
}

std::vector<PlannedChange> plannedDeletions(const StateDestroyer& destroyer) {
    std::vector<PlannedChange> out;
    for (const auto& planned : destroyer.planned()) {
        PlannedChange change;
        change.action = PlannedChange::Action::Delete;
        change.fqn = planned.fqn;
        change.kind = planned.kind;
        change.reason = reasonFor(planned, destroyer.purpose() == StateDestroyer::Purpose::Destroy);
        out.push_back(std::move(change));
    }
    return out;
}

bool refuseUnknownKinds(RunContext& run, const StateDestroyer& destroyer, std::vector<PlannedChange>* plan) {
    if (destroyer.unknownKinds().empty())
        return false;
    const size_t kept = destroyer.planned().size() + destroyer.unqueued().size();
    run.reporter.runError(
        "finalize deletes nothing: no provider for kind(s) " + destroyer.unknownKindsText() + "; " +
        std::to_string(kept) +
        " orphan(s) and replaced copies stay in state rather than leave the stage half cleaned up. They come "
        "from the project's own Alchemy program: run it to delete them, or declare them again");
    std::vector<std::string> kinds;
    for (const auto& [kind, fqns] : destroyer.unknownKinds())
        kinds.push_back(kind);
    run.reporter.addUnknownKinds(kinds);
    if (plan) {
        const auto keep = [&](const StateDestroyer::Planned& planned, const std::string& why) {
            PlannedChange change;
            change.action = PlannedChange::Action::Skip;
            change.fqn = planned.fqn;
            change.kind = planned.kind;
            change.reason = reasonFor(planned, false) + ", kept: " + why;
            plan->push_back(std::move(change));
        };
        for (const auto& planned : destroyer.unqueued())
            keep(planned, "no provider for kind \"" + planned.kind + "\"");
        for (const auto& planned : destroyer.planned())
            keep(planned, "finalize deletes nothing while some kinds have no provider");
    }
    return true;
}

} // namespace athanor

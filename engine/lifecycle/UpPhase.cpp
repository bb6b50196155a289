// Phase up (reference §7.2, §7.4, §7.5, §7.10): apply each declared resource (create / update / skip /
// replace / resume), then finalize every declared scope (pending deletions, orphans).
#include "lifecycle/ChangeDecision.h"
#include "lifecycle/DeclaredTree.h"
#include "lifecycle/Finalize.h"
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/ResourceContext.h"
#include "lifecycle/StateDestroyer.h"
#include "lifecycle/TaskGraph.h"
#include "serde/PlainForms.h"
#include "store/FileSystemStateStore.h"
#include "store/StoreError.h"

#include <algorithm>

namespace athanor {

namespace {

class UpPhase {
public:
    UpPhase(RunContext& run, const StackFile& stack) : m_run(run), m_tree(run, stack) {}

    void execute() {
        m_run.reporter.runStarted(static_cast<int>(m_tree.tasks().size()));
        for (DeclaredScopeNode* node : m_tree.scopes())
            ensureScopeRecord(*node);

        TaskGraph graph;
        auto& tasks = m_tree.tasks();
        for (size_t i = 0; i < tasks.size(); ++i) {
            graph.add([this, i] { return apply(*m_tree.tasks()[i]); },
                      [this, i](size_t cause) { blocked(*m_tree.tasks()[i], *m_tree.tasks()[cause]); });
        }
        for (size_t i = 0; i < tasks.size(); ++i)
            for (size_t dependency : tasks[i]->dependencies)
                graph.addDependency(i, dependency);
        graph.run(m_run.parallel(), m_run.cancel, [this](size_t job, const std::string& message) {
            DeclaredTask& task = *m_tree.tasks()[job];
            m_run.reporter.failed(task.fqn, task.decl->kind, message);
            task.owner->scope->fail();
        });

        if (m_run.cancel.isCancelled()) {
            const size_t notStarted = graph.count(TaskGraph::State::NotStarted);
            m_run.reporter.log(LogLevel::Warn,
                               "cancelled: " + std::to_string(notStarted) +
                                   " resource(s) not started; orphans and replaced copies are "
                                   "left for the next run");
        } else {
            finalize();
        }
        for (auto& change : m_plan)
            m_run.reporter.addPlanned(std::move(change));
    }

private:
    // A declared child scope gets its naked-scope record (D) in its parent's store when missing; an existing
    // one is never rewritten (reference §7.5).
    void ensureScopeRecord(DeclaredScopeNode& node) {
        if (!node.parent) {
            createFolder(node);
            return;
        }
        if (!node.parent->problem.empty()) {
            node.problem = node.parent->problem;
            return;
        }
        Scope& parent = *node.parent->scope;
        const std::string& name = node.decl->name;
        try {
            std::optional<StateRecord> existing = parent.store().get(name);
            if (!existing) {
                parent.store().set(name, StateRecord(records::nakedScope(name, node.seq)));
            } else if (existing->kind() != kScopeKind) {
                node.problem = "Tried to create a Scope that conflicts with a Resource (" + existing->kind() +
                               "): " + name;
            }
        } catch (const UnreadableRecordError& e) {
            node.problem = "cannot read the record of scope " + node.scope->chainText() + " (" + e.file() +
                           "): " + e.reason() + " (left untouched)";
        } catch (const std::exception& e) {
            node.problem = e.what();
        }
        if (!node.problem.empty()) {
            m_run.reporter.runError(node.scope->chainText() + ": " + node.problem);
            node.scope->fail();
            return;
        }
        createFolder(node);
    }

    // Each declared scope's folder exists before resources are applied in parallel, so concurrent first
    // writes and reads in a new scope never race on its creation.
    void createFolder(DeclaredScopeNode& node) {
        try {
            node.scope->store().init();
        } catch (const std::exception& e) {
            node.problem = e.what();
            m_run.reporter.runError(node.scope->chainText() + ": " + node.problem);
            node.scope->fail();
        }
    }

    void blocked(DeclaredTask& task, const DeclaredTask& cause) {
        m_run.reporter.failed(task.fqn, task.decl->kind,
                              "not applied: it depends on " + cause.fqn + ", which was not applied");
        task.owner->scope->fail();
    }

    bool apply(DeclaredTask& task) {
        const auto start = std::chrono::steady_clock::now();
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        bool quiet = false;
        try {
            if (!task.owner->problem.empty())
                throw RunFailure("not applied: its scope " + scope.chainText() +
                                 " is unusable: " + task.owner->problem);
            Provider& provider = m_run.providerFor(decl.kind, task.fqn, "apply");
            const Json props = substituteRefs(decl.props, m_tree, m_run);
            quiet = quietProp(props);
            applyResource(task, provider, props, quiet, start);
            return true;
        } catch (const UnreadableRecordError& e) {
            m_run.reporter.failed(task.fqn, decl.kind,
                                  "cannot read state record " + e.file() + ": " + e.reason() +
                                      " (left untouched; fix or remove the file)",
                                  millisecondsSince(start));
        } catch (const std::exception& e) {
            m_run.reporter.failed(task.fqn, decl.kind, e.what(), millisecondsSince(start));
        }
        scope.fail();
        return false;
    }

    void applyResource(DeclaredTask& task, Provider& provider, const Json& props, bool quiet,
                       std::chrono::steady_clock::time_point start) {
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        const RecordIdentity who{decl.kind, decl.id, task.fqn, task.seq};

        std::optional<StateRecord> existing;
        if (std::optional<std::string> text = scope.store().readText(decl.id)) {
            if (skipUnchanged(task, provider, props, *text, quiet, start))
                return;
            existing = scope.store().parseRecord(decl.id, *text);
        }
        ChangeInputs inputs;
        inputs.declaredKind = decl.kind;
        inputs.props = &props;
        inputs.force = scope.force();
        std::optional<ResourceStatus> status;
        Json doc;
        Json storedProps = Json::object(); // plain
        if (existing) {
            inputs.exists = true;
            inputs.recordKind = existing->kind();
            inputs.statusText = existing->statusText();
            status = existing->status();
            doc = std::move(existing->document());
            auto it = doc.find("props");
            storedProps = it == doc.end() ? Json() : m_run.open(*it, task.fqn);
        } else {
            doc = records::placeholder(who);
        }
        inputs.status = status;
        inputs.storedProps = &storedProps;
        // The decision plan shows too (ChangeDecision.h): skip when settled with the same props, compared as
        // canonical text with secrets in plaintext (§7.2), unless forced or always updated.
        const ChangeDecision decision = decideChange(inputs, provider);
        if (decision.action == PlannedChange::Action::Skip) {
            task.serializedOutput = doc.contains("output") ? doc["output"] : Json::object();
            plan(task, decision.action, decision.reason);
            m_run.reporter.transition(EventType::Skipped, task.fqn, decl.kind, millisecondsSince(start),
                                      quiet);
            return;
        }

        const bool creating = !status || *status == ResourceStatus::Creating;
        const HandlerPhase phase = creating ? HandlerPhase::Create : HandlerPhase::Update;
        const Json sealedProps = m_run.seal(props, scope, task.fqn);
        const Json previousSerializedOutput = doc.contains("output") ? doc["output"] : Json();
        Json previousOutput;
        if (existing && !records::isPlaceholderOutput(previousSerializedOutput))
            previousOutput = m_run.open(previousSerializedOutput, task.fqn);

        // (B) the pre-handler write. For a new resource Alchemy writes the placeholder (A) first and this
        // right after; B alone leaves the same file and the same recovery path (status creating).
        records::markInFlight(doc, creating ? ResourceStatus::Creating : ResourceStatus::Updating,
                              sealedProps);
        scope.store().set(decl.id, StateRecord(doc));
        m_run.reporter.transition(creating ? EventType::Creating : EventType::Updating, task.fqn, decl.kind,
                                  0, quiet);
        plan(task, decision.action, decision.reason);

        Scope& resourceScope = scope.child(decl.id);
        const uint64_t stateWritesBefore = resourceScope.stateWrites();
        const auto makeSetup = [&](HandlerPhase handlerPhase, bool isReplacement) {
            ResourceContext::Setup setup;
            setup.phase = handlerPhase;
            setup.kind = decl.kind;
            setup.id = decl.id;
            setup.fqn = task.fqn;
            setup.stage = scope.stage();
            setup.props = props;
            setup.previousProps = existing && storedProps.is_object() ? storedProps : Json::object();
            setup.previousOutput = previousOutput;
            setup.isReplacement = isReplacement;
            setup.adopt = scope.adopt();
            setup.quiet = quiet || scope.quiet();
            setup.workingDirectory = m_run.workingDirectory;
            setup.cancel = &m_run.cancel;
            setup.dataScope = &resourceScope;
            setup.reporter = &m_run.reporter;
            return setup;
        };

        Json handlerOutput;
        bool replaced = false;
        try {
            ResourceContext ctx(makeSetup(phase, false));
            handlerOutput = provider.apply(ctx);
        } catch (const ReplaceSignal& signal) {
            replaced = true;
            // Nested resources of the old copy are orphans now (reference §7.4): children go first.
            finalizeNested(resourceScope);
            if (signal.force) {
                const auto cleanupStart = std::chrono::steady_clock::now();
                m_run.reporter.transition(EventType::Cleanup, task.fqn, decl.kind, 0, quiet);
                ResourceContext::Setup setup = makeSetup(HandlerPhase::Delete, false);
                setup.props = setup.previousProps;
                setup.dataScope = nullptr;
                ResourceContext deleteCtx(std::move(setup));
                provider.remove(deleteCtx);
                m_run.reporter.transition(EventType::Cleaned, task.fqn, decl.kind,
                                          millisecondsSince(cleanupStart), quiet);
            } else {
                Json entry = Json::object();
                entry["resource"] = previousSerializedOutput;
                entry["oldProps"] = doc.contains("oldProps") ? doc["oldProps"] : Json::object();
                scope.withScopeState([&](Json& record) {
                    Json& pending = record["data"]["pendingDeletions"];
                    if (!pending.is_array())
                        pending = Json::array();
                    pending.push_back(entry);
                    return true;
                });
            }
            try {
                ResourceContext again(makeSetup(HandlerPhase::Create, true));
                handlerOutput = provider.apply(again);
            } catch (const ReplaceSignal&) {
                throw RunFailure("replace() was called again while creating the replacement");
            }
        }
        if (!replaced)
            finalizeNested(resourceScope);
        task.handlerRan = true;

        // (C) the success write; data re-read so that what the handler (or a nested scope) stored is kept.
        // Only the resource's scope writes its record meanwhile: when it did not, the data is what (B) wrote.
        Json output = records::envelope(handlerOutput, who);
        Json sealedOutput = m_run.seal(output, scope, task.fqn);
        Json data = Json::object();
        if (resourceScope.stateWrites() != stateWritesBefore) {
            std::optional<StateRecord> fresh = scope.store().get(decl.id);
            if (fresh && fresh->data())
                data = *fresh->data();
        } else if (auto it = doc.find("data"); it != doc.end()) {
            data = std::move(*it);
        }
        if (auto pending = data.find("pendingDeletions"); pending != data.end() && pending->is_array())
            task.nestedPendingDeletions = !pending->empty();
        const ResourceStatus finalStatus =
            creating && !replaced ? ResourceStatus::Created : ResourceStatus::Updated;
        scope.store().set(decl.id, StateRecord(records::success(who, std::move(data), finalStatus,
                                                                sealedOutput, sealedProps)));
        task.serializedOutput = std::move(sealedOutput);
        if (replaced)
            setPlannedAction(task, PlannedChange::Action::Replace);
        m_run.reporter.transition(replaced ? EventType::Replaced
                                           : (creating ? EventType::Created : EventType::Updated),
                                  task.fqn, decl.kind, millisecondsSince(start), quiet);
    }

    // The no-change case (the common one) decided on kind, status and props alone, without converting the
    // rest of the record: the output is parsed from `text` only when a dependent needs it. Same decision as
    // the full path in applyResource(), which handles everything this returns false for.
    bool skipUnchanged(DeclaredTask& task, Provider& provider, const Json& props, std::string& text,
                       bool quiet, std::chrono::steady_clock::time_point start) {
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        if (scope.force() || provider.alwaysUpdate())
            return false;
        std::optional<StateRecord> fields =
            FileSystemStateStore::parseRecordFields(text, {"kind", "provider", "status", "props"});
        if (!fields || fields->kind() != decl.kind)
            return false;
        const Json* stored = fields->props();
        const Json storedProps = stored ? m_run.open(*stored, task.fqn) : Json();
        ChangeInputs inputs;
        inputs.declaredKind = decl.kind;
        inputs.exists = true;
        inputs.recordKind = fields->kind();
        inputs.status = fields->status();
        inputs.statusText = fields->statusText();
        inputs.storedProps = &storedProps;
        inputs.props = &props;
        inputs.force = scope.force();
        const ChangeDecision decision = decideChange(inputs, provider);
        if (decision.action != PlannedChange::Action::Skip)
            return false;
        task.serializedRecordText = std::make_shared<const std::string>(std::move(text));
        plan(task, decision.action, decision.reason);
        m_run.reporter.transition(EventType::Skipped, task.fqn, decl.kind, millisecondsSince(start), quiet);
        return true;
    }

    // Nested resources that a handler run did not declare are orphans of the resource's scope (§7.2);
    // Athanor's handlers declare none, so whatever Alchemy nested under the resource goes, children first.
    void finalizeNested(Scope& resourceScope) {
        const std::vector<std::string> ids = resourceScope.store().list();
        if (ids.empty())
            return;
        StateDestroyer destroyer(m_run, StateDestroyer::Purpose::Finalize);
        destroyer.addRecords(resourceScope, ids);
        if (!destroyer.unknownKinds().empty())
            throw RunFailure("cannot delete the nested resources of " + resourceScope.chainText() +
                             ": no provider for kind(s) " + destroyer.unknownKindsText() +
                             " (nothing deleted)");
        if (!destroyer.run())
            throw RunFailure("could not delete the nested resources of " + resourceScope.chainText());
    }

    void plan(DeclaredTask& task, PlannedChange::Action action, std::string reason) {
        PlannedChange change;
        change.action = action;
        change.fqn = task.fqn;
        change.kind = task.decl->kind;
        change.reason = std::move(reason);
        std::lock_guard lock(m_planMutex);
        m_planIndex[task.fqn] = m_plan.size();
        m_plan.push_back(std::move(change));
    }

    void setPlannedAction(DeclaredTask& task, PlannedChange::Action action) {
        std::lock_guard lock(m_planMutex);
        auto it = m_planIndex.find(task.fqn);
        if (it != m_planIndex.end())
            m_plan[it->second].action = action;
    }

    // Alchemy's forced finalize of the stage (§7.10), queued by the code plan uses too (Finalize.h).
    void finalize() {
        StateDestroyer destroyer(m_run, StateDestroyer::Purpose::Finalize);
        queueFinalize(m_run, m_tree, destroyer, true);
        if (refuseUnknownKinds(m_run, destroyer, &m_plan))
            return;
        for (auto& change : plannedDeletions(destroyer))
            m_plan.push_back(std::move(change));
        if (destroyer.size() > 0)
            destroyer.run();
    }

    RunContext& m_run;
    DeclaredTree m_tree;
    std::mutex m_planMutex;
    std::vector<PlannedChange> m_plan;
    std::map<std::string, size_t> m_planIndex;
};

} // namespace

void runUpPhase(RunContext& run, const StackFile& stack) {
    UpPhase(run, stack).execute();
}

} // namespace athanor

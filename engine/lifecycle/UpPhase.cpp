// Phase up (reference §7.2, §7.4, §7.5, §7.10): apply each declared resource (create / update / skip /
// replace / resume), then finalize every declared scope (pending deletions, orphans).
#include "lifecycle/ChangeDecision.h"
#include "lifecycle/DeclaredTree.h"
#include "lifecycle/Finalize.h"
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/ProcessExitKeep.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/ResourceContext.h"
#include "lifecycle/StateDestroyer.h"
#include "lifecycle/TaskGraph.h"
#include "lifecycle/WaveWrites.h"
#include "lifecycle/WorkerPool.h"
#include "serde/PlainForms.h"
#include "store/FileSystemStateStore.h"
#include "store/RecordParse.h"
#include "store/StoreError.h"

#include <algorithm>
#include <unordered_map>

namespace athanor {

namespace {

class UpPhase {
public:
    UpPhase(RunContext& run, const StackFile& stack)
        : m_run(run), m_treeOwner(std::make_unique<DeclaredTree>(run, stack)), m_tree(*m_treeOwner),
          m_pool(static_cast<size_t>(run.parallel())) {}

    // For keepUntilProcessExit(), once execute() returned.
    std::unique_ptr<DeclaredTree> releaseTree() { return std::move(m_treeOwner); }

    void execute() {
        m_run.reporter.runStarted(static_cast<int>(m_tree.tasks().size()));
        ensureScopeRecords();

        TaskGraph graph;
        auto& tasks = m_tree.tasks();
        const bool waves = usesWaves(m_run);
        m_waves = waves;
        m_prepared.resize(tasks.size());
        m_doneInPrepare.resize(tasks.size(), false);
        m_plan.reserve(tasks.size());
        for (size_t i = 0; i < tasks.size(); ++i) {
            graph.add([this, i, waves] { return waves ? runPrepared(i) : apply(*m_tree.tasks()[i]); },
                      [this, i](size_t cause) { blocked(*m_tree.tasks()[i], *m_tree.tasks()[cause]); });
        }
        for (size_t i = 0; i < tasks.size(); ++i)
            for (size_t dependency : tasks[i]->dependencies)
                graph.addDependency(i, dependency);
        TaskGraph::Waves hooks;
        hooks.maxJobs = kWaveSize;
        hooks.prepare = [this](const std::vector<size_t>& jobs) {
            prepareWave(jobs);
        };
        hooks.abandon = [this](const std::vector<size_t>& jobs) {
            abandonWave(jobs);
        };
        hooks.needsThread = [this](size_t job) {
            return m_prepared[job] && m_prepared[job]->apply;
        };
        graph.run(
            m_run.parallel(), m_run.cancel,
            [this](size_t job, const std::string& message) {
                DeclaredTask& task = *m_tree.tasks()[job];
                m_run.reporter.failed(task.fqn, task.decl->kind, message);
                task.owner->scope->fail();
            },
            waves ? &hooks : nullptr);
        waitForSettledWrites(m_run);

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
    // one is never rewritten (reference §7.5). Level by level (a scope's record lives in its parent's
    // folder), each level's new records written with one sync.
    void ensureScopeRecords() {
        std::map<size_t, std::vector<DeclaredScopeNode*>> byDepth;
        for (DeclaredScopeNode* node : m_tree.scopes()) {
            size_t depth = 0;
            for (const DeclaredScopeNode* up = node->parent; up; up = up->parent)
                ++depth;
            byDepth[depth].push_back(node);
        }
        for (auto& [depth, nodes] : byDepth) {
            if (depth == 0) {
                for (DeclaredScopeNode* stage : nodes)
                    createFolder(*stage);
                continue;
            }
            std::vector<StateRecord> records;
            records.reserve(nodes.size());
            std::vector<StateSource::InFlightWrite> writes;
            std::vector<DeclaredScopeNode*> writers;
            for (DeclaredScopeNode* node : nodes) {
                if (!node->parent->problem.empty()) {
                    node->problem = node->parent->problem;
                    continue;
                }
                if (std::optional<StateRecord> record = missingScopeRecord(*node)) {
                    records.push_back(std::move(*record));
                    writes.push_back({&node->parent->scope->store(), node->decl->name, &records.back(), {}});
                    writers.push_back(node);
                }
            }
            writeInFlight(m_run, writes);
            for (size_t i = 0; i < writes.size(); ++i) {
                if (!writes[i].error)
                    continue;
                try {
                    std::rethrow_exception(writes[i].error);
                } catch (const std::exception& e) {
                    writers[i]->problem = e.what();
                }
            }
            for (DeclaredScopeNode* node : nodes) {
                if (!node->problem.empty()) {
                    if (node->problem != node->parent->problem) { // not only its parent's problem
                        m_run.reporter.runError(node->scope->chainText() + ": " + node->problem);
                        node->scope->fail();
                    }
                    continue;
                }
                createFolder(*node);
            }
        }
    }

    // The record to write for scope `node` when it has none; sets node.problem when its record conflicts or
    // cannot be read.
    std::optional<StateRecord> missingScopeRecord(DeclaredScopeNode& node) {
        Scope& parent = *node.parent->scope;
        const std::string& name = node.decl->name;
        try {
            std::optional<StateRecord> existing = parent.store().get(name);
            if (!existing)
                return StateRecord(records::nakedScope(name, node.seq));
            if (existing->kind() != kScopeKind)
                node.problem = "Tried to create a Scope that conflicts with a Resource (" + existing->kind() +
                               "): " + name;
            else
                node.scope->rememberRecord(*existing); // finalize's pending deletions are read from it
        } catch (const UnreadableRecordError& e) {
            node.problem = "cannot read the record of scope " + node.scope->chainText() + " (" + e.file() +
                           "): " + e.reason() + " (left untouched)";
        } catch (const std::exception& e) {
            node.problem = e.what();
        }
        return std::nullopt;
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

    // What up does to one resource, worked out before its in-flight record is written: with waves, the
    // in-flight records of a whole wave are written together (one sync) before any of their handlers runs.
    struct Prepared {
        bool apply = false; // false: done already (skipped, or failed and reported); `ok` says which
        bool ok = false;
        Provider* provider = nullptr;
        const Json* props = nullptr; // plain, $refs substituted: the declaration's own props when it has none
        Json substitutedProps;
        bool quiet = false;
        std::chrono::steady_clock::time_point start;
        ChangeDecision decision;
        bool existed = false;
        std::optional<std::string> previousText; // the record as it was (waves: put back when never started)
        std::optional<StateRecord> inFlight;     // (B), to be written before the handler
        bool creating = false;
        Json storedProps; // plain
        Json previousOutput;
        Json previousSerializedOutput;
        Json sealedProps;
    };

    bool apply(DeclaredTask& task) {
        Prepared prepared;
        prepare(task, prepared, false);
        if (!prepared.apply)
            return prepared.ok;
        // (B) the pre-handler write. For a new resource Alchemy writes the placeholder (A) first and this
        // right after; B alone leaves the same file and the same recovery path (status creating).
        try {
            task.owner->scope->store().set(task.decl->id, *prepared.inFlight);
        } catch (const std::exception& e) {
            return failedToApply(task, prepared, e.what());
        }
        return execute(task, prepared);
    }

    // Everything up to the in-flight record: skip (done), fail (reported), or `apply` with the record to
    // write.
    void prepare(DeclaredTask& task, Prepared& p, bool keepPreviousText) {
        p.start = std::chrono::steady_clock::now();
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        for (size_t dependency : task.dependencies) {
            if (m_tree.tasks()[dependency]->recordFailed) {
                blocked(task, *m_tree.tasks()[dependency]);
                p.ok = false;
                return;
            }
        }
        try {
            if (!task.owner->problem.empty())
                throw RunFailure("not applied: its scope " + scope.chainText() +
                                 " is unusable: " + task.owner->problem);
            p.provider = &m_run.providerFor(decl.kind, task.fqn, "apply");
            if (decl.dependsOn.empty()) {
                p.props = &decl.props; // nothing to substitute: no copy
            } else {
                p.substitutedProps = substituteRefs(decl.props, m_tree, m_run);
                p.props = &p.substitutedProps;
            }
            p.quiet = quietProp(*p.props);
            prepareResource(task, p, keepPreviousText);
            return;
        } catch (const UnreadableRecordError& e) {
            m_run.reporter.failed(task.fqn, decl.kind,
                                  "cannot read state record " + e.file() + ": " + e.reason() +
                                      " (left untouched; fix or remove the file)",
                                  millisecondsSince(p.start));
        } catch (const std::exception& e) {
            m_run.reporter.failed(task.fqn, decl.kind, e.what(), millisecondsSince(p.start));
        }
        p.apply = false;
        p.ok = false;
        scope.fail();
    }

    bool failedToApply(DeclaredTask& task, const Prepared& p, const std::string& message) {
        m_run.reporter.failed(task.fqn, task.decl->kind, message, millisecondsSince(p.start));
        task.owner->scope->fail();
        return false;
    }

    // The handler and the success write, after the in-flight record is durable.
    bool execute(DeclaredTask& task, Prepared& p) {
        try {
            runHandler(task, p);
            return true;
        } catch (const UnreadableRecordError& e) {
            return failedToApply(task, p,
                                 "cannot read state record " + e.file() + ": " + e.reason() +
                                     " (left untouched; fix or remove the file)");
        } catch (const std::exception& e) {
            return failedToApply(task, p, e.what());
        }
    }

    void prepareResource(DeclaredTask& task, Prepared& p, bool keepPreviousText) {
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        const RecordIdentity who{decl.kind, decl.id, task.fqn, task.seq};
        const Json& props = *p.props;

        std::optional<StateRecord> existing;
        if (std::optional<std::string> text = scope.store().readText(decl.id)) {
            if (skipUnchanged(task, *p.provider, props, *text, p.quiet, p.start)) {
                p.ok = true;
                return;
            }
            existing = scope.store().parseRecord(decl.id, *text);
            if (keepPreviousText)
                p.previousText = std::move(*text);
        }
        ChangeInputs inputs;
        inputs.declaredKind = decl.kind;
        inputs.props = &props;
        inputs.force = scope.force();
        std::optional<ResourceStatus> status;
        Json doc;
        p.storedProps = Json::object();
        if (existing) {
            p.existed = true;
            inputs.exists = true;
            inputs.recordKind = existing->kind();
            inputs.statusText = existing->statusText();
            status = existing->status();
            doc = std::move(existing->document());
            auto it = doc.find("props");
            p.storedProps = it == doc.end() ? Json() : m_run.open(*it, task.fqn);
        } else {
            doc = records::placeholder(who);
        }
        inputs.status = status;
        inputs.storedProps = &p.storedProps;
        // The decision plan shows too (ChangeDecision.h): skip when settled with the same props, compared as
        // canonical text with secrets in plaintext (§7.2), unless forced or always updated.
        p.decision = decideChange(inputs, *p.provider);
        if (p.decision.action == PlannedChange::Action::Skip) {
            task.serializedOutput = doc.contains("output") ? doc["output"] : Json::object();
            plan(task, p.decision.action, p.decision.reason);
            m_run.reporter.transition(EventType::Skipped, task.fqn, decl.kind, millisecondsSince(p.start),
                                      p.quiet);
            p.ok = true;
            return;
        }

        p.creating = !status || *status == ResourceStatus::Creating;
        p.sealedProps = m_run.seal(props, scope, task.fqn);
        p.previousSerializedOutput = doc.contains("output") ? doc["output"] : Json();
        if (existing && !records::isPlaceholderOutput(p.previousSerializedOutput))
            p.previousOutput = m_run.open(p.previousSerializedOutput, task.fqn);
        records::markInFlight(doc, p.creating ? ResourceStatus::Creating : ResourceStatus::Updating,
                              p.sealedProps);
        p.inFlight.emplace(std::move(doc));
        p.apply = true;
    }

    void runHandler(DeclaredTask& task, Prepared& p) {
        const DeclaredResource& decl = *task.decl;
        Scope& scope = *task.owner->scope;
        const RecordIdentity who{decl.kind, decl.id, task.fqn, task.seq};
        Provider& provider = *p.provider;
        const Json& props = *p.props;
        const bool quiet = p.quiet;
        const bool creating = p.creating;
        Json& doc = p.inFlight->document();
        const HandlerPhase phase = creating ? HandlerPhase::Create : HandlerPhase::Update;
        m_run.reporter.transition(creating ? EventType::Creating : EventType::Updating, task.fqn, decl.kind,
                                  0, quiet);
        plan(task, p.decision.action, p.decision.reason);

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
            setup.previousProps = p.existed && p.storedProps.is_object() ? p.storedProps : Json::object();
            setup.previousOutput = p.previousOutput;
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
                entry["resource"] = p.previousSerializedOutput;
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
        const StateRecord settled(
            records::success(who, std::move(data), finalStatus, sealedOutput, std::move(p.sealedProps)));
        task.serializedOutput = std::move(sealedOutput);
        if (replaced)
            setPlannedAction(task, PlannedChange::Action::Replace);
        const EventType done =
            replaced ? EventType::Replaced : (creating ? EventType::Created : EventType::Updated);
        if (!m_waves) {
            scope.store().set(decl.id, settled);
            m_run.reporter.transition(done, task.fqn, decl.kind, millisecondsSince(p.start), quiet);
            return;
        }
        // Waves: the record is synced with others' while the run goes on; the resource counts as done once
        // its record is durable (before the next wave starts, waitForSettledWrites()).
        writeSettled(m_run, scope.store(), decl.id, settled,
                     [this, &task, done, quiet, start = p.start](std::exception_ptr error) {
                         if (!error) {
                             m_run.reporter.transition(done, task.fqn, task.decl->kind,
                                                       millisecondsSince(start), quiet);
                             return;
                         }
                         task.recordFailed = true;
                         std::string message = "unknown error";
                         try {
                             std::rethrow_exception(error);
                         } catch (const std::exception& e) {
                             message = e.what();
                         } catch (...) {
                         }
                         m_run.reporter.failed(task.fqn, task.decl->kind,
                                               "changed, but its record could not be written: " + message +
                                                   " (the next up applies it again)",
                                               millisecondsSince(start));
                         task.owner->scope->fail();
                     });
    }

    // ---- Waves (parallel runs): the in-flight records of many resources written with one sync

    void prepareWave(const std::vector<size_t>& jobs) {
        auto& tasks = m_tree.tasks();
        // The previous wave's records are durable (or their failures known) before this wave depends on them.
        waitForSettledWrites(m_run);
        m_pool.forEach(jobs.size(), [&](size_t i) {
            auto prepared = std::make_unique<Prepared>();
            prepare(*tasks[jobs[i]], *prepared, true);
            if (prepared->apply)
                m_prepared[jobs[i]] = std::move(prepared);
            else // done already (skipped or failed): freed here, not later on the run's thread
                m_doneInPrepare[jobs[i]] = prepared->ok;
        });
        std::vector<StateSource::InFlightWrite> writes;
        std::vector<size_t> writers;
        for (size_t job : jobs) {
            if (!m_prepared[job])
                continue;
            Prepared& p = *m_prepared[job];
            writes.push_back({&tasks[job]->owner->scope->store(), tasks[job]->decl->id, &*p.inFlight, {}});
            writers.push_back(job);
        }
        if (writes.empty())
            return;
        writeInFlight(m_run, writes);
        for (size_t i = 0; i < writes.size(); ++i) {
            if (!writes[i].error)
                continue;
            Prepared& p = *m_prepared[writers[i]];
            p.apply = false;
            try {
                std::rethrow_exception(writes[i].error);
            } catch (const std::exception& e) {
                p.ok = failedToApply(*tasks[writers[i]], p, e.what());
            }
        }
    }

    bool runPrepared(size_t job) {
        if (!m_prepared[job])
            return m_doneInPrepare[job];
        Prepared& p = *m_prepared[job];
        const bool ok = p.apply ? execute(*m_tree.tasks()[job], p) : p.ok;
        m_prepared[job].reset();
        return ok;
    }

    // Cancelled before they started: their records go back to what they were, so that a first Ctrl-C leaves
    // every record created / updated or untouched.
    void abandonWave(const std::vector<size_t>& jobs) {
        for (size_t job : jobs) {
            Prepared* p = m_prepared[job].get();
            if (!p || !p->apply)
                continue;
            DeclaredTask& task = *m_tree.tasks()[job];
            try {
                restoreRecord(task.owner->scope->store(), task.decl->id, p->previousText);
            } catch (const std::exception& e) {
                m_run.reporter.log(LogLevel::Warn,
                                   "cancelled before it started, but its record could not be put back: " +
                                       std::string(e.what()),
                                   task.fqn);
            }
            m_prepared[job].reset();
        }
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
        // The common case, decided on the record's DOM with nothing converted: settled, same kind, props the
        // same document as declared. Only without secrets, whose stored form differs from the plain one.
        const bool secrets =
            &props == &decl.props ? task.declaredPropsHoldSecrets : containsPlainSecrets(props);
        if (!secrets && recordHasKindStatusAndProps(
                            text, decl.kind,
                            {toString(ResourceStatus::Created), toString(ResourceStatus::Updated)}, props)) {
            keepRecordText(task, text);
            plan(task, PlannedChange::Action::Skip, kNoChangesReason);
            m_run.reporter.transition(EventType::Skipped, task.fqn, decl.kind, millisecondsSince(start),
                                      quiet);
            return true;
        }
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
        keepRecordText(task, text);
        plan(task, decision.action, decision.reason);
        m_run.reporter.transition(EventType::Skipped, task.fqn, decl.kind, millisecondsSince(start), quiet);
        return true;
    }

    // A skipped resource's output is parsed from its record's text if a dependent asks for it (only a $ref
    // does, and only $refs make dependencies): other texts are not kept.
    static void keepRecordText(DeclaredTask& task, std::string& text) {
        if (task.outputNeeded)
            task.serializedRecordText = std::make_shared<const std::string>(std::move(text));
    }

    // Nested resources that a handler run did not declare are orphans of the resource's scope (§7.2);
    // Athanor's handlers declare none, so whatever Alchemy nested under the resource goes, children first.
    void finalizeNested(Scope& resourceScope) {
        const std::vector<std::string> ids = resourceScope.store().list();
        if (ids.empty())
            return;
        StateDestroyer destroyer(m_run, StateDestroyer::Purpose::Finalize);
        destroyer.addRecords(resourceScope, ids, ids);
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
        task.planIndex = m_plan.size();
        m_plan.push_back(std::move(change));
    }

    void setPlannedAction(DeclaredTask& task, PlannedChange::Action action) {
        std::lock_guard lock(m_planMutex);
        if (task.planIndex)
            m_plan[*task.planIndex].action = action;
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
    std::unique_ptr<DeclaredTree> m_treeOwner;
    DeclaredTree& m_tree;
    bool m_waves = false;
    std::vector<std::unique_ptr<Prepared>> m_prepared; // waves: by task, from prepare until the job ran
    std::vector<char>
        m_doneInPrepare; // waves: by task, the outcome of one prepare finished (no Prepared kept)
    WorkerPool m_pool;   // prepares every wave's resources
    std::mutex m_planMutex;
    std::vector<PlannedChange> m_plan;
};

} // namespace

void runUpPhase(RunContext& run, const StackFile& stack) {
    UpPhase phase(run, stack);
    phase.execute();
    if (run.options.processEndsAfterRun)
        keepUntilProcessExit(phase.releaseTree());
}

} // namespace athanor

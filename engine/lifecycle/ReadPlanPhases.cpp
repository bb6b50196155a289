// Phases read (reference §7.3, but nothing at all is written: Athanor does better than §14.11) and plan
// (what up would do, changing nothing, taking no lock).
#include "lifecycle/DeclaredTree.h"
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/TaskGraph.h"
#include "serde/PlainForms.h"
#include "store/StateStore.h"
#include "store/StoreError.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace athanor {

namespace {

std::string unreadableMessage(const UnreadableRecordError& e) {
    return "cannot read state record " + e.file() + ": " + e.reason();
}

// Secrets never reach a plan's diff: equal ones show as "(secret)" on both sides, changed ones as
// "(secret)" -> "(secret, changed)".
void maskSecretPair(const Json* before, Json& after) {
    if (isPlainSecret(after)) {
        const bool same = before && isPlainSecret(*before) && canonicalText(*before) == canonicalText(after);
        after["@secret"] = same ? "(secret)" : "(secret, changed)";
        return;
    }
    if (after.is_object()) {
        for (auto it = after.begin(); it != after.end(); ++it) {
            const Json* match = nullptr;
            if (before && before->is_object())
                if (auto found = before->find(it.key()); found != before->end())
                    match = &*found;
            maskSecretPair(match, it.value());
        }
    } else if (after.is_array()) {
        for (size_t i = 0; i < after.size(); ++i)
            maskSecretPair(before && before->is_array() && i < before->size() ? &(*before)[i] : nullptr,
                           after[i]);
    }
}

Json maskedDiff(const Json& before, const Json& after) {
    Json maskedAfter = after;
    maskSecretPair(&before, maskedAfter);
    const Json maskedBefore = maskPlainSecrets(before, "(secret)");
    return Json::diff(maskedBefore, maskedAfter);
}

class PlanPhase {
public:
    PlanPhase(RunContext& run, const StackFile& stack) : m_run(run), m_tree(run, stack) {}

    void execute() {
        auto& tasks = m_tree.tasks();
        m_run.reporter.runStarted(static_cast<int>(tasks.size()));
        // Pass 1: every declared record, so that $refs can use the outputs state holds.
        std::vector<std::optional<StateRecord>> records(tasks.size());
        std::vector<std::string> problems(tasks.size());
        for (size_t i = 0; i < tasks.size(); ++i) {
            DeclaredTask& task = *tasks[i];
            try {
                records[i] = task.owner->scope->store().get(task.decl->id);
                if (records[i] && records[i]->output() && records[i]->kind() == task.decl->kind)
                    task.serializedOutput = *records[i]->output();
            } catch (const UnreadableRecordError& e) {
                problems[i] =
                    unreadableMessage(e) + " (up would fail for this resource and leave the file alone)";
            }
        }
        std::vector<PlannedChange::Action> actions(tasks.size(), PlannedChange::Action::Skip);
        for (size_t i = 0; i < tasks.size(); ++i) {
            if (m_run.cancel.isCancelled())
                return;
            planResource(*tasks[i], records[i], problems[i], actions, i);
        }
        for (DeclaredScopeNode* node : m_tree.scopes())
            planFinalize(*node);
    }

private:
    void planResource(DeclaredTask& task, const std::optional<StateRecord>& record,
                      const std::string& problem, std::vector<PlannedChange::Action>& actions, size_t index) {
        const DeclaredResource& decl = *task.decl;
        if (!problem.empty()) {
            m_run.reporter.failed(task.fqn, decl.kind, problem);
            return;
        }
        try {
            Provider& provider = m_run.providerFor(decl.kind, task.fqn, "plan");
            PlannedChange change;
            change.fqn = task.fqn;
            change.kind = decl.kind;

            Json props;
            std::string refNote;
            try {
                props = substituteRefs(decl.props, m_tree, m_run);
            } catch (const RunFailure&) {
                props =
                    decl.props; // a referenced resource does not exist yet: its output is known after apply
                refNote = "; some $ref values are known only after apply";
            }
            for (size_t dependency : task.dependencies)
                if (actions[dependency] != PlannedChange::Action::Skip) {
                    refNote += "; uses outputs of " + m_tree.tasks()[dependency]->fqn + ", which will change";
                    break;
                }

            if (!record) {
                change.action = PlannedChange::Action::Create;
                change.reason = "new resource" + refNote;
                change.diff = maskedDiff(Json::object(), props);
            } else if (record->kind() != decl.kind) {
                throw RunFailure("the state record holds a " + record->kind() + ", the stack declares a " +
                                 decl.kind + "; up would fail");
            } else {
                const std::optional<ResourceStatus> status = record->status();
                const Json storedProps = record->props() ? m_run.open(*record->props(), task.fqn) : Json();
                change.diff = maskedDiff(storedProps, props);
                if (!status || !isSettled(*status)) {
                    change.action = PlannedChange::Action::Resume;
                    change.reason = "interrupted while " + record->statusText() + refNote;
                } else if (m_run.options.force) {
                    change.action = PlannedChange::Action::Update;
                    change.reason = "forced" + refNote;
                } else if (provider.alwaysUpdate()) {
                    change.action = PlannedChange::Action::Update;
                    change.reason = "always updated (" + decl.kind + ")" + refNote;
                } else if (canonicalText(storedProps) != canonicalText(props)) {
                    change.action = PlannedChange::Action::Update;
                    change.reason = "props changed (the provider may replace it)" + refNote;
                } else {
                    change.action = PlannedChange::Action::Skip;
                    change.reason = refNote.empty() ? "no changes" : "no changes" + refNote;
                }
            }
            actions[index] = change.action;
            m_run.reporter.log(LogLevel::Debug,
                               std::string(toString(change.action)) + " " + change.fqn + ": " + change.reason,
                               change.fqn);
            m_run.reporter.addPlanned(std::move(change));
        } catch (const std::exception& e) {
            m_run.reporter.failed(task.fqn, decl.kind, e.what());
            actions[index] = PlannedChange::Action::Update;
        }
    }

    void planDelete(const std::string& fqn, const std::string& kind, std::string reason) {
        PlannedChange change;
        change.action = PlannedChange::Action::Delete;
        change.fqn = fqn;
        change.kind = kind;
        change.reason = std::move(reason);
        m_run.reporter.addPlanned(std::move(change));
    }

    void planPending(Scope& scope, const std::optional<Json>& data) {
        if (!data || !data->is_object() || !data->contains("pendingDeletions") ||
            !(*data)["pendingDeletions"].is_array())
            return;
        for (const Json& entry : (*data)["pendingDeletions"]) {
            const Json resource = entry.is_object() ? entry.value("resource", Json()) : Json();
            const std::string fqn = records::stringField(resource, symbol_keys::kFqn);
            const std::string kind = records::stringField(resource, symbol_keys::kKind);
            planDelete(fqn.empty() ? scope.chainText() : fqn, kind, "replaced copy awaiting cleanup");
        }
    }

    // A record that up would delete, with what is nested under it (children first).
    void planDeleteRecord(Scope& scope, const std::string& id, const std::string& reason) {
        std::optional<StateRecord> record;
        try {
            record = scope.store().get(id);
        } catch (const UnreadableRecordError& e) {
            m_run.reporter.failed(scope.fqn(id), "", unreadableMessage(e) + " (never treated as an orphan)");
            return;
        }
        if (!record)
            return;
        Scope& nested = scope.child(id);
        if (record->isScope()) {
            planPending(nested, record->data() ? std::optional<Json>(*record->data()) : std::nullopt);
            for (const auto& child : nested.store().list())
                planDeleteRecord(nested, child, "inside " + scope.fqn(id) + ", " + reason);
            return;
        }
        planPending(nested, record->data() ? std::optional<Json>(*record->data()) : std::nullopt);
        for (const auto& child : nested.store().list())
            planDeleteRecord(nested, child, "nested in " + scope.fqn(id) + ", " + reason);
        planDelete(record->fqn().empty() ? scope.fqn(id) : record->fqn(), record->kind(), reason);
    }

    void planFinalize(DeclaredScopeNode& node) {
        Scope& scope = *node.scope;
        try {
            planPending(scope, scope.peekData());
        } catch (const UnreadableRecordError& e) {
            m_run.reporter.failed(scope.chainText(), kScopeKind, unreadableMessage(e));
        }
        for (const auto& id : scope.store().list())
            if (!node.declaredIds.count(id))
                planDeleteRecord(scope, id, "orphan (no longer declared)");
    }

    RunContext& m_run;
    DeclaredTree m_tree;
};

} // namespace

void runReadPhase(RunContext& run, const StackFile& stack, RunReport& report) {
    DeclaredTree tree(run, stack);
    auto& tasks = tree.tasks();
    run.reporter.runStarted(static_cast<int>(tasks.size()));
    std::mutex outputsMutex;
    const auto readOne = [&](DeclaredTask& task) {
        try {
            // Only kind and output are used: the rest of the record is validated, not converted.
            std::optional<StateRecord> record =
                task.owner->scope->store().getFields(task.decl->id, {"kind", "provider", "output"});
            if (!record)
                throw RunFailure("Resource \"" + task.fqn + "\" not found in state (read phase)");
            if (record->kind() != task.decl->kind)
                throw RunFailure("the state record holds a " + record->kind() + ", the stack declares a " +
                                 task.decl->kind);
            Json& doc = record->document();
            auto stored = doc.find("output");
            Json output = stored != doc.end() ? run.open(std::move(*stored), task.fqn) : Json::object();
            {
                std::lock_guard lock(outputsMutex);
                report.outputs[task.fqn] = std::move(output);
            }
            run.reporter.countRead();
        } catch (const UnreadableRecordError& e) {
            run.reporter.failed(task.fqn, task.decl->kind, unreadableMessage(e));
        } catch (const std::exception& e) {
            run.reporter.failed(task.fqn, task.decl->kind, e.what());
        } catch (...) {
        }
    };
    // Reads never depend on each other: workers take the next resource in declaration order from a counter,
    // without a scheduler lock per resource. Cancellation stops starting reads; running ones finish.
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i; !run.cancel.isCancelled() && (i = next.fetch_add(1)) < tasks.size();)
            readOne(*tasks[i]);
    };
    const size_t threads = std::min<size_t>(static_cast<size_t>(run.parallel()), tasks.size());
    if (threads <= 1) {
        worker();
        return;
    }
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& thread : pool)
        thread.join();
}

void runPlanPhase(RunContext& run, const StackFile& stack) {
    PlanPhase(run, stack).execute();
}

} // namespace athanor

// Phases read (reference §7.3, but nothing at all is written: Athanor does better than §14.11) and plan
// (what up would do, changing nothing, taking no lock).
#include "lifecycle/ChangeDecision.h"
#include "lifecycle/DeclaredTree.h"
#include "lifecycle/Finalize.h"
#include "lifecycle/OutputsText.h"
#include "lifecycle/PhaseRuns.h"
#include "lifecycle/ProcessExitKeep.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/TaskGraph.h"
#include "serde/PlainForms.h"
#include "store/FileSystemStateStore.h"
#include "store/RecordParse.h"
#include "store/StateStore.h"
#include "store/StoreError.h"

#include <algorithm>
#include <atomic>
#include <functional>
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

// Plan: what up would do, decided by up's own code (decideChange() for each declared resource, in the order
// up applies them; queueFinalize() for the deletions). A $ref to a resource that up will create or change is
// "known after apply": its value never equals what is stored, so its user is shown as changing too (a plan
// never says "no changes" for what up then changes; a user whose input turns out the same is then skipped).
class PlanPhase {
public:
    PlanPhase(RunContext& run, const StackFile& stack) : m_run(run), m_tree(run, stack) {}

    void execute() {
        auto& tasks = m_tree.tasks();
        m_run.reporter.runStarted(static_cast<int>(tasks.size()));
        // Every declared record first, so that $refs can use the outputs state holds.
        std::vector<std::optional<StateRecord>> records(tasks.size());
        std::vector<std::string> problems(tasks.size());
        for (size_t i = 0; i < tasks.size(); ++i) {
            DeclaredTask& task = *tasks[i];
            try {
                records[i] = task.owner->scope->store().get(task.decl->id);
                if (records[i] && records[i]->output() && records[i]->kind() == task.decl->kind)
                    task.serializedOutput = *records[i]->output();
                if (records[i] && records[i]->data())
                    if (auto pending = records[i]->data()->find("pendingDeletions");
                        pending != records[i]->data()->end() && pending->is_array())
                        task.nestedPendingDeletions = !pending->empty();
            } catch (const UnreadableRecordError& e) {
                problems[i] =
                    unreadableMessage(e) + " (up would fail for this resource and leave the file alone)";
            }
        }
        m_actions.assign(tasks.size(), std::nullopt);
        for (size_t i : applyOrder()) {
            if (m_run.cancel.isCancelled())
                return;
            planResource(*tasks[i], records[i], problems[i], i);
        }

        StateDestroyer destroyer(m_run, StateDestroyer::Purpose::Finalize);
        queueFinalize(m_run, m_tree, destroyer, false);
        std::vector<PlannedChange> deletions;
        if (!refuseUnknownKinds(m_run, destroyer, &deletions))
            deletions = plannedDeletions(destroyer);
        for (auto& change : deletions)
            m_run.reporter.addPlanned(std::move(change));
    }

private:
    // Declaration order, except that a resource comes after what it $refs (the order up can apply them in).
    std::vector<size_t> applyOrder() {
        auto& tasks = m_tree.tasks();
        std::vector<size_t> order;
        std::vector<int> state(tasks.size(), 0); // 0 new, 1 on the path, 2 done
        std::function<void(size_t)> visit = [&](size_t i) {
            if (state[i] != 0)
                return; // done, or a cycle (the stack loader refuses those)
            state[i] = 1;
            for (size_t dependency : tasks[i]->dependencies)
                visit(dependency);
            state[i] = 2;
            order.push_back(i);
        };
        for (size_t i = 0; i < tasks.size(); ++i)
            visit(i);
        return order;
    }

    void planResource(DeclaredTask& task, const std::optional<StateRecord>& record,
                      const std::string& problem, size_t index) {
        const DeclaredResource& decl = *task.decl;
        if (!problem.empty()) {
            m_run.reporter.failed(task.fqn, decl.kind, problem);
            m_actions[index] = PlannedChange::Action::Update;
            return;
        }
        try {
            Provider& provider = m_run.providerFor(decl.kind, task.fqn, "plan");
            std::vector<std::string> changing;
            const Json props = substituteRefs(
                decl.props, m_tree, m_run,
                [&](const DeclaredTask& target, const std::string& outputPath) -> std::optional<Json> {
                    const auto targetIndex = m_tree.taskIndex(target.path);
                    const auto action = targetIndex ? m_actions[*targetIndex] : std::nullopt;
                    if (action == PlannedChange::Action::Skip)
                        return std::nullopt; // unchanged: its stored output is what up will use
                    if (std::find(changing.begin(), changing.end(), target.fqn) == changing.end())
                        changing.push_back(target.fqn);
                    return Json(
                        "(known after apply: " + (outputPath.empty() ? std::string("output") : outputPath) +
                        " of " + target.fqn + ")");
                });

            ChangeInputs inputs;
            inputs.declaredKind = decl.kind;
            inputs.props = &props;
            inputs.force = m_run.options.force;
            Json storedProps;
            if (record) {
                inputs.exists = true;
                inputs.recordKind = record->kind();
                inputs.status = record->status();
                inputs.statusText = record->statusText();
                storedProps = record->props() ? m_run.open(*record->props(), task.fqn) : Json();
                inputs.storedProps = &storedProps;
            }
            ChangeDecision decision;
            try {
                decision = decideChange(inputs, provider);
            } catch (const RunFailure& e) {
                throw RunFailure(std::string(e.what()) + " (up would fail)");
            }
            PlannedChange change;
            change.action = decision.action;
            change.fqn = task.fqn;
            change.kind = decl.kind;
            change.reason = decision.reason;
            for (const std::string& fqn : changing)
                change.reason += "; uses outputs of " + fqn + ", known only after apply";
            change.diff = maskedDiff(record ? storedProps : Json::object(), props);
            m_actions[index] = change.action;
            m_run.reporter.log(LogLevel::Debug,
                               std::string(toString(change.action)) + " " + change.fqn + ": " + change.reason,
                               change.fqn);
            m_run.reporter.addPlanned(std::move(change));
        } catch (const std::exception& e) {
            m_run.reporter.failed(task.fqn, decl.kind, e.what());
            m_actions[index] = PlannedChange::Action::Update;
        }
    }

    RunContext& m_run;
    DeclaredTree m_tree;
    std::vector<std::optional<PlannedChange::Action>> m_actions; // per task, once planned
};

} // namespace

void runReadPhase(RunContext& run, const StackFile& stack, RunReport& report) {
    auto treeOwner = std::make_unique<DeclaredTree>(run, stack);
    auto& tasks = treeOwner->tasks();
    run.reporter.runStarted(static_cast<int>(tasks.size()));
    // Each read fills its own slot: no lock shared by the readers (10 threads on a few cores spent more time
    // waking each other than reading).
    std::vector<std::optional<Json>> outputs(tasks.size());
    // With outputsText, each output's printed text instead, written here on the reader threads: straight
    // from the record's DOM when it holds no secret (appendRecordOutputJs), else from the Json as before.
    const std::optional<OutputsTextFormat>& textFormat = run.options.outputsText;
    std::vector<std::optional<std::string>> texts(textFormat ? tasks.size() : 0);
    const auto readOne = [&](size_t index) {
        DeclaredTask& task = *tasks[index];
        try {
            StateStore& store = task.owner->scope->store();
            const std::optional<std::string> text = store.readText(task.decl->id);
            if (!text)
                throw RunFailure("Resource \"" + task.fqn + "\" not found in state (read phase)");
            if (textFormat) {
                std::string shown;
                if (appendRecordOutputJs(shown, *text, task.decl->kind, textFormat->indent, 1)) {
                    texts[index] = std::move(shown);
                    return;
                }
            }
            // Only kind and output are used: the rest of the record is validated, not converted.
            std::optional<StateRecord> record =
                FileSystemStateStore::parseRecordFields(*text, {"kind", "provider", "output"});
            if (!record)
                record = store.parseRecord(task.decl->id, *text);
            if (!record)
                throw RunFailure("Resource \"" + task.fqn + "\" not found in state (read phase)");
            if (record->kind() != task.decl->kind)
                throw RunFailure("the state record holds a " + record->kind() + ", the stack declares a " +
                                 task.decl->kind);
            Json& doc = record->document();
            auto stored = doc.find("output");
            Json output = stored != doc.end() ? run.open(std::move(*stored), task.fqn) : Json::object();
            if (textFormat)
                texts[index] = shownOutputText(std::move(output), *textFormat);
            else
                outputs[index] = std::move(output);
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
            readOne(i);
    };
    const size_t threads = std::min<size_t>(static_cast<size_t>(run.parallel()), tasks.size());
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& thread : pool)
        thread.join();
    size_t read = 0;
    if (textFormat) {
        // Sorted by FQN as the map of outputs is, the first of equal FQNs kept as emplace() keeps it.
        std::vector<size_t> order;
        order.reserve(tasks.size());
        for (size_t i = 0; i < tasks.size(); ++i)
            if (texts[i])
                order.push_back(i);
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return tasks[a]->fqn < tasks[b]->fqn; });
        report.outputTexts.reserve(order.size());
        for (size_t i : order) {
            if (!report.outputTexts.empty() && report.outputTexts.back().first == tasks[i]->fqn)
                continue;
            report.outputTexts.emplace_back(tasks[i]->fqn, std::move(*texts[i]));
        }
        read = order.size();
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
        if (!outputs[i])
            continue;
        report.outputs.emplace(tasks[i]->fqn, std::move(*outputs[i]));
        ++read;
    }
    run.reporter.countRead(read);
    if (run.options.processEndsAfterRun)
        keepUntilProcessExit(std::move(treeOwner));
}

void runPlanPhase(RunContext& run, const StackFile& stack) {
    PlanPhase(run, stack).execute();
}

} // namespace athanor

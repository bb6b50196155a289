#include "repair/RepairPlan.h"

#include <algorithm>
#include <set>

namespace athanor {

size_t RepairPlan::removals() const {
    return static_cast<size_t>(
        std::count_if(changes.begin(), changes.end(), [](const RecordChange& c) { return !c.after; }));
}

std::vector<std::pair<std::string, std::string>> RepairPlan::stages() const {
    std::set<std::pair<std::string, std::string>> stages;
    for (const auto& change : changes)
        if (!change.key.chain.empty())
            stages.emplace(change.key.app(), change.key.stage());
    return {stages.begin(), stages.end()};
}

VersionStore versionStoreOf(const RepairSource& source) {
    return VersionStore(source.athanorHome());
}

RepairTransaction::RepairTransaction(RepairSource& source, const std::string& operation,
                                     const std::string& title,
                                     const std::vector<std::pair<std::string, std::string>>& stages,
                                     const std::string& undoes)
    : m_source(source) {
    // Sorted, so two repairs on overlapping stages take their locks in the same order.
    std::vector<std::pair<std::string, std::string>> sorted = stages;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<std::string> stageNames;
    for (const auto& [app, stage] : sorted) {
        m_locks.push_back(m_source.lockStage(app, stage, "repair " + operation,
                                             [this](const std::string& w) { m_warnings.push_back(w); }));
        stageNames.push_back(app + "/" + stage);
    }
    VersionStore::Begin begin;
    begin.kind = OperationKind::Repair;
    begin.operation = operation;
    begin.title = title;
    begin.stages = stageNames;
    begin.undoes = undoes;
    m_writer = VersionStore(m_source.athanorHome()).begin(begin);
}

RepairTransaction::~RepairTransaction() {
    if (!m_done) {
        try {
            m_writer->finish("stopped before it finished");
        } catch (const std::exception&) {
            // The records file still holds every before-image taken.
        }
    }
}

std::optional<std::string> RepairTransaction::keep(const RecordKey& key) {
    std::optional<std::string> text = m_source.readText(key);
    m_writer->before(key, text);
    return text;
}

void RepairTransaction::keep(const RecordKey& key, const std::optional<std::string>& before) {
    m_writer->before(key, before);
}

void RepairTransaction::sync() {
    m_writer->sync();
}

void RepairTransaction::write(const RecordKey& key, const std::string& text) {
    if (!m_writer->hasBefore(key))
        keep(key);
    m_source.writeText(key, text);
    m_writer->after(key, text);
}

void RepairTransaction::remove(const RecordKey& key) {
    if (!m_writer->hasBefore(key))
        keep(key);
    m_source.remove(key);
    m_writer->after(key, std::nullopt);
}

void RepairTransaction::noteAfter(const RecordKey& key) {
    m_writer->after(key, m_source.readText(key));
}

void RepairTransaction::finish() {
    m_done = true;
    m_writer->finish();
}

void RepairTransaction::fail(const std::string& error) {
    m_done = true;
    m_writer->finish(error);
}

RepairOutcome applyRepair(RepairSource& source, const RepairPlan& plan) {
    if (plan.empty())
        throw RepairError(plan.title + ": nothing to write");
    RepairTransaction tx(source, plan.operation, plan.title, plan.stages(), plan.undoes);
    // Under the locks: every record must still be what the preview showed.
    for (const auto& change : plan.changes) {
        const std::optional<std::string> now = source.readText(change.key);
        if (now != change.before) {
            const std::string message = change.key.path() + " changed since the preview (" +
                                        source.location(change.key) + "); nothing was written";
            tx.fail(message);
            throw RepairError(message);
        }
        tx.keep(change.key, change.before);
    }
    tx.sync();

    RepairOutcome outcome;
    outcome.operationId = tx.operationId();
    for (const auto& change : plan.changes) {
        try {
            if (change.after) {
                tx.write(change.key, *change.after);
                ++outcome.written;
            } else {
                tx.remove(change.key);
                ++outcome.removed;
            }
        } catch (const std::exception& e) {
            const size_t done = outcome.written + outcome.removed;
            const std::string message = "cannot write " + change.key.path() + ": " + e.what() + " (" +
                                        std::to_string(done) + " of " + std::to_string(plan.changes.size()) +
                                        " records were written; `athanorctl state undo` restores them)";
            tx.fail(message);
            throw RepairError(message);
        }
    }
    for (const auto& chain : plan.emptiedScopes)
        source.pruneEmptyScope(chain);
    tx.finish();
    outcome.warnings = tx.warnings();
    if (!plan.undoes.empty()) {
        try {
            versionStoreOf(source).markUndone(plan.undoes, outcome.operationId);
        } catch (const std::exception& e) {
            outcome.warnings.push_back(std::string("the undo was written, but ") + e.what());
        }
    }
    return outcome;
}

} // namespace athanor

#pragma once

#include "repair/RepairPlan.h"
#include "versions/RecordVersions.h"

#include <chrono>
#include <string>
#include <vector>

namespace athanor {

// `state undo`: the newest repair that was not undone yet, turned back: every record it wrote gets its
// before-image again (a record it created is removed). Runs are not undone as a whole (their real
// resources changed too): restore their records one by one. A record changed since that repair (by a run,
// another repair, Alchemy) refuses the undo, naming it, unless `force`.
RepairPlan planUndo(RepairSource& source, bool force);

// `state history FQN`: the versions kept of a record, newest first. The FQN may name a record that no
// longer exists (it was removed by a repair or a run).
struct RecordHistory {
    RecordKey key;
    std::vector<RecordVersion> versions;
};
RecordHistory recordHistory(RepairSource& source, const std::string& fqn);

// `state restore FQN VERSION`: the record as it was before operation VERSION (an id from `state history`,
// or a prefix naming one). Restoring "did not exist" removes the record.
RepairPlan planRestore(RepairSource& source, const std::string& fqn, const std::string& version);

// What one operation (a run's before-images, a repair) changed, per record in the order it first touched
// them: its before-image, and what came after it: the record's before-image in the next operation that
// touched it, else what the source holds now (nullopt: it does not exist). Throws RepairError for an unknown
// operation.
struct OperationChange {
    RecordKey key;
    std::optional<std::string> before;
    std::optional<std::string> after;
    bool current = false; // `after` is what the source holds now (no later operation touched the record)
};
std::vector<OperationChange> operationChanges(RepairSource& source, const std::string& operationId);

// The version-store operation of a run recorded in run history: kind Run, the same phase and stage, started
// within [startedAt, startedAt + duration] (give or take a second). Runs of one stage never overlap (the
// stage lock), so at most one matches. nullopt: the run changed no record (or its history was pruned).
std::optional<OperationInfo> runOperation(const VersionStore& versions, const std::string& phase,
                                          const std::string& app, const std::string& stage,
                                          std::chrono::system_clock::time_point startedAt,
                                          std::chrono::milliseconds duration);

// The operation a version id or prefix names among `versions`; RepairError when none or several.
const RecordVersion& findVersion(const RecordHistory& history, const std::string& version);

} // namespace athanor

#pragma once

#include "history/RecordVersions.h"
#include "repair/RepairPlan.h"

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

// The operation a version id or prefix names among `versions`; RepairError when none or several.
const RecordVersion& findVersion(const RecordHistory& history, const std::string& version);

} // namespace athanor

#pragma once

#include "repair/RepairPlan.h"
#include "state/ResourceStatus.h"

#include "json/Json.h"
#include <string>
#include <vector>

namespace athanor {

// The record-level repairs (issue 13): each plans what it will write and writes nothing; applyRepair() does.
// None touches a real resource; none writes a record it does not name in its plan.

// `state rm FQN…`: forget records. A record with nested records (a resource's nested resources, a scope's
// records, a stage's whole content) is refused unless `recursive`, which forgets those too.
RepairPlan planRemove(RepairSource& source, const std::vector<std::string>& fqns, bool recursive);

// `state mv FQN NEW_FQN`: a new id, or another scope. The record, its file name, its "id" and "fqn", the
// output's metadata (ResourceID, ResourceFQN) and every nested record (fqn and metadata under the new
// path) follow, so a resource renamed in code is neither deleted nor created again.
RepairPlan planMove(RepairSource& source, const std::string& fqn, const std::string& newFqn);

// `state set-status FQN created|updated`: settles a record left creating/updating as Alchemy's success write
// would (reference §2.4 C): fresh key order, no oldProps; an output that is only the placeholder written
// before the handler ran becomes the metadata envelope a handler returning nothing gives.
RepairPlan planSetStatus(RepairSource& source, const std::string& fqn, ResourceStatus status);

// `state pending list SCOPE_FQN`: the pendingDeletions of a scope's record (the stage's, a naked scope's or a
// resource's own record for what is nested under it, reference §2.6).
struct PendingEntry {
    size_t index = 0;
    std::string kind;
    std::string id;
    std::string fqn;
    Json entry;             // as stored: {"resource": <output envelope>, "oldProps": ...}
    bool corrupted = false; // no ID: Alchemy drops it without deleting anything
};
struct PendingDeletions {
    RecordKey scopeRecord;
    std::vector<PendingEntry> entries;
};
PendingDeletions listPendingDeletions(RepairSource& source, const std::string& scopeFqn);

// `state pending drop SCOPE_FQN INDEX`: forgets one entry (the replaced copy is not deleted).
RepairPlan planPendingDrop(RepairSource& source, const std::string& scopeFqn, size_t index);

// A record's document from its text; RepairError naming the record and its location when it does not parse.
Json parseRecordForRepair(RepairSource& source, const RecordKey& key, const std::string& text);

} // namespace athanor

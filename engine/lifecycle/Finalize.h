#pragma once

#include "lifecycle/DeclaredTree.h"
#include "lifecycle/StateDestroyer.h"

#include <vector>

namespace athanor {

// What up's finalize deletes (reference §7.10), queued by the same code for up and for plan, so that a plan
// lists exactly the deletions the run makes. Per declared scope: its pending deletions (and those of the
// resources applied in it), then its child scopes, then its orphans, highest seq first. Only the declared
// scopes are looked at: records of other stages in the root store are never orphans (Alchemy destroys them,
// §14.1). `running` (up): a failed scope deletes nothing, with a warning, and deferred functions run.
void queueFinalize(RunContext& run, DeclaredTree& tree, StateDestroyer& destroyer, bool running);

// The queued deletions as plan lines, in the order they start.
std::vector<PlannedChange> plannedDeletions(const StateDestroyer& destroyer);

// When some kinds have no provider, finalize deletes nothing (deleting the rest would leave a half-deleted
// stage): reports it as an error naming the kinds and the records they keep, adds the kinds to the report,
// and returns true. `plan`, when given, gets a "kept" line for every deletion that does not happen.
bool refuseUnknownKinds(RunContext& run, const StateDestroyer& destroyer, std::vector<PlannedChange>* plan);

} // namespace athanor

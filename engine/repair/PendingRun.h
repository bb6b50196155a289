#pragma once

#include "events/EngineEvent.h"
#include "providers/Provider.h"
#include "repair/RepairPlan.h"
#include "secrets/PasswordRing.h"

#include <memory>
#include <string>
#include <vector>

namespace athanor {

class ProviderRegistry;

struct PendingRunResult {
    bool succeeded = false;
    std::string operationId; // the repair in the version store (the scope record's before-image)
    std::vector<std::string> errors;
};

// `state pending run SCOPE_FQN INDEX`: deletes the replaced copy pendingDeletions[INDEX] through its
// provider now, as the next up's finalize would (reference §7.6), under the stage lock, and drops the entry
// once the provider deleted it. Events (cleanup / cleaned / failed) go to `events`. Throws RepairError for a
// bad index or an entry without an id, LockHeldError when a run holds the stage.
PendingRunResult runPendingDeletion(RepairSource& source, const std::string& scopeFqn, size_t index,
                                    const PasswordRing& passwords, EventSink& events,
                                    const CancellationToken& cancel,
                                    std::shared_ptr<ProviderRegistry> providers = nullptr);

} // namespace athanor

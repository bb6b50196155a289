#pragma once

#include "lifecycle/RunContext.h"
#include "stack/StackModel.h"

namespace athanor {

// The four phases, each on an already prepared RunContext (runPhase() does the preparation and locking).
void runUpPhase(RunContext& run, const StackFile& stack);
void runReadPhase(RunContext& run, const StackFile& stack, RunReport& report);
void runPlanPhase(RunContext& run, const StackFile& stack);
void runDestroyPhase(RunContext& run, const StackFile* stack);

} // namespace athanor

#pragma once

#include "lifecycle/RunContext.h"
#include "store/StateSource.h"

#include <optional>
#include <string>
#include <vector>

namespace athanor {

// Waves (TaskGraph::Waves): a parallel run whose writes are batched (Durability::Batched) writes the
// in-flight records (creating / updating / deleting) of up to kWaveSize resources with one sync before any
// of their changes starts, instead of one sync per resource. With --parallel 1 a run keeps Alchemy's exact
// sequence (each resource's in-flight record, its change, its result) and syncs each in-flight record alone.
inline constexpr size_t kWaveSize = 512;
// A destroy's first wave; each next one doubles up to kWaveSize (StateDestroyer::run).
inline constexpr size_t kFirstDestroyWave = 16;
bool usesWaves(const RunContext& run);

// Writes `writes` durably through the run's source (one sync for all on a folder); errors per write.
void writeInFlight(RunContext& run, std::vector<StateSource::InFlightWrite>& writes);
// Tells the run's source how many in-flight records the next writeInFlight() will write
// (StateSource::expectInFlightWrites).
void expectInFlightWrites(RunContext& run, size_t count);

// Writes the settled record that follows a change without waiting for it to be durable (see
// StateSource::writeSettled); `done` hears when it is. Without a source: written at once.
void writeSettled(RunContext& run, StateStore& store, const std::string& id, const StateRecord& record,
                  StateSource::SettledDone done);
// Every writeSettled() so far done (a wave boundary, the end of the changes).
void waitForSettledWrites(RunContext& run);

// Puts back a record a wave wrote for a change that never started (cancelled): its previous text, or no
// record at all when there was none.
void restoreRecord(StateStore& store, const std::string& id, const std::optional<std::string>& previousText);

} // namespace athanor

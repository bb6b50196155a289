#include "lifecycle/WaveWrites.h"

#include "store/FileSystemStateStore.h"

namespace athanor {

bool usesWaves(const RunContext& run) {
    return run.parallel() > 1 && run.settings->durability == Durability::Batched;
}

void writeInFlight(RunContext& run, std::vector<StateSource::InFlightWrite>& writes) {
    if (run.settings->source) {
        run.settings->source->writeInFlight(writes);
        return;
    }
    for (auto& write : writes) {
        try {
            write.store->set(write.id, *write.record);
        } catch (...) {
            write.error = std::current_exception();
        }
    }
}

void expectInFlightWrites(RunContext& run, size_t count) {
    if (run.settings->source)
        run.settings->source->expectInFlightWrites(count);
}

void writeSettled(RunContext& run, StateStore& store, const std::string& id, const StateRecord& record,
                  StateSource::SettledDone done) {
    if (run.settings->source) {
        run.settings->source->writeSettled(store, id, record, std::move(done));
        return;
    }
    std::exception_ptr error;
    try {
        store.set(id, record);
    } catch (...) {
        error = std::current_exception();
    }
    done(error);
}

void waitForSettledWrites(RunContext& run) {
    if (run.settings->source)
        run.settings->source->waitForSettledWrites();
}

void restoreRecord(StateStore& store, const std::string& id, const std::optional<std::string>& previousText) {
    if (!previousText) {
        store.remove(id);
    } else if (auto* files = dynamic_cast<FileSystemStateStore*>(&store)) {
        files->writeText(id, *previousText); // the exact bytes it had
    } else if (std::optional<StateRecord> record = store.parseRecord(id, *previousText)) {
        store.set(id, *record);
    }
}

} // namespace athanor

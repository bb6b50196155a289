#include "store/StateSource.h"

#include <stdexcept>

namespace athanor {

std::unique_ptr<StageLease> StateSource::lockStage(const std::string& app, const std::string& stage,
                                                   const std::string& operation,
                                                   const LockWarningSink& onWarning) {
    (void)operation;
    (void)onWarning;
    throw std::logic_error("stage " + app + "/" + stage + ": " + describe() +
                           " has no lock of its own (its stageLocking() is not Native)");
}

StageLockSupport StateSource::stageLockSupport() {
    if (stageLocking() != StageLocking::Unsupported)
        return {};
    return {false, describe() + ": it keeps no stage locks, so concurrent runs cannot be excluded there"};
}

std::optional<StageLockHolder> StateSource::stageLockHolder(const std::string&, const std::string&) {
    return std::nullopt; // overridden by every source that keeps locks
}

std::string StateSource::stageLockLocation(const std::string& app, const std::string& stage) const {
    return "stage " + app + "/" + stage + " of " + describe();
}

bool StateSource::breakStageLock(const std::string&, const std::string&, const StageLockHolder&) {
    return false;
}

void StateSource::writeInFlight(std::vector<InFlightWrite>& writes) {
    for (InFlightWrite& write : writes) {
        try {
            write.store->set(write.id, *write.record);
        } catch (...) {
            write.error = std::current_exception();
        }
    }
}

void StateSource::writeSettled(StateStore& store, const std::string& id, const StateRecord& record,
                               SettledDone done) {
    std::exception_ptr error;
    try {
        store.set(id, record);
    } catch (...) {
        error = std::current_exception();
    }
    done(error);
}

} // namespace athanor

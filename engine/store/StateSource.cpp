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

} // namespace athanor

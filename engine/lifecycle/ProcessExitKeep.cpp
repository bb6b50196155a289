#include "lifecycle/ProcessExitKeep.h"

#include <mutex>
#include <vector>

namespace athanor {

namespace {

struct Kept {
    std::mutex mutex;
    std::vector<std::shared_ptr<const void>> structures;
};

// Never destroyed, so neither is anything in it: static destructors at exit do not walk it either.
Kept& kept() {
    static Kept* const instance = new Kept;
    return *instance;
}

} // namespace

void keepUntilProcessExit(std::shared_ptr<const void> structure) {
    if (!structure)
        return;
    Kept& k = kept();
    std::lock_guard lock(k.mutex);
    k.structures.push_back(std::move(structure));
}

size_t keptUntilProcessExitCount() {
    Kept& k = kept();
    std::lock_guard lock(k.mutex);
    return k.structures.size();
}

} // namespace athanor

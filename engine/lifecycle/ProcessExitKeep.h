#pragma once

#include <cstddef>
#include <memory>

namespace athanor {

// Large structures a run is done with, handed over when the process ends right after the run (athanorctl:
// RunOptions::processEndsAfterRun) instead of being freed object by object: freeing a 10,000-resource stack
// file and declared tree costs ~10 % of a no-change `up`, and the kernel takes the whole heap back at exit
// anyway. Only structures that own no file, lock or thread belong here (they are never destroyed: nothing
// they hold is flushed or released). They stay reachable (a leak checker does not report them).
void keepUntilProcessExit(std::shared_ptr<const void> structure);

// How many structures were handed over so far in this process (tests).
size_t keptUntilProcessExitCount();

} // namespace athanor

#pragma once

#include "lifecycle/Phase.h"

#include <string>
#include <vector>

namespace athanor::cli {

// `athanorctl up|read|destroy|plan [STACKFILE] [options]`; returns the exit code:
// 0 success, 1 the run failed, 2 usage, 3 the stage is locked by another run, 130 cancelled (Ctrl-C).
int runRunCommand(Phase phase, const std::vector<std::string>& args);
extern const char* const kRunUsage;

} // namespace athanor::cli

#pragma once

#include <string>
#include <vector>

namespace athanor::cli {

// `athanorctl state <tree|list|get|check|migrate> ...`; returns the exit code.
int runStateCommand(const std::vector<std::string>& args);
extern const char* const kStateUsage;

} // namespace athanor::cli

#pragma once

#include <string>
#include <vector>

namespace athanor::cli {

// `athanorctl runs ...`: the run history a source's runs left (history/RunHistory.h), and how much of it is
// kept; returns the exit code.
int runRunsCommand(const std::vector<std::string>& args);
extern const char* const kRunsUsage;

} // namespace athanor::cli

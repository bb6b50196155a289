#pragma once

#include <string>
#include <vector>

namespace athanor::cli {

// `athanorctl state rm|mv|set-status|pending|edit|export|import|unlock|rekey|undo|history|restore ...`:
// the repairs of engine/repair. Each shows what it will write, asks (or takes --yes), and keeps the
// previous bytes of every record it writes in the version store. Returns the exit code.
bool isRepairCommand(const std::string& subcommand);
int runRepairCommand(const std::string& subcommand, const std::vector<std::string>& args);
extern const char* const kRepairUsage;

} // namespace athanor::cli

#pragma once

#include "repair/RepairPlan.h"

#include <string>
#include <vector>

namespace athanor {

// The changes a write makes to one record, as short lines ("~ /status: "creating" -> "created"",
// "- /oldProps", "+ /props/size: 3"). Values inside a secret are never shown: a changed ciphertext is
// "~ /props/key: secret re-encrypted". Key order alone is not a change. At most `limit` lines (the last says
// how many more there are). Empty when either side is missing or does not parse.
std::vector<std::string> recordDiffLines(const std::string& before, const std::string& after,
                                         size_t limit = 20);

// What a plan will write, as the CLI prints it before asking (and the GUI shows under "Details"):
//   rm shop/dev/site and 2 nested records
//     remove  shop/dev/site/child   forgotten (nested in shop/dev/site)
//     write   shop/dev/x            status creating -> created; oldProps dropped
//               ~ /status: "creating" -> "created"
//   note: ...
std::string previewText(const RepairPlan& plan, bool withDiffs = true);

} // namespace athanor

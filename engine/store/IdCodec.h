#pragma once

#include <string>
#include <string_view>

namespace athanor {

// Resource and scope ids <-> file names, as Alchemy's file store maps them on POSIX: every '/' becomes ':'
// and ".json" is appended; '*' and '.' are kept.

// Empty when `id` is acceptable, otherwise the reason. Refused: empty ids, ':' (Alchemy's own rule), NUL,
// absolute paths, and "." / ".." segments (a nested resource's folder is the id split on '/', so such a
// segment would leave the scope folder).
std::string idProblem(std::string_view id);
// Throws StoreError("invalid resource id \"...\": <reason>") when idProblem() is not empty.
void requireValidId(std::string_view id, std::string_view what = "resource id");

std::string idToFileName(std::string_view id);       // "routes/api/v1" -> "routes:api:v1.json"
std::string fileNameToId(std::string_view fileName); // the reverse; ".json" must be present
bool isRecordFileName(std::string_view fileName);    // regular state file name (not hidden, ends in .json)

} // namespace athanor

#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Resource and scope ids <-> file names, as Alchemy's file store maps them on POSIX: every '/' becomes ':'
// and ".json" is appended; '*' and '.' are kept. Alchemy then builds the path with its path library (pathe),
// which turns every '\' into '/': a '\' in an id or a scope name is a folder separator, so the id
// "back\slash" is stored at <scope>/back/slash.json and read back from there (observed with alchemy@0.94.0).

// Empty when `id` is acceptable, otherwise the reason. Refused: empty ids, ':' (Alchemy's own rule), NUL,
// absolute paths, "." / ".." segments between '/' or '\' (a nested resource's folder is the id split on '/'
// and '\', so such a segment would leave the scope folder), and empty segments next to a '\' (pathe would
// merge them: "a\\b" would share the file of "a\b").
std::string idProblem(std::string_view id);
// Throws StoreError("invalid resource id \"...\": <reason>") when idProblem() is not empty.
void requireValidId(std::string_view id, std::string_view what = "resource id");

std::string idToFileName(std::string_view id);       // "routes/api/v1" -> "routes:api:v1.json"
std::string fileNameToId(std::string_view fileName); // the reverse; ".json" must be present
bool isRecordFileName(std::string_view fileName);    // regular state file name (not hidden, ends in .json)

// Where Alchemy keeps a record, relative to its scope's folder: idToFileName() with every '\' as '/'
// ("back\slash" -> "back/slash.json"; "routes/api" -> "routes:api.json").
std::string idToRecordPath(std::string_view id);
// A scope's folder relative to .alchemy: the chain joined by '/', every '\' as '/' (["shop", "dev"] ->
// "shop/dev").
std::string scopeFolderPath(const std::vector<std::string>& chain);
// The record `id` of the scope `chain`, relative to .alchemy ("shop/dev/back/slash.json").
std::string recordPath(const std::vector<std::string>& chain, std::string_view id);

} // namespace athanor

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::s3 {

// Alchemy's S3 key scheme (reference §6.8-6.9): a scope's objects live under
// `<prefix><chain joined by '/'>/`, a record is `<that><id with every '/' as ':'>`, no extension.
std::string scopePrefix(const std::string& prefix, const std::vector<std::string>& chain);
std::string objectKey(const std::string& prefix, const std::vector<std::string>& chain,
                      const std::string& id);

// Where a listed key belongs. S3 lists a prefix recursively (no delimiter), so listing a stage also returns
// the objects of nested scopes (`<stage>/assets/img`), which Alchemy 0.94 mistakes for records of the stage
// (hazard §14.4). A key below `prefix` is split at its '/': every part but the last is the chain, the last
// is the id (':' back to '/'). nullopt for a key outside `prefix`, an empty part, or no chain.
struct PlacedKey {
    std::vector<std::string> chain;
    std::string id;
};
std::optional<PlacedKey> placeKey(const std::string& prefix, std::string_view key);

} // namespace athanor::s3

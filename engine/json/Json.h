#pragma once

#include <nlohmann/json.hpp>

namespace athanor {

// Insertion-ordered so that a record read from disk keeps the key order Alchemy wrote
// (byte-for-byte round trips depend on it).
using Json = nlohmann::ordered_json;

} // namespace athanor

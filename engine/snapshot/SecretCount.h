#pragma once

#include "json/Json.h"
#include <cstdint>
#include <simdjson.h>

namespace athanor {

// How many "@secret" tags a record value holds (what the snapshot shows as a record's secrets), for either
// parsed form. Without recursion: a deeply nested value cannot exhaust the stack.
uint32_t countSecretTags(simdjson::dom::element root);
uint32_t countSecretTags(const Json& root);

} // namespace athanor

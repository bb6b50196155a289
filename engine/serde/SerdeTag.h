#pragma once

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Alchemy's serde tags (reference §3): single-purpose objects such as {"@date": "..."} that stand for a
// value JSON cannot hold. `@resource` is the documented reference to another resource by FQN.
enum class SerdeTag { None, Secret, Schema, Date, Symbol, Scope, Buffer, Resource, Unknown };

// Classifies an object node in deserialize's order (@secret first, and only when truthy). Objects that carry
// an unknown "@..." key and nothing else are SerdeTag::Unknown; ordinary objects are SerdeTag::None.
SerdeTag serdeTagOf(const Json& node);
std::string_view serdeTagKey(SerdeTag tag); // "@secret", ... ("" for None/Unknown)

// A symbol written as "Symbol(alchemy::ResourceKind)": returns the description, or "" when `key` is not one.
std::string_view symbolDescription(std::string_view key);

// Whether an @date's text is what Date.prototype.toISOString writes ([+-]?YYYY(YY)?-MM-DDTHH:MM:SS(.f)?Z).
bool isIsoTimestamp(std::string_view text);

struct SerdeIssue {
    std::string pointer; // RFC 6901 pointer into the record
    std::string message;
};

// Malformed or unknown tags in a serialized document (what `state check` reports): unknown "@" tags,
// an @date that is not an ISO-8601 string, an @buffer Alchemy cannot read, an @resource that is not an FQN,
// ...
std::vector<SerdeIssue> findSerdeIssues(const Json& document);

} // namespace athanor

#pragma once

#include "state/StateRecord.h"

#include "json/Json.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::sqlite {

// A record as Alchemy's `resources` row holds it: text columns, `seq` a number, the JSON columns compact
// JSON (JSON.stringify) of the serialized values, NULL for an absent props / oldProps.
struct RecordColumns {
    std::string id, status, kind, fqn;
    Json seq;
    std::string data;
    std::optional<std::string> props, oldProps;
    std::string output;

    // A hash of every column: the row as Athanor wrote it, to know later that nobody rewrote it since.
    std::string fingerprint() const;
};

// The compact JSON of a chain, exactly as Alchemy's `scope` column holds it: ["shop","dev"].
std::string scopeText(const std::vector<std::string>& chain);
// The chain of a `scope` column; nullopt with `problem` set when it is not a JSON array of strings.
std::optional<std::vector<std::string>> parseScope(std::string_view text, std::string& problem);

// Splits a serialized record into columns. Throws StoreError saying what keeps it out of Alchemy's table:
// a required field missing or of the wrong type (kind, id, fqn, seq, status, data, output), or a field that
// has no column (the older "provider" shape, anything else).
RecordColumns toColumns(const StateRecord& record);

// The record a row holds, with its top-level keys in `keyOrder` when given (the order Athanor recorded when
// it wrote the row) and otherwise in the order Alchemy's SQL store gives them (`get`: id, status, kind, fqn,
// seq, data, props, oldProps, output). Throws JsonParseError naming the column that does not parse.
Json fromColumns(const RecordColumns& columns, const std::vector<std::string>* keyOrder);

// The recorded key order when it still applies: same fingerprint and exactly the fields the row has.
std::optional<std::vector<std::string>>
usableKeyOrder(const RecordColumns& columns, std::string_view keysText, std::string_view fingerprint);

} // namespace athanor::sqlite

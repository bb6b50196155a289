#pragma once

#include "state/ResourceStatus.h"

#include "json/Json.h"
#include <cstdint>
#include <string>
#include <string_view>

namespace athanor {

// The on-disk key strings of Alchemy's Symbol.for("alchemy::...") metadata (reference §2.2).
namespace symbol_keys {
inline constexpr const char* kKind = "Symbol(alchemy::ResourceKind)";
inline constexpr const char* kId = "Symbol(alchemy::ResourceID)";
inline constexpr const char* kFqn = "Symbol(alchemy::ResourceFQN)";
inline constexpr const char* kScope = "Symbol(alchemy::ResourceScope)";
inline constexpr const char* kSeq = "Symbol(alchemy::ResourceSeq)";
inline constexpr const char* kDestroyStrategy = "Symbol(alchemy::DestroyStrategy)";
} // namespace symbol_keys

// Who a record describes: the fields every record kind starts with.
struct RecordIdentity {
    std::string kind;
    std::string id;
    std::string fqn;
    int64_t seq = 0;
};

// Builders for each kind of record write, with the exact key orders Alchemy 0.94.0 produces (reference §2.4),
// so a record Athanor writes is byte-identical to the one Alchemy would have written.
namespace records {

// (A) first sight of a new resource: kind, id, fqn, seq, status "creating", data {}, output (placeholder),
// props {}.
Json placeholder(const RecordIdentity& who);

// (B) the pre-handler write, in place on the record as read (or as built by placeholder()): status and props
// overwritten where they are, oldProps = the previous props, appended at the end when new.
void markInFlight(Json& record, ResourceStatus status, Json props);

// (C) a successful apply, as a fresh object: kind, id, fqn, seq, data, status, output, props.
Json success(const RecordIdentity& who, Json data, ResourceStatus status, Json output, Json props);

// (D) a naked scope's record (alchemy.run): kind, id, seq, data, fqn "", props {}, status "created", output.
Json nakedScope(const std::string& id, int64_t seq);

// (E) the stage's own record in the root store: kind, id, fqn, seq, status, data, output, props.
Json stageScope(const std::string& stage, const std::string& fqn, int64_t seq, int64_t outputSeq);

// The placeholder output: ID, FQN, Kind, Scope, Seq, DestroyStrategy.
Json placeholderOutput(const RecordIdentity& who, std::string_view destroyStrategy = "sequential");

// True for an output that is only a placeholder envelope (no handler has produced an output yet).
bool isPlaceholderOutput(const Json& output);

// The output of a successful apply: the handler's symbol keys where they are with the five metadata symbols
// (Kind, ID, FQN, Scope, Seq) set or appended, then the handler's other keys in its order. (JSON text puts
// array-index keys first on its own.)
Json envelope(const Json& handlerOutput, const RecordIdentity& who);

// The string at object[key]; empty when absent or not a string.
std::string stringField(const Json& object, const char* key);

// A copy of an output without its "Symbol(...)" keys.
Json withoutSymbols(const Json& output);

} // namespace records
} // namespace athanor

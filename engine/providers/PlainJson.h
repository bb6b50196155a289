#pragma once

#include "serde/PlainForms.h" // isPlainSecret, canonicalText, containsPlainSecrets

#include "json/Json.h"
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace athanor {

// Helpers for values in "plain" form (architecture.md): a secret is {"@secret": <plaintext string or JSON>}.

// {"@secret": plaintext}
Json wrapSecret(Json plaintext);
// A copy with every {"@secret": v} replaced by v, at any depth: what a command or a file gets.
Json unwrapSecrets(const Json& value);
// A copy with every secret, wrapper included, replaced by the string `mask` (for printing).
Json maskSecrets(const Json& value, std::string_view mask = "\u2022\u2022\u2022\u2022\u2022\u2022");
// An output without the engine's envelope keys ("Symbol(alchemy::ResourceKind)", ...): handlers that return
// their previous output unchanged must not return the envelope, the engine adds a fresh one.
Json withoutEnvelope(const Json& output);
// The same two, taking the value apart instead of copying it (athanorctl read prints 10,000 outputs).
Json maskSecrets(Json&& value, std::string_view mask = "\u2022\u2022\u2022\u2022\u2022\u2022");
Json withoutEnvelope(Json&& output);

// The member `key` of `object`, or nullptr when absent, null or `object` is not an object (JS `props.key
// ??`).
const Json* findMember(const Json& object, std::string_view key);

// Typed prop readers for handlers. `kind` names the provider in errors, e.g.
//   fs::File: prop "content" must be a string (got number)
// A missing (or null) prop yields nullopt / the fallback. Strings may be secrets when `allowSecret` is true.
std::optional<std::string> optionalStringProp(const Json& props, std::string_view key, std::string_view kind,
                                              bool allowSecret = false);
std::string requiredStringProp(const Json& props, std::string_view key, std::string_view kind,
                               bool allowSecret = false);
bool boolProp(const Json& props, std::string_view key, bool fallback, std::string_view kind);
// A JSON type name for messages: "string", "number", "object", ...
std::string_view jsonTypeName(const Json& value);

// `path` as written in props, resolved against `base` when relative (Alchemy resolves against the process
// working directory; Athanor uses the stack file's folder so a run does not depend on where it was started).
std::filesystem::path resolveAgainst(const std::filesystem::path& base, const std::string& path);

// Milliseconds since the Unix epoch (JS Date.now()).
long long epochMilliseconds();

} // namespace athanor

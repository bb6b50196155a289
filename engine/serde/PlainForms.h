#pragma once

#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"

#include "json/Json.h"
#include <string>
#include <string_view>

namespace athanor {

// Conversions between the two forms of a record value (docs/architecture.md, "Forms of a record"):
//   serialized  as on disk: a secret is {"@secret": <encrypted tag value>}
//   plain       in memory during a run: a secret is {"@secret": <plaintext string | parsed JSON value>},
//               Alchemy's own comparison form (serialize with encrypt:false, reference §3.1 and §7.2).
// Objects tagged @schema/@date/@symbol/@scope/@buffer are leaves in both directions, as in Alchemy.

// A plain-form secret: an object whose only key is "@secret", with a non-null value.
bool isPlainSecret(const Json& node);

// True when a serialized value holds at least one (truthy) "@secret" object. Cheap: no crypto.
bool containsSealedSecrets(const Json& serialized);
// True when a plain value holds at least one plain-form secret.
bool containsPlainSecrets(const Json& plain);

// Decrypts every secret of a serialized value, keeping the "@secret" wrapper. Values without secrets are
// returned as they are (no crypto). Throws SecretError naming `recordName` and the secret's JSON pointer,
// e.g.
//   "cannot decrypt secret /output/value of shop/dev/session-key: wrong password (tried 1 password)".
Json openSecrets(const Json& serialized, const PasswordRing& passwords, std::string_view recordName);
// The same for a value the caller gives up: without secrets it is moved, not copied.
Json openSecrets(Json&& serialized, const PasswordRing& passwords, std::string_view recordName);

// Encrypts every plain-form secret with `password` (a fresh salt and IV each, Alchemy's v1 format). Values
// without secrets need no password. Throws SecretError(NoPassword) when a secret meets an empty password.
Json sealSecrets(const Json& plain, const SecureString& password);

// The compact JSON.stringify text of a plain value with JavaScript's key order (array-index keys first,
// then "Symbol(...)" keys, then the rest in insertion order): the text Alchemy compares to decide that props
// are unchanged (reference §7.2 `canon`).
std::string canonicalText(const Json& plain);

// A copy of a plain value with every secret's plaintext replaced by `mask` (for plan diffs and logs).
Json maskPlainSecrets(const Json& plain, const Json& mask);

} // namespace athanor

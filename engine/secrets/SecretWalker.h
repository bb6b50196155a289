#pragma once

#include "secrets/PasswordRing.h"
#include "secrets/SecretCipher.h"

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

struct SecretSite {
    std::string pointer; // RFC 6901 JSON pointer, e.g. "/props/list/0"
    SecretFormat format;
};

// True for an object whose "@secret" key is present and truthy in the JavaScript sense (not null, false, 0 or
// ""): exactly the objects Alchemy's deserialize() decrypts.
bool hasSecretTag(const Json& value);

// Every secret of a serialized record document, in document order. The walk follows Alchemy's deserialize():
// a secret object is a leaf, and objects tagged "@schema", "@date", "@symbol", "@scope" or "@buffer" are
// returned by Alchemy as they are, so nothing inside them is a secret. Throws SecretError(Malformed), naming
// the pointer, for a secret whose shape can never decrypt.
std::vector<SecretSite> findSecrets(const Json& document);

// A copy of `document` where each secret object is replaced by its plaintext: a JSON string for string
// secrets, the parsed JSON value for data secrets. Invalid UTF-8 in a plaintext becomes U+FFFD, as Node's
// Buffer.toString("utf8") does. Throws SecretError naming the record and the secret, e.g.
//   "cannot decrypt secret /output/value of shop/dev/session-key: wrong password (tried 2 passwords)"
Json revealSecrets(const Json& document, const PasswordRing& passwords, std::string_view recordName);

// Like revealSecrets but never throws for a missing or wrong password: such secrets stay as they are and are
// listed in `locked`. Secrets that can never decrypt (malformed tag, data that is not JSON) also stay as they
// are and get a message in `errors`.
struct RevealReport {
    Json document;
    std::vector<SecretSite> locked;
    std::vector<std::string> errors;
};
RevealReport revealSecretsPartially(const Json& document, const PasswordRing& passwords,
                                    std::string_view recordName);

} // namespace athanor

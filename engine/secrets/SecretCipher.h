#pragma once

#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"

#include "json/Json.h"
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace athanor {

// The four shapes an "@secret" tag value takes on disk (reference §4.4):
//   V1String      {"version":"v1","ciphertext":…,"iv":…,"salt":…,"tag":…}   scrypt + AES-256-GCM
//   V1Object      {"data": {v1}}                                           plaintext is JSON text
//   LegacyString  "<base64 nonce‖secretbox>"                               BLAKE2b key + XSalsa20-Poly1305
//   LegacyObject  {"data": "<legacy base64>"}                              plaintext is JSON text
enum class SecretFormat { V1String, V1Object, LegacyString, LegacyObject };

// Whether the plaintext of this format is JSON text (a non-string secret) rather than the string itself.
constexpr bool isDataFormat(SecretFormat format) {
    return format == SecretFormat::V1Object || format == SecretFormat::LegacyObject;
}

struct SecretError : std::runtime_error {
    enum class Reason { WrongPassword, Malformed, NoPassword };
    SecretError(Reason r, const std::string& message) : std::runtime_error(message), reason(r) {}
    Reason reason;
};

struct DecryptedSecret {
    SecureString plaintext; // UTF-8 text as stored; JSON text for the data forms
    SecretFormat format;
    size_t passwordIndex; // index in the ring of the password that opened it
};

// Opens the value of an "@secret" key, trying each password of the ring in order. Like Alchemy, an object
// with a "data" key is the non-string form whatever else it holds; a v1 object may omit "version" (older
// Alchemy did not write it) but any other version is rejected. Throws SecretError: Malformed for shapes or
// base64 that can never decrypt, NoPassword when the ring is empty, WrongPassword when no password opens it
// (which includes a ciphertext damaged after it was written: AEAD cannot tell the two apart).
DecryptedSecret decryptSecretTag(const Json& tagValue, const PasswordRing& passwords);

// Classifies a tag value by shape alone (no base64 decoding, no crypto). Throws SecretError(Malformed).
SecretFormat secretFormatOf(const Json& tagValue);

// Alchemy's current write format with a fresh 16-byte salt and 12-byte IV on every call. The keys are exactly
// version("v1"), ciphertext, iv, salt, tag, in that order. Throws SecretError(NoPassword) for an empty
// password.
Json encryptV1(std::string_view plaintext, const SecureString& password);

// The whole "@secret" tag value for a plaintext value: a string becomes a v1 object, anything else becomes
// {"data": v1 of its compact JSON.stringify text}.
Json sealSecretValue(const Json& plaintextValue, const SecureString& password);

// AES-256-GCM implementation. libsodium's is faster but exists only on CPUs with AES-NI and PCLMUL; OpenSSL's
// EVP works everywhere. Both give identical bytes. Auto picks libsodium when available; asking for libsodium
// on a CPU without it falls back to OpenSSL.
enum class AesGcmBackend { Auto, Libsodium, OpenSsl };
void setAesGcmBackend(AesGcmBackend backend);
AesGcmBackend activeAesGcmBackend(); // Libsodium or OpenSsl: the one really used

} // namespace athanor

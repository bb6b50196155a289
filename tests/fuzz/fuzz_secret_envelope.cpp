// Secret envelopes ("@secret" tag values): any shape is classified or refused with SecretError(Malformed),
// decryption ends in plaintext or a clean SecretError, and the walkers that find and reveal secrets in a
// record never fail otherwise. The first input byte picks the password ring: empty, the fixtures' password,
// or a wrong one (scrypt is slow, so most inputs stop before it).
#include "FuzzSupport.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"

#include "json/JsonParse.h"

using namespace athanor;

namespace {

PasswordRing ringFor(uint8_t selector) {
    PasswordRing ring;
    switch (selector % 8) {
    case 1:
        ring.add(SecureString("correct horse battery staple")); // the real fixtures' password
        break;
    case 2:
        ring.add(SecureString("wrong password"));
        break;
    default:
        break; // no password: everything before the key derivation still runs
    }
    return ring;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    Json tag;
    try {
        tag = parseJsonText(fuzz::textOf(data + 1, size - 1));
    } catch (const JsonParseError&) {
        return 0;
    }
    const PasswordRing ring = ringFor(data[0]);
    try {
        secretFormatOf(tag);
    } catch (const SecretError& e) {
        if (e.reason != SecretError::Reason::Malformed)
            fuzz::fail("secretFormatOf refuses only as Malformed", e.what(), "");
    }
    try {
        const DecryptedSecret secret = decryptSecretTag(tag, ring);
        (void)secret.plaintext.size();
    } catch (const SecretError&) {
    }

    // The same value inside a record, through the walkers.
    Json record = Json::object();
    record["props"] = Json::object();
    record["props"]["value"] = Json::object();
    record["props"]["value"]["@secret"] = tag;
    record["props"]["list"] = Json::array({record["props"]["value"], tag});
    const RevealReport report = revealSecretsPartially(record, ring, "app/dev/fuzz");
    (void)report;
    try {
        findSecrets(record);
        openSecrets(record, ring, "app/dev/fuzz");
    } catch (const SecretError&) {
    }
    return 0;
}

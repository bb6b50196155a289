#include "secrets/SecretCipher.h"

#include "secrets/Base64.h"
#include "secrets/OpenSslLibrary.h"

#include "json/JsJsonText.h"
#include "json/Utf8.h"
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <sodium.h>
#include <vector>

namespace athanor {

namespace {

// Alchemy's fixed parameters (src/encrypt.ts); the format stores none of them.
constexpr size_t kKeyBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kIvBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr unsigned long long kScryptN = 16384;
constexpr uint32_t kScryptR = 8;
constexpr uint32_t kScryptP = 1;

using Bytes = std::vector<unsigned char>;

std::atomic<AesGcmBackend> g_requestedBackend{AesGcmBackend::Auto};

void ensureSodium() {
    // Function-local static: initialised exactly once even when worker threads race here.
    static const bool ok = sodium_init() >= 0;
    if (!ok)
        throw std::runtime_error("libsodium failed to initialise");
}

// A derived key that is wiped however the scope is left (return, wrong password, exception).
struct KeyBuffer {
    unsigned char bytes[kKeyBytes] = {};
    KeyBuffer() = default;
    KeyBuffer(const KeyBuffer&) = delete;
    KeyBuffer& operator=(const KeyBuffer&) = delete;
    ~KeyBuffer() { sodium_memzero(bytes, sizeof bytes); }
};

[[noreturn]] void malformed(const std::string& detail) {
    throw SecretError(SecretError::Reason::Malformed, "malformed secret: " + detail);
}

const char* jsonTypeName(const Json& value) {
    if (value.is_array())
        return "an array";
    if (value.is_number())
        return "a number";
    if (value.is_boolean())
        return "a boolean";
    if (value.is_null())
        return "null";
    if (value.is_string())
        return "a string";
    return "an object";
}

// A value quoted in a message as JSON text. stringifyJs, not dump(): dump() throws on a lone surrogate
// ("\udead" is WTF-8 once parsed), which would turn a malformed secret into a raw type_error.
std::string shownValue(const Json& value) {
    constexpr size_t kMaxShown = 60;
    std::string text = stringifyJs(value, 0);
    if (text.size() > kMaxShown)
        text = toWellFormedUtf8(text.substr(0, kMaxShown)) + "..."; // a cut UTF-8 sequence becomes U+FFFD
    return text;
}

void deriveScryptKey(const SecureString& password, const Bytes& salt, KeyBuffer& key) {
    // The low-level entry point accepts Alchemy's 16-byte salt (the high-level one insists on 32) and gives
    // the same key as Node's crypto.scrypt with N=16384, r=8, p=1.
    if (crypto_pwhash_scryptsalsa208sha256_ll(password.data(), password.size(), salt.data(), salt.size(),
                                              kScryptN, kScryptR, kScryptP, key.bytes, kKeyBytes) != 0)
        throw std::runtime_error("scrypt key derivation failed (out of memory?)");
}

// --- AES-256-GCM -----------------------------------------------------------------------------------------

bool libsodiumAvailable() {
    ensureSodium();
    return crypto_aead_aes256gcm_is_available() != 0;
}

struct EvpCtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { openSslLibrary().EVP_CIPHER_CTX_free(ctx); }
};
using EvpCtx = std::unique_ptr<EVP_CIPHER_CTX, EvpCtxDeleter>;

EvpCtx newEvpCtx() {
    EvpCtx ctx(openSslLibrary().EVP_CIPHER_CTX_new());
    if (!ctx)
        throw std::runtime_error("OpenSSL: cannot allocate a cipher context");
    return ctx;
}

int toInt(size_t n) {
    if (n > static_cast<size_t>(INT32_MAX))
        throw std::runtime_error("secret too large for OpenSSL");
    return static_cast<int>(n);
}

void opensslEncrypt(const KeyBuffer& key, const Bytes& iv, std::string_view plaintext, Bytes& ciphertext,
                    Bytes& tag) {
    const OpenSslLibrary& ssl = openSslLibrary();
    EvpCtx ctx = newEvpCtx();
    ciphertext.assign(plaintext.size() + 16, 0); // GCM never expands, the slack keeps data() valid when empty
    tag.assign(kTagBytes, 0);
    int len = 0;
    int total = 0;
    const unsigned char dummy = 0;
    const auto* in = plaintext.empty() ? &dummy : reinterpret_cast<const unsigned char*>(plaintext.data());
    if (ssl.EVP_EncryptInit_ex(ctx.get(), ssl.EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        ssl.EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, toInt(iv.size()), nullptr) != 1 ||
        ssl.EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes, iv.data()) != 1 ||
        ssl.EVP_EncryptUpdate(ctx.get(), ciphertext.data(), &len, in, toInt(plaintext.size())) != 1)
        throw std::runtime_error("OpenSSL: AES-256-GCM encryption failed");
    total = len;
    if (ssl.EVP_EncryptFinal_ex(ctx.get(), ciphertext.data() + total, &len) != 1 ||
        ssl.EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, toInt(kTagBytes), tag.data()) != 1)
        throw std::runtime_error("OpenSSL: AES-256-GCM encryption failed");
    total += len;
    ciphertext.resize(static_cast<size_t>(total));
}

std::optional<SecureString> opensslDecrypt(const KeyBuffer& key, const Bytes& iv, const Bytes& ciphertext,
                                           const Bytes& tag) {
    const OpenSslLibrary& ssl = openSslLibrary();
    EvpCtx ctx = newEvpCtx();
    // One spare byte so mutableData() is non-null for an empty plaintext; trimmed below.
    SecureString out = SecureString::zeroed(ciphertext.size() + 1);
    Bytes tagCopy = tag; // SET_TAG takes a non-const pointer
    const unsigned char dummy = 0;
    const unsigned char* in = ciphertext.empty() ? &dummy : ciphertext.data();
    int len = 0;
    if (ssl.EVP_DecryptInit_ex(ctx.get(), ssl.EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        ssl.EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, toInt(iv.size()), nullptr) != 1 ||
        ssl.EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes, iv.data()) != 1 ||
        ssl.EVP_DecryptUpdate(ctx.get(), out.mutableData(), &len, in, toInt(ciphertext.size())) != 1 ||
        ssl.EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, toInt(tagCopy.size()), tagCopy.data()) != 1)
        throw std::runtime_error("OpenSSL: AES-256-GCM decryption failed");
    int finalLen = 0;
    if (ssl.EVP_DecryptFinal_ex(ctx.get(), out.mutableData() + len, &finalLen) != 1)
        return std::nullopt; // authentication failed: wrong key (or tampered data)
    return SecureString::fromBytes(out.data(), static_cast<size_t>(len + finalLen));
}

void libsodiumEncrypt(const KeyBuffer& key, const Bytes& iv, std::string_view plaintext, Bytes& ciphertext,
                      Bytes& tag) {
    // libsodium appends the tag to the ciphertext; Alchemy stores them as separate fields.
    Bytes combined(plaintext.size() + crypto_aead_aes256gcm_ABYTES);
    unsigned long long combinedLen = 0;
    const unsigned char dummy = 0;
    const auto* in = plaintext.empty() ? &dummy : reinterpret_cast<const unsigned char*>(plaintext.data());
    if (crypto_aead_aes256gcm_encrypt(combined.data(), &combinedLen, in, plaintext.size(), nullptr, 0,
                                      nullptr, iv.data(), key.bytes) != 0)
        throw std::runtime_error("libsodium: AES-256-GCM encryption failed");
    const size_t ctLen = static_cast<size_t>(combinedLen) - kTagBytes;
    ciphertext.assign(combined.begin(), combined.begin() + static_cast<std::ptrdiff_t>(ctLen));
    tag.assign(combined.begin() + static_cast<std::ptrdiff_t>(ctLen), combined.end());
}

std::optional<SecureString> libsodiumDecrypt(const KeyBuffer& key, const Bytes& iv, const Bytes& ciphertext,
                                             const Bytes& tag) {
    Bytes combined;
    combined.reserve(ciphertext.size() + tag.size());
    combined.insert(combined.end(), ciphertext.begin(), ciphertext.end());
    combined.insert(combined.end(), tag.begin(), tag.end());
    SecureString out = SecureString::zeroed(ciphertext.size() + 1); // +1: non-null even when empty
    unsigned long long outLen = 0;
    if (crypto_aead_aes256gcm_decrypt(out.mutableData(), &outLen, nullptr, combined.data(), combined.size(),
                                      nullptr, 0, iv.data(), key.bytes) != 0)
        return std::nullopt;
    return SecureString::fromBytes(out.data(), static_cast<size_t>(outLen));
}

void aesGcmEncrypt(const KeyBuffer& key, const Bytes& iv, std::string_view plaintext, Bytes& ciphertext,
                   Bytes& tag) {
    if (activeAesGcmBackend() == AesGcmBackend::Libsodium)
        libsodiumEncrypt(key, iv, plaintext, ciphertext, tag);
    else
        opensslEncrypt(key, iv, plaintext, ciphertext, tag);
}

std::optional<SecureString> aesGcmDecrypt(const KeyBuffer& key, const Bytes& iv, const Bytes& ciphertext,
                                          const Bytes& tag) {
    if (activeAesGcmBackend() == AesGcmBackend::Libsodium)
        return libsodiumDecrypt(key, iv, ciphertext, tag);
    return opensslDecrypt(key, iv, ciphertext, tag);
}

// --- parsing the tag -------------------------------------------------------------------------------------

struct V1Parts {
    Bytes ciphertext, iv, salt, tag;
};

// Shape checks shared by secretFormatOf and decryption, so both reject the same inputs.
void checkV1Shape(const Json& v1) {
    if (!v1.is_object())
        malformed(std::string("expected a v1 object, got ") + jsonTypeName(v1));
    if (auto it = v1.find("version");
        it != v1.end() && !(it->is_string() && it->get_ref<const std::string&>() == "v1"))
        malformed("unsupported version " + shownValue(*it));
    for (const char* field : {"ciphertext", "iv", "salt", "tag"}) {
        auto it = v1.find(field);
        if (it == v1.end())
            malformed(std::string("missing field \"") + field + "\"");
        if (!it->is_string())
            malformed(std::string("field \"") + field + "\" is " + jsonTypeName(*it) + ", not a string");
    }
}

Bytes decodeField(const Json& v1, const char* field) {
    auto decoded = decodeBase64Lenient(v1.at(field).get_ref<const std::string&>());
    if (!decoded)
        malformed(std::string("field \"") + field + "\" is not valid base64");
    return std::move(*decoded);
}

V1Parts parseV1(const Json& v1) {
    checkV1Shape(v1);
    V1Parts parts{decodeField(v1, "ciphertext"), decodeField(v1, "iv"), decodeField(v1, "salt"),
                  decodeField(v1, "tag")};
    // Node would accept other IV and tag lengths, but Alchemy never writes them and libsodium cannot use
    // them.
    if (parts.iv.size() != kIvBytes)
        malformed("iv is " + std::to_string(parts.iv.size()) + " bytes, expected 12");
    if (parts.tag.size() != kTagBytes)
        malformed("tag is " + std::to_string(parts.tag.size()) + " bytes, expected 16");
    return parts;
}

Bytes parseLegacy(const std::string& text) {
    auto decoded = decodeBase64Lenient(text);
    if (!decoded)
        malformed("legacy value is not valid base64");
    if (decoded->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        malformed("legacy value is too short (" + std::to_string(decoded->size()) + " bytes)");
    return std::move(*decoded);
}

std::optional<SecureString> openV1(const V1Parts& parts, const SecureString& password) {
    KeyBuffer key;
    deriveScryptKey(password, parts.salt, key);
    return aesGcmDecrypt(key, parts.iv, parts.ciphertext, parts.tag);
}

std::optional<SecureString> openLegacy(const Bytes& decoded, const SecureString& password) {
    KeyBuffer key;
    static_assert(crypto_secretbox_KEYBYTES == kKeyBytes);
    if (crypto_generichash(key.bytes, kKeyBytes, password.data(), password.size(), nullptr, 0) != 0)
        throw std::runtime_error("libsodium: BLAKE2b failed");
    const unsigned char* nonce = decoded.data();
    const unsigned char* box = decoded.data() + crypto_secretbox_NONCEBYTES;
    const size_t boxLen = decoded.size() - crypto_secretbox_NONCEBYTES;
    SecureString out = SecureString::zeroed(boxLen - crypto_secretbox_MACBYTES + 1); // +1: non-null
    if (crypto_secretbox_open_easy(out.mutableData(), box, boxLen, nonce, key.bytes) != 0)
        return std::nullopt;
    return SecureString::fromBytes(out.data(), boxLen - crypto_secretbox_MACBYTES);
}

std::string triedMessage(size_t count) {
    return "wrong password (tried " + std::to_string(count) + (count == 1 ? " password)" : " passwords)");
}

} // namespace

SecretFormat secretFormatOf(const Json& tagValue) {
    if (tagValue.is_string())
        return SecretFormat::LegacyString;
    if (!tagValue.is_object())
        malformed(std::string("expected a string or an object, got ") + jsonTypeName(tagValue));
    // Alchemy checks `"data" in tag` before anything else, so "data" wins even next to v1 fields.
    if (auto it = tagValue.find("data"); it != tagValue.end()) {
        if (it->is_string())
            return SecretFormat::LegacyObject;
        checkV1Shape(*it);
        return SecretFormat::V1Object;
    }
    checkV1Shape(tagValue);
    return SecretFormat::V1String;
}

DecryptedSecret decryptSecretTag(const Json& tagValue, const PasswordRing& passwords) {
    ensureSodium();
    const SecretFormat format = secretFormatOf(tagValue);
    const Json& body = isDataFormat(format) ? tagValue.at("data") : tagValue;
    const bool legacy = format == SecretFormat::LegacyString || format == SecretFormat::LegacyObject;

    // Parse everything before touching a password: a malformed tag is reported as such even with no password.
    std::optional<V1Parts> v1;
    Bytes legacyBytes;
    if (legacy)
        legacyBytes = parseLegacy(body.get_ref<const std::string&>());
    else
        v1 = parseV1(body);

    if (passwords.empty())
        throw SecretError(SecretError::Reason::NoPassword, "no password");
    for (size_t i = 0; i < passwords.size(); ++i) {
        std::optional<SecureString> plain =
            legacy ? openLegacy(legacyBytes, passwords.at(i)) : openV1(*v1, passwords.at(i));
        if (plain)
            return DecryptedSecret{std::move(*plain), format, i};
    }
    throw SecretError(SecretError::Reason::WrongPassword, triedMessage(passwords.size()));
}

Json encryptV1(std::string_view plaintext, const SecureString& password) {
    ensureSodium();
    if (password.empty())
        throw SecretError(SecretError::Reason::NoPassword, "cannot encrypt a secret without a password");
    Bytes salt(kSaltBytes), iv(kIvBytes), ciphertext, tag;
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(iv.data(), iv.size());
    {
        KeyBuffer key;
        deriveScryptKey(password, salt, key);
        aesGcmEncrypt(key, iv, plaintext, ciphertext, tag);
    }
    Json out = Json::object();
    out["version"] = "v1";
    out["ciphertext"] = encodeBase64(ciphertext.data(), ciphertext.size());
    out["iv"] = encodeBase64(iv.data(), iv.size());
    out["salt"] = encodeBase64(salt.data(), salt.size());
    out["tag"] = encodeBase64(tag.data(), tag.size());
    return out;
}

Json sealSecretValue(const Json& plaintextValue, const SecureString& password) {
    if (plaintextValue.is_string())
        return encryptV1(plaintextValue.get_ref<const std::string&>(), password);
    // The JSON text is itself secret: wipe it once encrypted (best effort, the writer may have left copies
    // behind while growing the string).
    std::string text = stringifyJs(plaintextValue, 0);
    Json out = Json::object();
    try {
        out["data"] = encryptV1(text, password);
    } catch (...) {
        sodium_memzero(text.data(), text.size());
        throw;
    }
    sodium_memzero(text.data(), text.size());
    return out;
}

void setAesGcmBackend(AesGcmBackend backend) {
    g_requestedBackend.store(backend, std::memory_order_relaxed);
}

AesGcmBackend activeAesGcmBackend() {
    if (g_requestedBackend.load(std::memory_order_relaxed) == AesGcmBackend::OpenSsl)
        return AesGcmBackend::OpenSsl;
    return libsodiumAvailable() ? AesGcmBackend::Libsodium : AesGcmBackend::OpenSsl;
}

} // namespace athanor

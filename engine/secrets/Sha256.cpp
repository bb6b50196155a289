#include "secrets/Sha256.h"

#include <sodium.h>

namespace athanor {

std::string lowerHex(const unsigned char* bytes, size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        hex += kDigits[bytes[i] >> 4];
        hex += kDigits[bytes[i] & 0xf];
    }
    return hex;
}

std::string sha256Hex(std::string_view bytes) {
    // crypto_hash_sha256 needs no sodium_init(): it draws no random numbers and picks no CPU-specific code.
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return lowerHex(digest, sizeof digest);
}

} // namespace athanor

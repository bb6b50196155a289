#include "secrets/Base64.h"

#include <cstdint>
#include <sodium.h>

namespace athanor {

namespace {

// 0..63 for alphabet characters, -1 for whitespace, -2 for '=', -3 for anything else.
int classify(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    switch (c) {
    case '+':
    case '-':
        return 62;
    case '/':
    case '_':
        return 63;
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
    case '\v':
        return -1;
    case '=':
        return -2;
    default:
        return -3;
    }
}

} // namespace

std::string encodeBase64(const unsigned char* data, size_t size) {
    const size_t encodedLen = sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL);
    std::string out(encodedLen, '\0'); // encodedLen counts the terminating NUL
    sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
    out.resize(encodedLen - 1);
    return out;
}

std::optional<std::vector<unsigned char>> decodeBase64Lenient(std::string_view text) {
    std::vector<unsigned char> out;
    out.reserve(text.size() / 4 * 3 + 3);
    uint32_t buffer = 0;
    int bits = 0;
    size_t symbols = 0;
    bool padding = false;
    for (char c : text) {
        const int v = classify(c);
        if (v == -1)
            continue;
        if (v == -3)
            return std::nullopt;
        if (v == -2) {
            padding = true;
            continue;
        }
        if (padding)
            return std::nullopt; // data after '='
        buffer = (buffer << 6) | static_cast<uint32_t>(v);
        bits += 6;
        ++symbols;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
        }
    }
    // One leftover symbol carries only 6 bits: not a whole byte, so the text was cut short.
    if (symbols % 4 == 1)
        return std::nullopt;
    return out;
}

} // namespace athanor

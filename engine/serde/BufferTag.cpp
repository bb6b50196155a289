#include "serde/BufferTag.h"

#include <cmath>
#include <cstdint>

namespace athanor {

namespace {

// 0..63 for both alphabets (Node accepts '-' and '_' like '+' and '/'), -1 for anything else.
int base64Value(unsigned char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

// Calls `onUnit` with each UTF-16 code unit of the string whose UTF-8 (WTF-8) bytes are `text`, as JavaScript
// holds it; a byte that starts no sequence counts as U+FFFD, as a decoder would read it.
template <typename OnUnit>
void forEachUtf16Unit(std::string_view text, const OnUnit& onUnit) {
    size_t i = 0;
    const auto byte = [&text](size_t at) {
        return static_cast<unsigned char>(text[at]);
    };
    const auto continuation = [&](size_t at) {
        return at < text.size() && (byte(at) & 0xC0) == 0x80;
    };
    while (i < text.size()) {
        const unsigned char lead = byte(i);
        if (lead < 0x80) {
            onUnit(lead);
            ++i;
        } else if (lead >= 0xC2 && lead <= 0xDF && continuation(i + 1)) {
            onUnit(((lead & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu));
            i += 2;
        } else if (lead >= 0xE0 && lead <= 0xEF && continuation(i + 1) && continuation(i + 2)) {
            // Includes ED A0..BF xx: a lone surrogate kept as WTF-8 is one unit.
            onUnit(((lead & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu));
            i += 3;
        } else if (lead >= 0xF0 && lead <= 0xF4 && continuation(i + 1) && continuation(i + 2) &&
                   continuation(i + 3)) {
            const uint32_t cp = ((lead & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) |
                                ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
            const uint32_t v = cp - 0x10000;
            onUnit(0xD800 + ((v >> 10) & 0x3FF)); // a surrogate pair
            onUnit(0xDC00 + (v & 0x3FF));
            i += 4;
        } else {
            onUnit(0xFFFD);
            ++i;
        }
    }
}

// JavaScript's ToUint8 of a JSON number: truncate, wrap modulo 256 (NaN and infinities cannot be in JSON).
unsigned char toUint8(const Json& number) {
    if (number.is_number_unsigned())
        return static_cast<unsigned char>(number.get<uint64_t>() & 0xFF);
    if (number.is_number_integer())
        return static_cast<unsigned char>(static_cast<uint64_t>(number.get<int64_t>()) & 0xFF);
    const double truncated = std::trunc(number.get<double>());
    double wrapped = std::fmod(truncated, 256.0);
    if (wrapped < 0)
        wrapped += 256.0;
    return static_cast<unsigned char>(wrapped);
}

} // namespace

std::vector<unsigned char> decodeBase64LikeNode(std::string_view text) {
    std::vector<unsigned char> out;
    out.reserve(text.size() / 4 * 3 + 2);
    uint32_t bits = 0;
    int bitCount = 0;
    bool stopped = false;
    forEachUtf16Unit(text, [&](uint32_t unit) {
        if (stopped)
            return;
        const auto low = static_cast<unsigned char>(unit & 0xFF); // Node's table lookup truncates the unit
        if (low == '=') {
            stopped = true;
            return;
        }
        const int value = base64Value(low);
        if (value < 0)
            return; // skipped, as whitespace and commas are
        bits = (bits << 6) | static_cast<uint32_t>(value);
        bitCount += 6;
        if (bitCount >= 8) {
            bitCount -= 8;
            out.push_back(static_cast<unsigned char>((bits >> bitCount) & 0xFF));
        }
    });
    return out;
}

std::optional<std::vector<unsigned char>> bufferTagBytes(const Json& value) {
    if (value.is_string())
        return decodeBase64LikeNode(value.get_ref<const std::string&>());
    if (!value.is_array())
        return std::nullopt;
    std::vector<unsigned char> bytes;
    bytes.reserve(value.size());
    for (const Json& element : value) {
        if (element.is_number())
            bytes.push_back(toUint8(element));
        else if (element.is_boolean())
            bytes.push_back(element.get<bool>() ? 1 : 0);
        else if (element.is_null())
            bytes.push_back(0);
        else
            return std::nullopt; // strings and objects go through JS ToNumber: not worth guessing
    }
    return bytes;
}

} // namespace athanor

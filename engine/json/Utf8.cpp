#include "json/Utf8.h"

namespace athanor {

std::size_t utf8SequenceLength(std::string_view text, std::size_t* checked) {
    const auto byte = [&text](std::size_t at) {
        return static_cast<unsigned char>(text[at]);
    };
    if (checked)
        *checked = 1;
    if (text.empty())
        return 0;
    const unsigned char lead = byte(0);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF; // allowed range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // overlong
        high = lead == 0xED ? 0x9F : 0xBF; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;  // overlong
        high = lead == 0xF4 ? 0x8F : 0xBF; // above U+10FFFF
    } else {
        return 0;
    }
    std::size_t valid = 1;
    while (valid < length && valid < text.size()) {
        const unsigned char c = byte(valid);
        if (c < (valid == 1 ? low : 0x80) || c > (valid == 1 ? high : 0xBF))
            break;
        ++valid;
    }
    if (checked)
        *checked = valid;
    return valid == length ? length : 0;
}

std::string toWellFormedUtf8(std::string_view bytes) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    std::string text;
    text.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        std::size_t checked = 0;
        const std::size_t length = utf8SequenceLength(bytes.substr(i), &checked);
        if (length > 0) {
            text.append(bytes.substr(i, length));
            i += length;
        } else {
            text.append(kReplacement); // one per maximal invalid subpart; the byte after it is a new lead
            i += checked;
        }
    }
    return text;
}

std::string escapeControlCharacters(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7f) {
            out.push_back(c);
            continue;
        }
        switch (c) {
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0xf]);
        }
    }
    return out;
}

} // namespace athanor

#include "json/JsJsonText.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace athanor {

bool isArrayIndexKey(std::string_view key) {
    if (key.empty() || key.size() > 10)
        return false;
    if (key.size() > 1 && key.front() == '0')
        return false;
    uint64_t value = 0;
    for (char c : key) {
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value <= 4294967294ULL;
}

std::string formatJsNumber(double value) {
    if (!std::isfinite(value))
        return "null";
    if (value == 0)
        return "0"; // also -0
    char buf[64];
    // Shortest round-trip digits in scientific form, e.g. "1.2345e+02".
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(end - buf));
    bool negative = false;
    if (sci.front() == '-') {
        negative = true;
        sci.remove_prefix(1);
    }
    const size_t ePos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, ePos))
        if (c != '.')
            digits.push_back(c);
    int exponent = 0;
    std::from_chars(sci.data() + ePos + 1 + (sci[ePos + 1] == '+' ? 1 : 0), sci.data() + sci.size(),
                    exponent);
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();

    const int k = static_cast<int>(digits.size());
    const int n = exponent + 1; // position of the decimal point relative to the digits
    std::string out = negative ? "-" : "";
    if (k <= n && n <= 21) {
        out += digits;
        out.append(static_cast<size_t>(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, static_cast<size_t>(n));
        out += '.';
        out += digits.substr(static_cast<size_t>(n));
    } else if (-6 < n && n <= 0) {
        out += "0.";
        out.append(static_cast<size_t>(-n), '0');
        out += digits;
    } else {
        out += digits[0];
        if (k > 1) {
            out += '.';
            out += digits.substr(1);
        }
        out += 'e';
        out += (n - 1 >= 0) ? '+' : '-';
        out += std::to_string(std::abs(n - 1));
    }
    return out;
}

namespace {

// True when one of the 8 bytes at `p` may need more than copying: a control character, '"', '\\' or 0xED (the
// lead byte of a WTF-8 lone surrogate). Word-at-a-time byte tests; a false positive only means a closer look.
bool mayNeedEscape(const char* p) {
    constexpr uint64_t ones = 0x0101010101010101ULL;
    constexpr uint64_t highs = 0x8080808080808080ULL;
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    const auto hasZeroByte = [](uint64_t x) {
        return ((x - ones) & ~x & highs) != 0;
    };
    const bool hasControl = ((v - ones * 0x20) & ~v & highs) != 0; // some byte < 0x20
    return hasControl || hasZeroByte(v ^ (ones * '"')) || hasZeroByte(v ^ (ones * '\\')) ||
           hasZeroByte(v ^ (ones * 0xED));
}

void appendString(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    size_t runStart = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        // Eight bytes that need nothing are passed over at once: most strings are plain text.
        while (i + 8 <= s.size() && !mayNeedEscape(s.data() + i))
            i += 8;
        if (i == s.size())
            break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0xED)
            continue;
        if (c == 0xED) {
            // A lone surrogate kept as WTF-8 (see parseJsonText): JSON.stringify writes it as "\udxxx".
            if (i + 2 >= s.size() || static_cast<unsigned char>(s[i + 1]) < 0xA0)
                continue; // an ordinary code point U+D000..U+D7FF
            out.append(s, runStart, i - runStart);
            const unsigned unit = 0xD000u | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                                  (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4)
                out.push_back(hex[(unit >> shift) & 0xF]);
            i += 2;
            runStart = i + 1;
            continue;
        }
        out.append(s, runStart, i - runStart);
        runStart = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
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
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        }
    }
    out.append(s, runStart, std::string::npos);
    out.push_back('"');
}

void newline(std::string& out, int indent, int depth) {
    if (indent <= 0)
        return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * depth), ' ');
}

void appendValue(std::string& out, const Json& v, int indent, int depth) {
    switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
        out += "null";
        return;
    case Json::value_t::boolean:
        out += v.get<bool>() ? "true" : "false";
        return;
    case Json::value_t::number_integer:
        out += std::to_string(v.get<int64_t>());
        return;
    case Json::value_t::number_unsigned:
        out += std::to_string(v.get<uint64_t>());
        return;
    case Json::value_t::number_float:
        out += formatJsNumber(v.get<double>());
        return;
    case Json::value_t::string:
        appendString(out, v.get_ref<const std::string&>());
        return;
    case Json::value_t::binary:
        out += "null";
        return;
    case Json::value_t::array: {
        if (v.empty()) {
            out += "[]";
            return;
        }
        out.push_back('[');
        bool first = true;
        for (const auto& element : v) {
            if (!first)
                out.push_back(',');
            first = false;
            newline(out, indent, depth + 1);
            appendValue(out, element, indent, depth + 1);
        }
        newline(out, indent, depth);
        out.push_back(']');
        return;
    }
    case Json::value_t::object: {
        if (v.empty()) {
            out += "{}";
            return;
        }
        out.push_back('{');
        bool first = true;
        auto emit = [&](const std::string& key, const Json& value) {
            if (!first)
                out.push_back(',');
            first = false;
            newline(out, indent, depth + 1);
            appendString(out, key);
            out += indent > 0 ? ": " : ":";
            appendValue(out, value, indent, depth + 1);
        };
        // JavaScript enumerates array-index keys first, ascending, then the rest in insertion order.
        const auto& object = v.get_ref<const Json::object_t&>();
        const bool hasIndexKeys = std::any_of(object.begin(), object.end(),
                                              [](const auto& entry) { return isArrayIndexKey(entry.first); });
        if (!hasIndexKeys) {
            for (const auto& [key, value] : object)
                emit(key, value);
        } else {
            std::vector<std::pair<uint64_t, const Json::object_t::value_type*>> ordered;
            for (const auto& entry : object)
                if (isArrayIndexKey(entry.first))
                    ordered.emplace_back(std::stoull(entry.first), &entry);
            std::stable_sort(ordered.begin(), ordered.end(),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
            for (const auto& [index, entry] : ordered)
                emit(entry->first, entry->second);
            for (const auto& entry : object)
                if (!isArrayIndexKey(entry.first))
                    emit(entry.first, entry.second);
        }
        newline(out, indent, depth);
        out.push_back('}');
        return;
    }
    }
}

} // namespace

void appendJs(std::string& out, const Json& value, int indent) {
    appendValue(out, value, indent, 0);
}

void appendJs(std::string& out, const Json& value, int indent, int depth) {
    appendValue(out, value, indent, depth);
}

void appendJsString(std::string& out, std::string_view s) {
    appendString(out, s);
}

std::string stringifyJs(const Json& value, int indent) {
    std::string out;
    appendValue(out, value, indent, 0);
    return out;
}

} // namespace athanor

#include "serde/SerdeTag.h"

#include "serde/BufferTag.h"

#include "json/JsonPointer.h"
#include "json/Utf8.h"
#include <array>
#include <string_view>

namespace athanor {

namespace {

bool truthy(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null:
        return false;
    case Json::value_t::boolean:
        return v.get<bool>();
    case Json::value_t::string:
        return !v.get_ref<const std::string&>().empty();
    case Json::value_t::number_integer:
        return v.get<int64_t>() != 0;
    case Json::value_t::number_unsigned:
        return v.get<uint64_t>() != 0;
    case Json::value_t::number_float:
        return v.get<double>() != 0;
    default:
        return true;
    }
}

constexpr std::array<std::pair<SerdeTag, std::string_view>, 7> kTags{{
    {SerdeTag::Secret, "@secret"},
    {SerdeTag::Schema, "@schema"},
    {SerdeTag::Date, "@date"},
    {SerdeTag::Symbol, "@symbol"},
    {SerdeTag::Scope, "@scope"},
    {SerdeTag::Buffer, "@buffer"},
    {SerdeTag::Resource, "@resource"},
}};

// `where`: the node's JSON pointer, extended and restored on the way down (no copy per level).
void scan(const Json& node, std::string& where, std::vector<SerdeIssue>& issues) {
    const size_t mark = where.size();
    if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i) {
            appendJsonPointerToken(where, std::to_string(i));
            scan(node[i], where, issues);
            where.resize(mark);
        }
        return;
    }
    if (!node.is_object())
        return;
    const SerdeTag tag = serdeTagOf(node);
    const std::string pointer = where.empty() ? "/" : where;
    switch (tag) {
    case SerdeTag::Unknown:
        issues.push_back(
            {pointer, "unknown serde tag \"" + escapeControlCharacters(node.begin().key()) + "\""});
        return;
    case SerdeTag::Date: {
        const Json& v = node["@date"];
        if (!v.is_string() || !isIsoTimestamp(v.get_ref<const std::string&>()))
            issues.push_back({pointer, "@date is not an ISO-8601 timestamp"});
        return;
    }
    case SerdeTag::Buffer: {
        // Any string reads (Node's base64 decoder skips what it does not know: "104,105", Alchemy's own
        // Uint8Array form, is four bytes to it); other values make Alchemy's Buffer.from throw.
        if (!bufferTagBytes(node["@buffer"]))
            issues.push_back({pointer, "@buffer is neither a string nor an array of byte values"});
        return;
    }
    case SerdeTag::Symbol: {
        const Json& v = node["@symbol"];
        if (!v.is_string() || symbolDescription(v.get_ref<const std::string&>()).empty())
            issues.push_back({pointer, "@symbol is not of the form Symbol(description)"});
        return;
    }
    case SerdeTag::Resource: {
        const Json& v = node["@resource"];
        if (!v.is_string() || v.get_ref<const std::string&>().empty())
            issues.push_back({pointer, "@resource is not a resource FQN"});
        return;
    }
    case SerdeTag::Secret: {
        const Json& v = node["@secret"];
        const Json& inner = v.is_object() && v.contains("data") ? v["data"] : v;
        const bool ok =
            inner.is_string() || (inner.is_object() && inner.contains("ciphertext") && inner.contains("iv") &&
                                  inner.contains("salt") && inner.contains("tag"));
        if (!ok)
            issues.push_back({pointer, "@secret is neither the v1 nor the legacy encrypted form"});
        return;
    }
    case SerdeTag::Schema:
    case SerdeTag::Scope:
        return;
    case SerdeTag::None:
        for (const auto& [key, value] : node.items()) {
            appendJsonPointerToken(where, key);
            scan(value, where, issues);
            where.resize(mark);
        }
        return;
    }
}

} // namespace

// [+-]?YYYY(YY)?-MM-DDTHH:MM:SS(.fraction)?Z, the form Date.prototype.toISOString writes. By hand:
// libstdc++'s std::regex recurses once per character and overflows the stack on a long fraction.
bool isIsoTimestamp(std::string_view text) {
    size_t at = 0;
    const auto digits = [&](size_t min, size_t max) {
        size_t n = 0;
        while (at < text.size() && n < max && text[at] >= '0' && text[at] <= '9') {
            ++at;
            ++n;
        }
        return n >= min;
    };
    const auto literal = [&](char c) {
        if (at >= text.size() || text[at] != c)
            return false;
        ++at;
        return true;
    };
    if (at < text.size() && (text[at] == '+' || text[at] == '-'))
        ++at;
    if (!(digits(4, 6) && literal('-') && digits(2, 2) && literal('-') && digits(2, 2) && literal('T') &&
          digits(2, 2) && literal(':') && digits(2, 2) && literal(':') && digits(2, 2)))
        return false;
    if (literal('.') && !digits(1, text.size()))
        return false;
    return literal('Z') && at == text.size();
}

SerdeTag serdeTagOf(const Json& node) {
    if (!node.is_object() || node.empty())
        return SerdeTag::None;
    for (const auto& [tag, key] : kTags) {
        auto it = node.find(std::string(key));
        if (it == node.end())
            continue;
        if (tag == SerdeTag::Secret && !truthy(*it))
            continue; // Alchemy: not a secret; the other tags follow in its order (reference §3.2)
        return tag;
    }
    // A lone falsy "@secret" is a plain object to Alchemy, not an unknown tag.
    if (node.size() == 1 && node.begin().key().starts_with('@') &&
        node.begin().key() != serdeTagKey(SerdeTag::Secret))
        return SerdeTag::Unknown;
    return SerdeTag::None;
}

std::string_view serdeTagKey(SerdeTag tag) {
    for (const auto& [t, key] : kTags)
        if (t == tag)
            return key;
    return {};
}

std::string_view symbolDescription(std::string_view key) {
    constexpr std::string_view prefix = "Symbol(";
    if (key.size() < prefix.size() + 1 || !key.starts_with(prefix) || key.back() != ')')
        return {};
    return key.substr(prefix.size(), key.size() - prefix.size() - 1);
}

std::vector<SerdeIssue> findSerdeIssues(const Json& document) {
    std::vector<SerdeIssue> issues;
    std::string where;
    scan(document, where, issues);
    return issues;
}

} // namespace athanor

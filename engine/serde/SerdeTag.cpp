#include "serde/SerdeTag.h"

#include <array>
#include <regex>

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

bool isBase64(const std::string& s) {
    size_t padding = 0;
    for (char c : s) {
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding > 0)
            return false;
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '+' || c == '/' || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return padding <= 2;
}

void scan(const Json& node, const Json::json_pointer& where, std::vector<SerdeIssue>& issues) {
    if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i)
            scan(node[i], where / i, issues);
        return;
    }
    if (!node.is_object())
        return;
    const SerdeTag tag = serdeTagOf(node);
    const std::string pointer = where.to_string().empty() ? "/" : where.to_string();
    switch (tag) {
    case SerdeTag::Unknown:
        issues.push_back({pointer, "unknown serde tag \"" + node.begin().key() + "\""});
        return;
    case SerdeTag::Date: {
        static const std::regex iso(R"(^[+-]?\d{4,6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$)");
        const Json& v = node["@date"];
        if (!v.is_string() || !std::regex_match(v.get_ref<const std::string&>(), iso))
            issues.push_back({pointer, "@date is not an ISO-8601 timestamp"});
        return;
    }
    case SerdeTag::Buffer: {
        const Json& v = node["@buffer"];
        if (!v.is_string() || !isBase64(v.get_ref<const std::string&>()))
            issues.push_back({pointer, "@buffer is not base64 text"});
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
        for (const auto& [key, value] : node.items())
            scan(value, where / key, issues);
        return;
    }
}

} // namespace

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
    scan(document, Json::json_pointer(), issues);
    return issues;
}

} // namespace athanor

#include "snapshot/RecordValidator.h"

#include "serde/SerdeTag.h"
#include "state/ResourceStatus.h"
#include "state/StateRecord.h"
#include "store/RecordLocation.h"
#include "store/RecordParseDom.h"

#include "json/JsonParse.h"
#include "json/Utf8.h"
#include <algorithm>
#include <array>
#include <optional>

namespace athanor {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

bool truthy(const element& v) {
    switch (v.type()) {
    case element_type::NULL_VALUE:
        return false;
    case element_type::BOOL:
        return v.get_bool().value_unsafe();
    case element_type::STRING:
        return !v.get_string().value_unsafe().empty();
    case element_type::INT64:
        return v.get_int64().value_unsafe() != 0;
    case element_type::UINT64:
        return v.get_uint64().value_unsafe() != 0;
    case element_type::DOUBLE:
        return v.get_double().value_unsafe() != 0;
    default:
        return true;
    }
}

// No key twice in one object: the reference parser keeps the last value where simdjson finds the first.
bool uniqueKeys(const object& o) {
    std::array<std::string_view, 32> small{};
    std::vector<std::string_view> large;
    size_t n = 0;
    for (const auto field : o) {
        if (n < small.size())
            small[n] = field.key;
        else {
            if (large.empty())
                large.assign(small.begin(), small.end());
            large.push_back(field.key);
        }
        ++n;
    }
    if (n < 2)
        return true;
    std::string_view* begin = large.empty() ? small.data() : large.data();
    std::string_view* end = begin + n;
    std::sort(begin, end);
    return std::adjacent_find(begin, end) == end;
}

bool hasKey(const object& o, std::string_view key) {
    element unused;
    return o.at_key(key).get(unused) == simdjson::SUCCESS;
}

// Mirrors serdeTagOf() and findSerdeIssues(): true when the subtree has no serde issue for certain.
bool cleanSerde(const element& node) {
    if (node.is_array()) {
        const simdjson::dom::array items =
            node.get_array().value_unsafe(); // a copy: the result is a temporary
        for (const element child : items)
            if (!cleanSerde(child))
                return false;
        return true;
    }
    if (!node.is_object())
        return true;
    const object o = node.get_object().value_unsafe();
    if (!uniqueKeys(o))
        return false;
    if (o.size() == 0)
        return true;
    element v;
    if (o.at_key("@secret").get(v) == simdjson::SUCCESS && truthy(v)) {
        element inner = v;
        if (v.is_object() && v.get_object().value_unsafe().at_key("data").get(inner) != simdjson::SUCCESS)
            inner = v;
        if (inner.is_string())
            return true;
        if (!inner.is_object())
            return false;
        const object secret = inner.get_object().value_unsafe();
        return hasKey(secret, "ciphertext") && hasKey(secret, "iv") && hasKey(secret, "salt") &&
               hasKey(secret, "tag");
    }
    if (hasKey(o, "@schema"))
        return true;
    if (o.at_key("@date").get(v) == simdjson::SUCCESS)
        return v.is_string() && isIsoTimestamp(v.get_string().value_unsafe());
    if (o.at_key("@symbol").get(v) == simdjson::SUCCESS)
        return v.is_string() && !symbolDescription(v.get_string().value_unsafe()).empty();
    if (hasKey(o, "@scope"))
        return true;
    if (hasKey(o, "@buffer"))
        return false; // rare: the reference path decides what Buffer.from makes of it
    if (o.at_key("@resource").get(v) == simdjson::SUCCESS)
        return v.is_string() && !v.get_string().value_unsafe().empty();
    if (o.size() == 1 && (*o.begin()).key.starts_with('@') && (*o.begin()).key != "@secret")
        return false; // an unknown tag
    for (const auto field : o)
        if (!cleanSerde(field.value))
            return false;
    return true;
}

} // namespace

bool isCleanRecord(const element& root, std::string_view relativePath) {
    if (!root.is_object())
        return false;
    const object doc = root.get_object().value_unsafe(); // cleanSerde() looks for duplicate keys
    const auto text = [&doc](std::string_view key) -> std::optional<std::string_view> {
        std::string_view v;
        if (doc.at_key(key).get_string().get(v) == simdjson::SUCCESS)
            return v;
        return std::nullopt;
    };
    const auto is = [&doc](std::string_view key, bool (element::*isType)() const noexcept) {
        element v;
        return doc.at_key(key).get(v) == simdjson::SUCCESS && (v.*isType)();
    };
    const bool legacy = !hasKey(doc, "kind") && hasKey(doc, "provider");
    if (legacy) {
        if (!text("provider"))
            return false;
    } else {
        element seq;
        const bool integerSeq = doc.at_key("seq").get(seq) == simdjson::SUCCESS &&
                                (seq.type() == element_type::INT64 || seq.type() == element_type::UINT64);
        if (!text("kind") || !text("id") || !text("fqn") || !integerSeq || !is("data", &element::is_object) ||
            !is("output", &element::is_object))
            return false;
    }
    const std::optional<std::string_view> status = text("status");
    if (!status || !parseResourceStatus(*status))
        return false;

    // placeRecord() as validateRecord() calls it: "kind" (or "provider") alchemy::Scope allows "fqn": "".
    const std::optional<std::string_view> kind = text("kind") ? text("kind") : text("provider");
    const auto owned = [](std::optional<std::string_view> v) {
        return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
    };
    const RecordPlacement placement =
        placeRecord(relativePath, legacy ? std::nullopt : owned(text("id")),
                    legacy ? std::nullopt : owned(text("fqn")), kind && *kind == kScopeKind);
    return placement.ok() && cleanSerde(root);
}

std::vector<std::string> validateRecordText(std::string_view text, std::string_view relativePath) {
    try {
        return validateRecord(parseJsonText(text), relativePath);
    } catch (const JsonParseError& e) {
        return {std::string("invalid JSON: ") + e.what()};
    }
}

std::vector<std::string> validateRecord(const Json& doc, std::string_view relativePath) {
    std::vector<std::string> problems;
    if (!doc.is_object())
        return {"the record is not a JSON object"};
    auto require = [&](const char* key, bool (Json::*isType)() const noexcept, const char* typeName) {
        auto it = doc.find(key);
        if (it == doc.end())
            problems.push_back(std::string("missing field \"") + key + "\"");
        else if (!((*it).*isType)())
            problems.push_back(std::string("field \"") + key + "\" is not " + typeName);
    };
    const bool legacy = !doc.contains("kind") && doc.contains("provider");
    if (legacy) {
        // The older documented shape: provider, data, status, output, props.
        require("provider", &Json::is_string, "a string");
    } else {
        require("kind", &Json::is_string, "a string");
        require("id", &Json::is_string, "a string");
        require("fqn", &Json::is_string, "a string");
        require("seq", &Json::is_number_integer, "an integer");
        require("data", &Json::is_object, "an object");
        require("output", &Json::is_object, "an object");
    }
    require("status", &Json::is_string, "a string");
    if (auto it = doc.find("status");
        it != doc.end() && it->is_string() && !parseResourceStatus(it->get<std::string>()))
        problems.push_back("unknown status \"" + it->get<std::string>() + "\"");

    const RecordPlacement placement = placeRecord(relativePath, StateRecord(doc));
    problems.insert(problems.end(), placement.problems.begin(), placement.problems.end());
    for (const auto& issue : findSerdeIssues(doc))
        problems.push_back(escapeControlCharacters(issue.pointer) + ": " + issue.message);
    return problems;
}

} // namespace athanor

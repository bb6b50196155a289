#include "providers/PlainJson.h"

#include "providers/Provider.h"

#include <chrono>

namespace athanor {

Json wrapSecret(Json plaintext) {
    Json secret = Json::object();
    secret["@secret"] = std::move(plaintext);
    return secret;
}

Json unwrapSecrets(const Json& value) {
    if (isPlainSecret(value))
        return unwrapSecrets(value.at("@secret"));
    if (value.is_object()) {
        Json copy = Json::object();
        for (const auto& [key, member] : value.items())
            copy[key] = unwrapSecrets(member);
        return copy;
    }
    if (value.is_array()) {
        Json copy = Json::array();
        for (const auto& element : value)
            copy.push_back(unwrapSecrets(element));
        return copy;
    }
    return value;
}

Json maskSecrets(const Json& value, std::string_view mask) {
    if (isPlainSecret(value))
        return Json(std::string(mask));
    if (value.is_object()) {
        Json copy = Json::object();
        for (const auto& [key, member] : value.items())
            copy[key] = maskSecrets(member, mask);
        return copy;
    }
    if (value.is_array()) {
        Json copy = Json::array();
        for (const auto& element : value)
            copy.push_back(maskSecrets(element, mask));
        return copy;
    }
    return value;
}

Json maskSecrets(Json&& value, std::string_view mask) {
    if (isPlainSecret(value))
        return Json(std::string(mask));
    if (value.is_object()) {
        for (auto& member : value.get_ref<Json::object_t&>())
            member.second = maskSecrets(std::move(member.second), mask);
    } else if (value.is_array()) {
        for (auto& element : value.get_ref<Json::array_t&>())
            element = maskSecrets(std::move(element), mask);
    }
    return std::move(value);
}

Json withoutEnvelope(Json&& output) {
    if (!output.is_object())
        return std::move(output);
    auto& members = output.get_ref<Json::object_t&>();
    Json kept = Json::object();
    auto& keptMembers = kept.get_ref<Json::object_t&>();
    keptMembers.reserve(members.size());
    for (auto& [key, member] : members)
        if (!key.starts_with("Symbol("))
            keptMembers.emplace_back(key, std::move(member));
    return kept;
}

Json withoutEnvelope(const Json& output) {
    if (!output.is_object())
        return output;
    Json copy = Json::object();
    for (const auto& [key, member] : output.items()) {
        if (!key.starts_with("Symbol("))
            copy[key] = member;
    }
    return copy;
}

const Json* findMember(const Json& object, std::string_view key) {
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(std::string(key));
    if (it == object.end() || it->is_null())
        return nullptr;
    return &*it;
}

std::string_view jsonTypeName(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "boolean";
    case Json::value_t::string:
        return "string";
    case Json::value_t::array:
        return "array";
    case Json::value_t::object:
        return "object";
    case Json::value_t::binary:
        return "binary";
    case Json::value_t::discarded:
        return "discarded";
    default:
        return "number";
    }
}

std::optional<std::string> optionalStringProp(const Json& props, std::string_view key, std::string_view kind,
                                              bool allowSecret) {
    const Json* member = findMember(props, key);
    if (!member)
        return std::nullopt;
    const Json* text = member;
    if (allowSecret && isPlainSecret(*member))
        text = &member->at("@secret");
    if (!text->is_string()) {
        throw ProviderError(std::string(kind) + ": prop \"" + std::string(key) + "\" must be a string (got " +
                            std::string(jsonTypeName(*text)) + ")");
    }
    return text->get<std::string>();
}

std::string requiredStringProp(const Json& props, std::string_view key, std::string_view kind,
                               bool allowSecret) {
    auto value = optionalStringProp(props, key, kind, allowSecret);
    if (!value)
        throw ProviderError(std::string(kind) + ": prop \"" + std::string(key) + "\" is required");
    return std::move(*value);
}

bool boolProp(const Json& props, std::string_view key, bool fallback, std::string_view kind) {
    const Json* member = findMember(props, key);
    if (!member)
        return fallback;
    if (!member->is_boolean()) {
        throw ProviderError(std::string(kind) + ": prop \"" + std::string(key) +
                            "\" must be true or false (got " + std::string(jsonTypeName(*member)) + ")");
    }
    return member->get<bool>();
}

std::filesystem::path resolveAgainst(const std::filesystem::path& base, const std::string& path) {
    const std::filesystem::path p(path);
    if (p.is_absolute() || base.empty())
        return p;
    return base / p;
}

long long epochMilliseconds() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace athanor

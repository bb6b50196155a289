#include "serde/PlainForms.h"

#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "serde/SerdeTag.h"

#include "json/JsJsonText.h"
#include <array>

namespace athanor {

namespace {

// Tags whose objects Alchemy's deserialize() returns without looking inside (secrets are never below them).
constexpr std::array<std::string_view, 5> kLeafTags = {"@schema", "@date", "@symbol", "@scope", "@buffer"};

bool isLeafTagged(const Json& node) {
    for (std::string_view tag : kLeafTags)
        if (node.contains(tag))
            return true;
    return false;
}

template <typename IsSecret>
bool containsNode(const Json& node, const IsSecret& isSecret) {
    if (node.is_array()) {
        for (const auto& element : node)
            if (containsNode(element, isSecret))
                return true;
        return false;
    }
    if (!node.is_object())
        return false;
    if (isSecret(node))
        return true;
    if (isLeafTagged(node))
        return false;
    for (const auto& [key, value] : node.items())
        if (containsNode(value, isSecret))
            return true;
    return false;
}

// Rewrites each plain secret in place with `onSecret(node)`.
template <typename OnSecret>
void forEachPlainSecret(Json& node, const OnSecret& onSecret) {
    if (node.is_array()) {
        for (auto& element : node)
            forEachPlainSecret(element, onSecret);
        return;
    }
    if (!node.is_object())
        return;
    if (isPlainSecret(node)) {
        onSecret(node);
        return;
    }
    if (isLeafTagged(node))
        return;
    for (auto it = node.begin(); it != node.end(); ++it)
        forEachPlainSecret(it.value(), onSecret);
}

bool isSymbolKey(const std::string& key) {
    return !symbolDescription(key).empty();
}

// Whether any object below `node` has a "Symbol(...)" key after an ordinary one (JS would list it first).
bool needsSymbolReorder(const Json& node) {
    if (node.is_array()) {
        for (const auto& element : node)
            if (needsSymbolReorder(element))
                return true;
        return false;
    }
    if (!node.is_object())
        return false;
    bool seenOrdinary = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const bool symbol = isSymbolKey(it.key());
        if (symbol && seenOrdinary)
            return true;
        if (!symbol && !isArrayIndexKey(it.key()))
            seenOrdinary = true;
        if (needsSymbolReorder(it.value()))
            return true;
    }
    return false;
}

Json withSymbolsFirst(const Json& node) {
    if (node.is_array()) {
        Json out = Json::array();
        for (const auto& element : node)
            out.push_back(withSymbolsFirst(element));
        return out;
    }
    if (!node.is_object())
        return node;
    Json out = Json::object();
    for (auto it = node.begin(); it != node.end(); ++it)
        if (isSymbolKey(it.key()))
            out[it.key()] = withSymbolsFirst(it.value());
    for (auto it = node.begin(); it != node.end(); ++it)
        if (!isSymbolKey(it.key()))
            out[it.key()] = withSymbolsFirst(it.value());
    return out;
}

} // namespace

bool isPlainSecret(const Json& node) {
    if (!node.is_object() || node.size() != 1)
        return false;
    auto it = node.find("@secret");
    return it != node.end() && !it->is_null();
}

bool containsSealedSecrets(const Json& serialized) {
    return containsNode(serialized, [](const Json& node) { return hasSecretTag(node); });
}

bool containsPlainSecrets(const Json& plain) {
    return containsNode(plain, [](const Json& node) { return isPlainSecret(node); });
}

Json openSecrets(const Json& serialized, const PasswordRing& passwords, std::string_view recordName) {
    if (!containsSealedSecrets(serialized))
        return serialized;
    // revealSecrets replaces each secret object by its plaintext and names failures precisely; putting the
    // plaintext back under "@secret" at the same pointers gives the plain form.
    const Json revealed = revealSecrets(serialized, passwords, recordName);
    Json plain = serialized;
    for (const SecretSite& site : findSecrets(serialized)) {
        const Json::json_pointer pointer(site.pointer);
        Json opened = Json::object();
        opened["@secret"] = revealed.at(pointer);
        plain.at(pointer) = std::move(opened);
    }
    return plain;
}

Json openSecrets(Json&& serialized, const PasswordRing& passwords, std::string_view recordName) {
    if (!containsSealedSecrets(serialized))
        return std::move(serialized);
    return openSecrets(static_cast<const Json&>(serialized), passwords, recordName);
}

Json sealSecrets(const Json& plain, const SecureString& password) {
    Json sealed = plain;
    forEachPlainSecret(sealed, [&](Json& node) {
        Json tag = Json::object();
        tag["@secret"] = sealSecretValue(node.at("@secret"), password);
        node = std::move(tag);
    });
    return sealed;
}

std::string canonicalText(const Json& plain) {
    if (needsSymbolReorder(plain))
        return stringifyJs(withSymbolsFirst(plain), 0);
    return stringifyJs(plain, 0);
}

Json maskPlainSecrets(const Json& plain, const Json& mask) {
    Json masked = plain;
    forEachPlainSecret(masked, [&](Json& node) { node["@secret"] = mask; });
    return masked;
}

} // namespace athanor

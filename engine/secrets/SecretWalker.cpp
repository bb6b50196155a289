#include "secrets/SecretWalker.h"

#include "json/JsonParse.h"
#include "json/JsonPointer.h"
#include "json/Utf8.h"
#include <array>
#include <type_traits>

namespace athanor {

namespace {

// Tags whose whole object Alchemy's deserialize() returns (or rebuilds) without looking inside.
constexpr std::array<std::string_view, 5> kLeafTags = {"@schema", "@date", "@symbol", "@scope", "@buffer"};

bool isTruthy(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
        return false;
    case Json::value_t::boolean:
        return value.get<bool>();
    case Json::value_t::number_integer:
        return value.get<int64_t>() != 0;
    case Json::value_t::number_unsigned:
        return value.get<uint64_t>() != 0;
    case Json::value_t::number_float:
        return value.get<double>() != 0.0; // NaN cannot come out of JSON
    case Json::value_t::string:
        return !value.get_ref<const std::string&>().empty();
    default:
        return true; // objects, arrays, binary
    }
}

// Visits every secret object in document order; `onSecret(node, pointer)` may replace the node. Works on
// const and mutable documents alike.
template <typename JsonRef, typename OnSecret>
void walk(JsonRef& node, std::string& pointer, OnSecret& onSecret) {
    if (node.is_array()) {
        const size_t mark = pointer.size();
        for (size_t i = 0; i < node.size(); ++i) {
            appendJsonPointerToken(pointer, std::to_string(i));
            walk(node[i], pointer, onSecret);
            pointer.resize(mark);
        }
        return;
    }
    if (!node.is_object())
        return;
    if (hasSecretTag(node)) {
        onSecret(node, pointer);
        return;
    }
    for (std::string_view tag : kLeafTags)
        if (node.contains(tag))
            return;
    const size_t mark = pointer.size();
    for (auto it = node.begin(); it != node.end(); ++it) {
        appendJsonPointerToken(pointer, it.key());
        walk(it.value(), pointer, onSecret);
        pointer.resize(mark);
    }
}

template <typename JsonRef, typename OnSecret>
void walkDocument(JsonRef& document, OnSecret onSecret) {
    std::string pointer;
    walk(document, pointer, onSecret);
}

Json revealOne(const Json& secretObject, const PasswordRing& passwords) {
    DecryptedSecret secret = decryptSecretTag(secretObject.at("@secret"), passwords);
    // Node decodes plaintext with Buffer.toString("utf8"); nlohmann would refuse to write invalid UTF-8.
    std::string text = toWellFormedUtf8(secret.plaintext.view());
    if (!isDataFormat(secret.format))
        return Json(std::move(text));
    try {
        // The one JSON reader: a lone surrogate JSON.stringify wrote reads, nesting and numbers are bounded.
        return parseJsonText(text);
    } catch (const JsonParseError&) {
        // Not the parser's message: it may quote the plaintext.
        throw SecretError(SecretError::Reason::Malformed, "decrypted data is not valid JSON");
    }
}

std::string contextMessage(const std::string& pointer, std::string_view recordName, const char* detail) {
    std::string message = "cannot decrypt secret ";
    message += escapeControlCharacters(pointer); // a key may hold a NUL
    message += " of ";
    message += escapeControlCharacters(recordName);
    message += ": ";
    message += detail;
    return message;
}

} // namespace

bool hasSecretTag(const Json& value) {
    if (!value.is_object())
        return false;
    auto it = value.find("@secret");
    return it != value.end() && isTruthy(*it);
}

std::vector<SecretSite> findSecrets(const Json& document) {
    std::vector<SecretSite> sites;
    walkDocument(document, [&](const Json& node, const std::string& pointer) {
        try {
            sites.push_back({pointer, secretFormatOf(node.at("@secret"))});
        } catch (const SecretError& e) {
            throw SecretError(e.reason, "secret " + escapeControlCharacters(pointer) + ": " + e.what());
        }
    });
    return sites;
}

Json revealSecrets(const Json& document, const PasswordRing& passwords, std::string_view recordName) {
    Json out = document;
    walkDocument(out, [&](Json& node, const std::string& pointer) {
        try {
            node = revealOne(node, passwords);
        } catch (const SecretError& e) {
            throw SecretError(e.reason, contextMessage(pointer, recordName, e.what()));
        }
    });
    return out;
}

RevealReport revealSecretsPartially(const Json& document, const PasswordRing& passwords,
                                    std::string_view recordName) {
    RevealReport report;
    report.document = document;
    walkDocument(report.document, [&](Json& node, const std::string& pointer) {
        SecretFormat format = SecretFormat::V1String; // set before any non-Malformed error
        try {
            format = secretFormatOf(node.at("@secret"));
            node = revealOne(node, passwords);
        } catch (const SecretError& e) {
            if (e.reason == SecretError::Reason::Malformed)
                report.errors.push_back(contextMessage(pointer, recordName, e.what()));
            else
                report.locked.push_back({pointer, format});
        } catch (const std::exception& e) {
            // Resource failures (e.g. scrypt out of memory) must not lose the rest of the record.
            report.errors.push_back(contextMessage(pointer, recordName, e.what()));
        }
    });
    return report;
}

} // namespace athanor

#include "store/sqlite/SqliteRecord.h"

#include "store/RecordParse.h"
#include "store/StoreError.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <algorithm>
#include <array>
#include <sodium.h>

namespace athanor::sqlite {

namespace {

constexpr std::array<std::string_view, 9> kFields{"id",   "status", "kind",     "fqn",   "seq",
                                                  "data", "props",  "oldProps", "output"};

std::string hex(const unsigned char* bytes, size_t n) {
    static const char* const digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

const std::string& requiredString(const Json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end())
        throw StoreError(std::string("the record has no \"") + key + "\" (Alchemy's SQL store needs it)");
    if (!it->is_string())
        throw StoreError(std::string("its \"") + key + "\" is not a string (Alchemy's SQL store needs one)");
    return it->get_ref<const std::string&>();
}

const Json& required(const Json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end())
        throw StoreError(std::string("the record has no \"") + key + "\" (Alchemy's SQL store needs it)");
    return *it;
}

Json parseColumn(std::string_view column, std::string_view text) {
    try {
        return parseRecordText(text);
    } catch (const JsonParseError& e) {
        throw JsonParseError("column " + std::string(column) + ": " + e.what());
    }
}

} // namespace

std::string RecordColumns::fingerprint() const {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 16);
    const auto add = [&](std::string_view tag, std::optional<std::string_view> value) {
        // Tagged and length-prefixed: no two different rows feed the same bytes.
        const std::string head = std::string(tag) + (value ? ":" + std::to_string(value->size()) + ":" : "!");
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(head.data()), head.size());
        if (value)
            crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(value->data()),
                                      value->size());
    };
    const std::string seqText = stringifyJs(seq, 0);
    add("id", id);
    add("status", status);
    add("kind", kind);
    add("fqn", fqn);
    add("seq", seqText);
    add("data", data);
    add("props", props ? std::optional<std::string_view>(*props) : std::nullopt);
    add("oldProps", oldProps ? std::optional<std::string_view>(*oldProps) : std::nullopt);
    add("output", output);
    unsigned char digest[16];
    crypto_generichash_final(&state, digest, sizeof digest);
    return hex(digest, sizeof digest);
}

std::string scopeText(const std::vector<std::string>& chain) {
    Json array = Json::array();
    for (const auto& part : chain)
        array.push_back(part);
    return stringifyJs(array, 0);
}

std::optional<std::vector<std::string>> parseScope(std::string_view text, std::string& problem) {
    Json value;
    try {
        value = parseJsonText(text);
    } catch (const JsonParseError& e) {
        problem = std::string("its scope is not JSON: ") + e.what();
        return std::nullopt;
    }
    if (!value.is_array()) {
        problem = "its scope is not a JSON array";
        return std::nullopt;
    }
    std::vector<std::string> chain;
    for (const auto& part : value) {
        if (!part.is_string()) {
            problem = "its scope is not a JSON array of strings";
            return std::nullopt;
        }
        chain.push_back(part.get<std::string>());
    }
    return chain;
}

RecordColumns toColumns(const StateRecord& record) {
    const Json& doc = record.document();
    if (!doc.is_object())
        throw StoreError("the record is not a JSON object");
    std::string extra;
    for (const auto& [key, value] : doc.items())
        if (std::find(kFields.begin(), kFields.end(), key) == kFields.end())
            extra += (extra.empty() ? "\"" : ", \"") + key + "\"";
    if (!extra.empty())
        throw StoreError(
            "Alchemy's SQL store has no column for its field" +
            std::string(extra.find(',') == std::string::npos ? " " : "s ") + extra +
            (doc.contains("provider") ? " (the older \"provider\" shape: Alchemy writes \"kind\" now)" : ""));
    RecordColumns c;
    c.id = requiredString(doc, "id");
    c.status = requiredString(doc, "status");
    c.kind = requiredString(doc, "kind");
    c.fqn = requiredString(doc, "fqn");
    c.seq = required(doc, "seq");
    if (!c.seq.is_number())
        throw StoreError("its \"seq\" is not a number (Alchemy's SQL store needs one)");
    c.data = stringifyJs(required(doc, "data"), 0);
    if (auto it = doc.find("props"); it != doc.end())
        c.props = stringifyJs(*it, 0);
    if (auto it = doc.find("oldProps"); it != doc.end())
        c.oldProps = stringifyJs(*it, 0);
    c.output = stringifyJs(required(doc, "output"), 0);
    return c;
}

Json fromColumns(const RecordColumns& c, const std::vector<std::string>* keyOrder) {
    Json fields = Json::object();
    fields["id"] = c.id;
    fields["status"] = c.status;
    fields["kind"] = c.kind;
    fields["fqn"] = c.fqn;
    fields["seq"] = c.seq;
    fields["data"] = parseColumn("data", c.data);
    if (c.props)
        fields["props"] = parseColumn("props", *c.props);
    if (c.oldProps)
        fields["oldProps"] = parseColumn("oldProps", *c.oldProps);
    fields["output"] = parseColumn("output", c.output);
    if (!keyOrder)
        return fields; // Alchemy's own order (the columns')
    Json doc = Json::object();
    for (const auto& key : *keyOrder)
        doc[key] = std::move(fields[key]);
    return doc;
}

std::optional<std::vector<std::string>> usableKeyOrder(const RecordColumns& c, std::string_view keysText,
                                                       std::string_view fingerprint) {
    if (fingerprint != c.fingerprint())
        return std::nullopt; // rewritten since (by Alchemy, or by hand)
    std::vector<std::string> keys;
    try {
        const Json parsed = parseJsonText(keysText);
        for (const auto& key : parsed)
            keys.push_back(key.get<std::string>());
    } catch (const std::exception&) {
        return std::nullopt;
    }
    std::vector<std::string> present{"id", "status", "kind", "fqn", "seq", "data", "output"};
    if (c.props)
        present.push_back("props");
    if (c.oldProps)
        present.push_back("oldProps");
    std::vector<std::string> sortedKeys = keys;
    std::sort(sortedKeys.begin(), sortedKeys.end());
    std::sort(present.begin(), present.end());
    if (sortedKeys != present)
        return std::nullopt;
    return keys;
}

} // namespace athanor::sqlite

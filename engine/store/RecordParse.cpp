#include "store/RecordParse.h"

#include "store/RecordParseDom.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace athanor {

namespace {

// Thrown inside the conversion when the fast path cannot guarantee parseJsonText()'s exact result.
struct NotExact {};

bool hasControlCharacter(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20)
            return true; // raw ones are a parse error for nlohmann; escaped ones are rare: take the slow path
    return false;
}

Json convert(simdjson::dom::element e) {
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
        const simdjson::dom::object object(e);
        Json out = Json::object();
        auto& members = out.get_ref<Json::object_t&>();
        members.reserve(object.size());
        // Duplicate keys: nlohmann keeps the first position with the last value; rare, so the slow path.
        std::unordered_set<std::string_view> seen;
        const bool large = object.size() > 16;
        for (auto field : object) {
            if (hasControlCharacter(field.key))
                throw NotExact{};
            if (large) {
                if (!seen.insert(field.key).second)
                    throw NotExact{};
            } else {
                for (const auto& existing : members)
                    if (existing.first == field.key)
                        throw NotExact{};
            }
            members.emplace_back(std::string(field.key), convert(field.value));
        }
        return out;
    }
    case simdjson::dom::element_type::ARRAY: {
        Json out = Json::array();
        auto& items = out.get_ref<Json::array_t&>();
        for (auto item : simdjson::dom::array(e))
            items.push_back(convert(item));
        return out;
    }
    case simdjson::dom::element_type::STRING: {
        const std::string_view s = e.get_string().value_unsafe();
        if (hasControlCharacter(s))
            throw NotExact{};
        return Json(std::string(s));
    }
    case simdjson::dom::element_type::INT64: {
        // nlohmann keeps a non-negative integer as unsigned, a negative one as signed.
        const int64_t v = e.get_int64().value_unsafe();
        if (v >= 0)
            return Json(static_cast<uint64_t>(v));
        return Json(v);
    }
    case simdjson::dom::element_type::UINT64:
        return Json(e.get_uint64().value_unsafe());
    case simdjson::dom::element_type::DOUBLE: {
        const double v = e.get_double().value_unsafe();
        if (v == 0 && std::signbit(v))
            throw NotExact{}; // "-0" is an integer for nlohmann, a double for simdjson
        return Json(v);
    }
    case simdjson::dom::element_type::BOOL:
        return Json(e.get_bool().value_unsafe());
    case simdjson::dom::element_type::NULL_VALUE:
        return Json(nullptr);
    }
    throw NotExact{};
}

// Lone surrogate escapes: simdjson and nlohmann may disagree on them, so only nlohmann decides.
bool hasSurrogateEscape(std::string_view text) {
    return text.find("\\ud") != std::string_view::npos || text.find("\\uD") != std::string_view::npos;
}

// simdjson's DOM of `text`; false when simdjson refuses it (also deeper than kMaxJsonDepth: the reference
// parser then reports it).
bool parseDom(std::string_view text, simdjson::dom::element& root) {
    thread_local simdjson::dom::parser parser = newRecordDomParser();
    thread_local simdjson::padded_string padded;
    if (padded.size() < text.size() || padded.size() > 4 * text.size() + 65536)
        padded = simdjson::padded_string(text.size() + text.size() / 2);
    if (!text.empty()) // a first empty text leaves `padded` without a buffer: memcpy(nullptr, ..., 0) is UB
        std::memcpy(padded.data(), text.data(), text.size());
    return parser.parse(padded.data(), text.size(), false).get(root) == simdjson::SUCCESS;
}

} // namespace

simdjson::dom::parser newRecordDomParser() {
    simdjson::dom::parser parser;
    // Allocating now fixes the depth limit for the parser's life (it grows its capacity as texts need).
    if (parser.allocate(64 * 1024, kMaxJsonDepth) != simdjson::SUCCESS)
        throw std::bad_alloc();
    return parser;
}

Json parseRecordText(std::string_view text) {
    simdjson::dom::element root;
    if (hasSurrogateEscape(text) || !parseDom(text, root))
        return parseJsonText(text); // the error, with nlohmann's line/column message
    try {
        return convert(root);
    } catch (const NotExact&) {
        return parseJsonText(text);
    }
}

namespace {

// A value of the DOM to convert into its (already placed) slot of the result, on any thread.
struct DeferredValue {
    simdjson::dom::element element;
    Json* slot;
};

// Containers at the top of a large document are built here, on the calling thread, with their members'
// slots in place; the values below them go to `deferred`, converted later on several threads. Descends
// into the root and its children always (a stack file's "resources" and "scopes"), deeper only into
// containers of many members (a scope holding many resources), so the deferred values are many and similar
// in size. The checks are convert()'s, so the result is convert()'s.
void convertTop(simdjson::dom::element e, Json& out, int depth, std::vector<DeferredValue>& deferred) {
    constexpr int kAlwaysDescend = 2;
    constexpr int kMaxDescend = 4;
    constexpr size_t kManyMembers = 16;
    const auto descend = [depth](size_t members) {
        return depth + 1 < kAlwaysDescend || (depth + 1 < kMaxDescend && members >= kManyMembers);
    };
    const auto place = [&](simdjson::dom::element value, Json& slot) {
        if (value.type() == simdjson::dom::element_type::OBJECT) {
            const size_t members = simdjson::dom::object(value).size();
            if (descend(members))
                return convertTop(value, slot, depth + 1, deferred);
        } else if (value.type() == simdjson::dom::element_type::ARRAY) {
            const size_t items = simdjson::dom::array(value).size();
            if (descend(items))
                return convertTop(value, slot, depth + 1, deferred);
        }
        deferred.push_back({value, &slot});
    };
    if (e.type() == simdjson::dom::element_type::ARRAY) {
        const simdjson::dom::array array(e);
        out = Json::array();
        auto& items = out.get_ref<Json::array_t&>();
        items.resize(array.size()); // reserved once: the slots' addresses stay put
        size_t i = 0;
        for (auto item : array)
            place(item, items[i++]);
        return;
    }
    if (e.type() != simdjson::dom::element_type::OBJECT) {
        out = convert(e);
        return;
    }
    const simdjson::dom::object object(e);
    out = Json::object();
    auto& members = out.get_ref<Json::object_t&>();
    members.reserve(object.size()); // no reallocation below: the slots' addresses stay put
    std::unordered_set<std::string_view> seen;
    for (auto field : object) {
        if (hasControlCharacter(field.key) || !seen.insert(field.key).second)
            throw NotExact{};
        members.emplace_back(std::string(field.key), Json());
    }
    size_t i = 0;
    for (auto field : object)
        place(field.value, (members.begin() + static_cast<std::ptrdiff_t>(i++))->second);
}

} // namespace

Json parseLargeJsonText(std::string_view text, unsigned threads) {
    simdjson::dom::element root;
    if (hasSurrogateEscape(text) || !parseDom(text, root))
        return parseJsonText(text);
    Json out;
    std::vector<DeferredValue> deferred;
    try {
        convertTop(root, out, 0, deferred);
    } catch (const NotExact&) {
        return parseJsonText(text);
    }
    std::atomic<size_t> next{0};
    std::atomic<bool> notExact{false};
    const auto work = [&] {
        for (size_t i = next++; i < deferred.size() && !notExact; i = next++) {
            try {
                *deferred[i].slot = convert(deferred[i].element);
            } catch (const NotExact&) {
                notExact = true;
            }
        }
    };
    {
        // The DOM lives in this thread's parser; the helpers only read it, and are joined before it is
        // reused.
        std::vector<std::jthread> helpers;
        const size_t extra = std::min<size_t>(std::max(threads, 1u) - 1, deferred.size() / 2);
        for (size_t t = 0; t < extra; ++t)
            helpers.emplace_back(work);
        work();
    }
    if (notExact)
        return parseJsonText(text);
    return out;
}

std::optional<Json> parseRecordFields(std::string_view text, std::initializer_list<std::string_view> keys) {
    simdjson::dom::element root;
    simdjson::dom::object object;
    if (hasSurrogateEscape(text) || !parseDom(text, root) ||
        root.get_object().get(object) != simdjson::SUCCESS)
        return std::nullopt;
    try {
        Json out = Json::object();
        auto& members = out.get_ref<Json::object_t&>();
        // A record has about ten top-level keys: duplicates found by looking back, without a hash set (and
        // its allocations) per record; a set only for a large object.
        std::vector<std::string_view> keysSoFar;
        keysSoFar.reserve(16);
        std::unordered_set<std::string_view> seen;
        const bool large = object.size() > 32;
        for (auto field : object) {
            const bool duplicate =
                large ? !seen.insert(field.key).second
                      : std::find(keysSoFar.begin(), keysSoFar.end(), field.key) != keysSoFar.end();
            if (!large)
                keysSoFar.push_back(field.key);
            if (duplicate || hasControlCharacter(field.key))
                return std::nullopt; // a duplicate top-level key: which value wins is nlohmann's business
            for (std::string_view key : keys)
                if (key == field.key) {
                    members.emplace_back(std::string(field.key), convert(field.value));
                    break;
                }
        }
        return out;
    } catch (const NotExact&) {
        return std::nullopt;
    }
}

namespace {

bool isIntegerType(Json::value_t t) {
    return t == Json::value_t::number_integer || t == Json::value_t::number_unsigned;
}

// The element and the value are the same document as ChangeDecision's identicalDocuments() sees it: integers
// by value and sign whatever their kind, doubles by value, objects member by member in order.
bool sameDocument(simdjson::dom::element e, const Json& j) {
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
        if (!j.is_object())
            return false;
        const auto& members = j.get_ref<const Json::object_t&>();
        const simdjson::dom::object object(e);
        if (object.size() != members.size())
            return false;
        auto member = members.begin();
        for (auto field : object) {
            if (member == members.end() || field.key != member->first ||
                !sameDocument(field.value, member->second))
                return false;
            ++member;
        }
        return member == members.end();
    }
    case simdjson::dom::element_type::ARRAY: {
        if (!j.is_array())
            return false;
        const auto& items = j.get_ref<const Json::array_t&>();
        size_t i = 0;
        for (auto item : simdjson::dom::array(e)) {
            if (i == items.size() || !sameDocument(item, items[i]))
                return false;
            ++i;
        }
        return i == items.size();
    }
    case simdjson::dom::element_type::STRING:
        return j.is_string() && e.get_string().value_unsafe() == j.get_ref<const std::string&>();
    case simdjson::dom::element_type::INT64: {
        if (!isIntegerType(j.type()))
            return false;
        const int64_t v = e.get_int64().value_unsafe();
        const bool negative = j.type() == Json::value_t::number_integer && j.get<int64_t>() < 0;
        if (v < 0)
            return negative && j.get<int64_t>() == v;
        return !negative && j.get<uint64_t>() == static_cast<uint64_t>(v);
    }
    case simdjson::dom::element_type::UINT64:
        return isIntegerType(j.type()) &&
               !(j.type() == Json::value_t::number_integer && j.get<int64_t>() < 0) &&
               j.get<uint64_t>() == e.get_uint64().value_unsafe();
    case simdjson::dom::element_type::DOUBLE:
        return j.is_number_float() && j.get<double>() == e.get_double().value_unsafe();
    case simdjson::dom::element_type::BOOL:
        return j.is_boolean() && j.get<bool>() == e.get_bool().value_unsafe();
    case simdjson::dom::element_type::NULL_VALUE:
        return j.is_null();
    }
    return false;
}

} // namespace

bool recordHasKindStatusAndProps(std::string_view text, std::string_view kind,
                                 std::initializer_list<std::string_view> statuses, const Json& props) {
    simdjson::dom::element root;
    simdjson::dom::object object;
    if (hasSurrogateEscape(text) || !parseDom(text, root) ||
        root.get_object().get(object) != simdjson::SUCCESS)
        return false;
    // Which of two equal top-level keys counts is nlohmann's business: none here (looked back for, as in
    // parseRecordFields()).
    std::string_view keysSoFar[32];
    size_t keyCount = 0;
    std::optional<simdjson::dom::element> kindField, statusField, propsField;
    for (auto field : object) {
        if (keyCount == std::size(keysSoFar) || hasControlCharacter(field.key))
            return false;
        for (size_t i = 0; i < keyCount; ++i)
            if (keysSoFar[i] == field.key)
                return false;
        keysSoFar[keyCount++] = field.key;
        if (field.key == "kind")
            kindField = field.value;
        else if (field.key == "status")
            statusField = field.value;
        else if (field.key == "props")
            propsField = field.value;
    }
    std::string_view value;
    if (!kindField || kindField->get_string().get(value) != simdjson::SUCCESS || value != kind)
        return false;
    if (!statusField || statusField->get_string().get(value) != simdjson::SUCCESS ||
        std::find(statuses.begin(), statuses.end(), value) == statuses.end())
        return false;
    return propsField && sameDocument(*propsField, props);
}

namespace {

void appendNewline(std::string& out, int indent, int depth) {
    if (indent <= 0)
        return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * depth), ' ');
}

// Writes `e` as appendJs() writes convert(e) after withoutEnvelope() (`dropSymbolKeys`: the output's own
// object); throws NotExact where convert() would, and for what only the Json path handles (a "@secret" key,
// an array-index key). Members left out are still walked: the Json path converts and opens them too.
void appendDomJs(std::string& out, simdjson::dom::element e, int indent, int depth, bool dropSymbolKeys) {
    switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
        const simdjson::dom::object object(e);
        std::string_view small[16];
        size_t keyCount = 0;
        std::unordered_set<std::string_view> seen;
        const bool large = object.size() > std::size(small);
        bool first = true;
        for (auto field : object) {
            if (hasControlCharacter(field.key) || field.key == "@secret" || isArrayIndexKey(field.key))
                throw NotExact{};
            if (large) {
                if (!seen.insert(field.key).second)
                    throw NotExact{};
            } else {
                for (size_t i = 0; i < keyCount; ++i)
                    if (small[i] == field.key)
                        throw NotExact{};
                small[keyCount++] = field.key;
            }
            if (dropSymbolKeys && field.key.starts_with("Symbol(")) {
                thread_local std::string dropped;
                dropped.clear();
                appendDomJs(dropped, field.value, 0, 0, false);
                continue;
            }
            out.push_back(first ? '{' : ',');
            first = false;
            appendNewline(out, indent, depth + 1);
            appendJsString(out, field.key);
            out += indent > 0 ? ": " : ":";
            appendDomJs(out, field.value, indent, depth + 1, false);
        }
        if (first) {
            out += "{}";
            return;
        }
        appendNewline(out, indent, depth);
        out.push_back('}');
        return;
    }
    case simdjson::dom::element_type::ARRAY: {
        bool first = true;
        for (auto item : simdjson::dom::array(e)) {
            out.push_back(first ? '[' : ',');
            first = false;
            appendNewline(out, indent, depth + 1);
            appendDomJs(out, item, indent, depth + 1, false);
        }
        if (first) {
            out += "[]";
            return;
        }
        appendNewline(out, indent, depth);
        out.push_back(']');
        return;
    }
    case simdjson::dom::element_type::STRING: {
        const std::string_view s = e.get_string().value_unsafe();
        if (hasControlCharacter(s))
            throw NotExact{};
        appendJsString(out, s);
        return;
    }
    case simdjson::dom::element_type::INT64: {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, e.get_int64().value_unsafe()).ptr;
        out.append(digits, end);
        return;
    }
    case simdjson::dom::element_type::UINT64: {
        char digits[24];
        const auto end = std::to_chars(digits, digits + sizeof digits, e.get_uint64().value_unsafe()).ptr;
        out.append(digits, end);
        return;
    }
    case simdjson::dom::element_type::DOUBLE: {
        const double v = e.get_double().value_unsafe();
        if (v == 0 && std::signbit(v))
            throw NotExact{};
        out += formatJsNumber(v);
        return;
    }
    case simdjson::dom::element_type::BOOL:
        out += e.get_bool().value_unsafe() ? "true" : "false";
        return;
    case simdjson::dom::element_type::NULL_VALUE:
        out += "null";
        return;
    }
    throw NotExact{};
}

} // namespace

bool appendRecordOutputJs(std::string& out, std::string_view text, std::string_view kind, int indent,
                          int depth) {
    simdjson::dom::element root;
    simdjson::dom::object object;
    if (hasSurrogateEscape(text) || !parseDom(text, root) ||
        root.get_object().get(object) != simdjson::SUCCESS)
        return false;
    std::string_view keysSoFar[32];
    size_t keyCount = 0;
    std::optional<simdjson::dom::element> kindField, outputField;
    for (auto field : object) {
        if (keyCount == std::size(keysSoFar) || hasControlCharacter(field.key) || field.key == "provider")
            return false;
        for (size_t i = 0; i < keyCount; ++i)
            if (keysSoFar[i] == field.key)
                return false;
        keysSoFar[keyCount++] = field.key;
        if (field.key == "kind")
            kindField = field.value;
        else if (field.key == "output")
            outputField = field.value;
    }
    std::string_view storedKind;
    if (!kindField || kindField->get_string().get(storedKind) != simdjson::SUCCESS || storedKind != kind ||
        hasControlCharacter(storedKind))
        return false;
    const size_t start = out.size();
    if (!outputField) {
        out += "{}";
        return true;
    }
    try {
        appendDomJs(out, *outputField, indent, depth, true);
        return true;
    } catch (const NotExact&) {
        out.resize(start);
        return false;
    }
}

} // namespace athanor

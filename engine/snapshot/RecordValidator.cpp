#include "snapshot/RecordValidator.h"

#include "serde/SerdeTag.h"
#include "state/ResourceStatus.h"
#include "state/StateRecord.h"
#include "store/RecordLocation.h"

#include "json/JsonParse.h"
#include "json/Utf8.h"

namespace athanor {

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

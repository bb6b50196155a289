#include "json/JsonParse.h"

#include <algorithm>

namespace athanor {

namespace {

std::string describeLocation(std::string_view text, size_t byteOffset) {
    byteOffset = std::min(byteOffset, text.size());
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byteOffset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 2: "; keep the tail.
std::string shortReason(const std::string& what) {
    const auto colon = what.find(": ", what.find("parse error"));
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

} // namespace

Json parseJsonText(std::string_view text) {
    if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }))
        throw JsonParseError("file is empty");
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
        // byte is 1-based and points one past the offending character.
        const size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        std::string reason = shortReason(e.what());
        if (offset >= text.size())
            reason = "unexpected end of file (truncated JSON?): " + reason;
        throw JsonParseError(describeLocation(text, offset) + ": " + reason);
    }
}

} // namespace athanor

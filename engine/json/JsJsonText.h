#pragma once

#include "json/Json.h"
#include <string>
#include <string_view>

namespace athanor {

// Writes JSON text exactly as JavaScript's JSON.stringify(value, null, indent) does, so files Athanor writes
// are indistinguishable from Alchemy's: JS key order (array-index keys first, ascending), ECMAScript number
// formatting, JS string escaping, no trailing newline. indent = 0 gives the compact form.
std::string stringifyJs(const Json& value, int indent = 2);
void appendJs(std::string& out, const Json& value, int indent = 2);
// The text of `value` as it reads nested `depth` levels deep in a document written with `indent` (the
// indentation of its inner lines; the first line is not indented): a member's value printed on its own.
void appendJs(std::string& out, const Json& value, int indent, int depth);
// A JSON string literal as JSON.stringify writes it (quotes and JS escapes).
void appendJsString(std::string& out, std::string_view s);

// ECMAScript Number::toString for a finite double (shortest round-trip digits, JS exponent rules).
// Non-finite values have no JSON form; JSON.stringify writes them as null.
std::string formatJsNumber(double value);

// True for the keys JavaScript enumerates first: canonical array indices "0".."4294967294".
bool isArrayIndexKey(std::string_view key);

} // namespace athanor

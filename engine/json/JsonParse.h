#pragma once

#include "json/Json.h"
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace athanor {

// A parse failure with a human-readable location ("line 3, column 7: ...").
class JsonParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The deepest nesting of arrays and objects a JSON text may have ("[]" is 1, "[[]]" is 2). JSON.parse
// accepts far deeper, but no record, stack file or secret comes anywhere near it, and everything that walks
// a parsed document (stringifyJs, the secret walker, the serde scan, copies, the GUI's trees) recurses once
// per level: this limit is what keeps every one of them inside its thread's stack.
inline constexpr std::size_t kMaxJsonDepth = 1000;

// Parses JSON text, keeping key order. Errors (JsonParseError, never another exception) name the line and
// column: empty or whitespace-only text ("file is empty"), invalid JSON, nesting deeper than kMaxJsonDepth,
// a number beyond the range of a double (1e400).
Json parseJsonText(std::string_view text);

} // namespace athanor

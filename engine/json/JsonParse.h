#pragma once

#include "json/Json.h"
#include <stdexcept>
#include <string>
#include <string_view>

namespace athanor {

// A parse failure with a human-readable location ("line 3, column 7: ...").
class JsonParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses JSON text, keeping key order. Empty or whitespace-only text is an error ("file is empty").
Json parseJsonText(std::string_view text);

} // namespace athanor

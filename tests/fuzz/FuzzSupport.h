#pragma once
// Shared by the fuzz targets: inputs as text, and a comparable form of a parsed document.

#include "json/JsJsonText.h"
#include "json/Json.h"
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

inline std::string_view textOf(const uint8_t* data, size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Values, number kinds (nlohmann's dump) and JS text (stringifyJs) at once: two documents with the same
// exactText are the same document to every reader and writer.
inline std::string exactText(const athanor::Json& value) {
    return value.dump(-1, ' ', false, athanor::Json::error_handler_t::replace) + " " +
           athanor::stringifyJs(value, 0);
}

// A property that does not hold: print both sides and abort, which libFuzzer reports with the input.
[[noreturn]] inline void fail(const char* what, const std::string& left, const std::string& right) {
    std::fprintf(stderr, "fuzz property failed: %s\n  left:  %.2000s\n  right: %.2000s\n", what, left.c_str(),
                 right.c_str());
    std::abort();
}

} // namespace fuzz

#pragma once

#include <string>
#include <string_view>

namespace athanor {

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string jsonPointerToken(std::string_view key);
// Appends "/" and the escaped token to `pointer`.
void appendJsonPointerToken(std::string& pointer, std::string_view key);

} // namespace athanor

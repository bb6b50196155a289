#pragma once

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Full check of one record file's text against Alchemy's schema (reference §2): it parses, the required
// fields have the right types, the status is one of the six, the record is where its id and fqn say
// (placeRecord(), the check up and destroy use too), and every serde tag is well-formed. Each problem is one
// human-readable line. `relativePath`: the file relative to .alchemy ("shop/dev/a.json").
std::vector<std::string> validateRecordText(std::string_view text, std::string_view relativePath);
std::vector<std::string> validateRecord(const Json& document, std::string_view relativePath);

} // namespace athanor

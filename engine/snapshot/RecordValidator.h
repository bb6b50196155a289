#pragma once

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Full check of one record file's text against Alchemy's schema (reference §2): it parses, the required
// fields have the right types, the status is one of the six, the id matches the file name, the fqn matches
// its location, and every serde tag is well-formed. Each problem is one human-readable line.
std::vector<std::string> validateRecordText(std::string_view text, std::string_view idFromFileName,
                                            std::string_view locationFqn);
std::vector<std::string> validateRecord(const Json& document, std::string_view idFromFileName,
                                        std::string_view locationFqn);

} // namespace athanor

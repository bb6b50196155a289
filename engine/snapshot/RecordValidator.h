#pragma once

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace simdjson::dom {
class element;
} // namespace simdjson::dom

namespace athanor {

// Full check of one record file's text against Alchemy's schema (reference §2): it parses, the required
// fields have the right types, the status is one of the six, the record is where its id and fqn say
// (placeRecord(), the check up and destroy use too), and every serde tag is well-formed. Each problem is one
// human-readable line. `relativePath`: the file relative to .alchemy ("shop/dev/a.json").
std::vector<std::string> validateRecordText(std::string_view text, std::string_view relativePath);
std::vector<std::string> validateRecord(const Json& document, std::string_view relativePath);

// The fast path of `state check`, on the simdjson DOM the snapshot scan parsed anyway: true only when
// validateRecord() would certainly find nothing. Anything it is unsure of (a duplicate key, which the
// reference parser resolves to the last value; an @buffer) counts as not clean, and the caller takes the
// exact messages from validateRecordText().
bool isCleanRecord(const simdjson::dom::element& root, std::string_view relativePath);

} // namespace athanor

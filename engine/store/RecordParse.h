#pragma once

#include "json/Json.h"
#include <initializer_list>
#include <optional>
#include <string_view>

namespace athanor {

// Parses a record file's text into the same Json that parseJsonText() gives (same values, number kinds and
// key order), several times faster: simdjson builds a DOM that is converted. Whatever the fast path cannot
// reproduce exactly (errors and their messages, "-0", integers beyond 64 bits, strings with control
// characters or lone surrogate escapes, duplicate keys, very deep nesting) goes through parseJsonText().
// Throws JsonParseError as parseJsonText() does.
Json parseRecordText(std::string_view text);

// parseRecordText() for a large document (a stack file of thousands of resources): the same result, the
// containers at its top built on the calling thread and the values below them converted on up to `threads`
// threads (the calling one included). Throws JsonParseError as parseJsonText() does.
Json parseLargeJsonText(std::string_view text, unsigned threads);

// Only the top-level fields named in `keys` of the JSON object in `text`, in document order, exactly as
// parseRecordText() would give them; the other fields are validated but not converted (a no-change decision
// needs kind, status and props, not the output). nullopt when the text is not a valid JSON object or the
// fast path cannot be exact: parse the whole text then, which also reports the error.
std::optional<Json> parseRecordFields(std::string_view text, std::initializer_list<std::string_view> keys);

// True when `text` is certainly a record whose "kind" is `kind`, whose "status" is one of `statuses` and
// whose "props" is the same document as `props` (same keys in the same order, same strings, same number
// kinds), decided on simdjson's DOM without converting anything: a no-change up compares 10,000 records this
// way. False decides nothing (anything unusual: a duplicate top-level key, a lone surrogate escape, a legacy
// "provider" key, a parse error); the caller then takes its full path.
bool recordHasKindStatusAndProps(std::string_view text, std::string_view kind,
                                 std::initializer_list<std::string_view> statuses, const Json& props);

// Read's fast path, on simdjson's DOM without building a Json: when `text` is a record whose "kind" is the
// string `kind`, appends the text appendJs(withoutEnvelope(output), indent, depth) would give for its
// "output"
// ({} when it has none) and returns true. False, with `out` unchanged, for whatever the Json path must
// decide: a "@secret" key anywhere in the output (decryption, masking), array-index keys (JS key order),
// another or a legacy "provider" kind, and everything parseRecordFields() would not convert (duplicate keys,
// control characters, lone surrogate escapes, "-0", parse errors).
bool appendRecordOutputJs(std::string& out, std::string_view text, std::string_view kind, int indent,
                          int depth);

} // namespace athanor

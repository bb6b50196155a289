#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace athanor {

// Length of the well-formed UTF-8 sequence that starts `text` (1–4), or 0 when its first bytes are not one
// (a stray continuation byte, an overlong form, a surrogate, a code point above U+10FFFF, a cut sequence).
// `*checked`, when given, gets how many bytes were examined before it failed: the maximal invalid subpart.
std::size_t utf8SequenceLength(std::string_view text, std::size_t* checked = nullptr);

// `bytes` with each maximal invalid UTF-8 subpart replaced by U+FFFD, as Node's Buffer.toString("utf8")
// (the WHATWG decoder) does; the result can always be stored as a JSON string.
std::string toWellFormedUtf8(std::string_view bytes);

// `text` with each control character (U+0000..U+001F, U+007F) written as a JSON escape ("\u0000", "\n"), for
// messages that quote names from a file: a raw NUL would end the message wherever it is read as a C string
// (std::exception::what()), and other controls garble a terminal.
std::string escapeControlCharacters(std::string_view text);

} // namespace athanor

#pragma once

#include "json/Json.h"
#include <optional>
#include <string_view>
#include <vector>

namespace athanor {

// The bytes Alchemy's deserialize() gives for {"@buffer": value}: Buffer.from(value, "base64") under Node.
// A string is decoded as Node decodes it, which never fails: characters outside the base64 alphabets (both
// the standard and the URL-safe one) are skipped, Node looks only at the low byte of each UTF-16 unit,
// decoding stops at the first '=', and bits that do not fill a byte are dropped. So "104,105", which
// alchemy@0.94 writes for a Uint8Array (its toString("base64") is Array.prototype.toString), reads back as
// the four bytes d7 4e 35 d3, exactly as Alchemy reads it. An array gives each element as a byte (numbers
// modulo 256, null and false 0, true 1). Anything else makes Buffer.from throw: nullopt.
std::optional<std::vector<unsigned char>> bufferTagBytes(const Json& value);

// Node's Buffer.from(text, "base64") for the UTF-8 (or WTF-8, for lone surrogates) form of a JS string.
std::vector<unsigned char> decodeBase64LikeNode(std::string_view text);

} // namespace athanor

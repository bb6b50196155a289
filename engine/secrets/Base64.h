#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Standard alphabet with '=' padding, as Node's Buffer.toString("base64") and libsodium's ORIGINAL variant.
std::string encodeBase64(const unsigned char* data, size_t size);

// Decodes like Node's Buffer.from(text, "base64") for the inputs Node accepts in practice: the standard and
// the URL-safe alphabet (even mixed), missing padding, and ASCII whitespace anywhere. Unlike Node, which
// silently skips any other character and stops at the first '=', this returns nullopt for characters outside
// both alphabets, for data after the padding and for a dangling single character, so corruption is reported
// instead of turning into a misleading "wrong password".
std::optional<std::vector<unsigned char>> decodeBase64Lenient(std::string_view text);

} // namespace athanor

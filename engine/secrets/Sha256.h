#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace athanor {

// The bytes as lowercase hex digits, two per byte.
std::string lowerHex(const unsigned char* bytes, size_t size);

// SHA-256 of the bytes as 64 lowercase hex digits (libsodium; S3's x-amz-content-sha256, Alchemy's
// migration hashes).
std::string sha256Hex(std::string_view bytes);

} // namespace athanor

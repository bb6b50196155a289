#pragma once

#include "json/Json.h"
#include <cstdint>

namespace athanor {

// The integer part of `value` clamped to int64_t's range (NaN gives 0). A plain static_cast of a double
// outside that range, such as a hand-edited "seq": 1e300, is undefined behaviour.
int64_t saturatingInt64(double value);

// A JSON number as int64_t: doubles truncated, anything beyond the range (an integer over 2^63, 1e300)
// clamped; 0 for a value that is not a number.
int64_t saturatingInt64(const Json& number);

} // namespace athanor

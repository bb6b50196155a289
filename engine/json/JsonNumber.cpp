#include "json/JsonNumber.h"

#include <cmath>
#include <limits>

namespace athanor {

int64_t saturatingInt64(double value) {
    constexpr double kTwoTo63 = 9223372036854775808.0; // exactly representable; INT64_MAX is not
    if (std::isnan(value))
        return 0;
    if (value >= kTwoTo63)
        return std::numeric_limits<int64_t>::max();
    if (value < -kTwoTo63)
        return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(value); // in range now: truncation toward zero
}

int64_t saturatingInt64(const Json& number) {
    switch (number.type()) {
    case Json::value_t::number_integer:
        return number.get<int64_t>();
    case Json::value_t::number_unsigned: {
        const uint64_t value = number.get<uint64_t>();
        return value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                   ? std::numeric_limits<int64_t>::max()
                   : static_cast<int64_t>(value);
    }
    case Json::value_t::number_float:
        return saturatingInt64(number.get<double>());
    default:
        return 0;
    }
}

} // namespace athanor

#pragma once

#include <chrono>
#include <ctime>
#include <string>

namespace athanor {

// A point in time as UTC calendar fields plus milliseconds (negative times round down, as Date does).
struct UtcTime {
    std::tm fields{};
    int millis = 0;
};
UtcTime toUtcTime(std::chrono::system_clock::time_point time);

// "2025-03-04T05:06:07.089Z": Date.prototype.toISOString(), what Alchemy and Athanor's own files write.
std::string isoUtcText(std::chrono::system_clock::time_point time);

} // namespace athanor

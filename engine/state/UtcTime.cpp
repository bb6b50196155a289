#include "state/UtcTime.h"

#include <cstdio>

namespace athanor {

UtcTime toUtcTime(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto sinceEpoch = duration_cast<milliseconds>(time.time_since_epoch()).count();
    auto seconds = static_cast<std::time_t>(sinceEpoch / 1000);
    long long millis = sinceEpoch % 1000;
    if (millis < 0) {
        millis += 1000;
        --seconds;
    }
    UtcTime out;
    gmtime_r(&seconds, &out.fields);
    out.millis = static_cast<int>(millis);
    return out;
}

std::string isoUtcText(std::chrono::system_clock::time_point time) {
    const UtcTime t = toUtcTime(time);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.fields.tm_year + 1900,
                  t.fields.tm_mon + 1, t.fields.tm_mday, t.fields.tm_hour, t.fields.tm_min, t.fields.tm_sec,
                  t.millis);
    return buffer;
}

} // namespace athanor

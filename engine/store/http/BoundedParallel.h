#pragma once

#include <cstddef>
#include <functional>
#include <stop_token>

namespace athanor::http {

// Calls work(i) for every i in [0, count) on at most `width` threads at once (S3 has no batch read: a bulk
// load is many GETs, 16 in flight). Stops handing out items once `cancel` is requested or a call throws;
// returns when every started call has ended and then rethrows the first exception. Items are handed out in
// order, so progress advances from the front.
void runBounded(size_t count, unsigned width, std::stop_token cancel,
                const std::function<void(size_t)>& work);

} // namespace athanor::http

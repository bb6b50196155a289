#include "store/http/BoundedParallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace athanor::http {

void runBounded(size_t count, unsigned width, std::stop_token cancel,
                const std::function<void(size_t)>& work) {
    if (count == 0)
        return;
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr firstError;
    std::mutex errorMutex;
    const auto worker = [&] {
        for (;;) {
            if (failed.load(std::memory_order_relaxed) || cancel.stop_requested())
                return;
            const size_t i = next.fetch_add(1, std::memory_order_relaxed);
            if (i >= count)
                return;
            try {
                work(i);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!firstError)
                    firstError = std::current_exception();
                failed.store(true, std::memory_order_relaxed);
                return;
            }
        }
    };
    const size_t threads = std::min<size_t>(std::max(1u, width), count);
    if (threads == 1) {
        worker();
    } else {
        std::vector<std::jthread> pool;
        pool.reserve(threads - 1);
        for (size_t t = 1; t < threads; ++t)
            pool.emplace_back(worker);
        worker(); // the calling thread takes a share too
    }             // joins
    if (firstError)
        std::rethrow_exception(firstError);
}

} // namespace athanor::http

#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace athanor {

// Threads kept for a whole run: each wave of an up prepares its resources on them instead of starting
// threads of its own (a 10,000-resource up has 20 waves). Started at the first forEach() that needs them,
// joined by the destructor.
class WorkerPool {
public:
    // Up to `threads` at once, the calling thread of forEach() among them.
    explicit WorkerPool(size_t threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // fn(i) for every i < count, in index order of start; returns once every call returned. `fn` must not
    // throw.
    void forEach(size_t count, const std::function<void(size_t)>& fn);

private:
    struct Batch;
    void helperLoop();

    size_t m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::shared_ptr<Batch>
        m_batch; // the current batch; a helper that arrives after it finished finds no work
    bool m_stopping = false;
    std::vector<std::thread> m_helpers;
};

} // namespace athanor

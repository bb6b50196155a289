#include "lifecycle/WorkerPool.h"

#include <atomic>

namespace athanor {

struct WorkerPool::Batch {
    const std::function<void(size_t)>* fn = nullptr;
    size_t count = 0;
    std::atomic<size_t> next{0};
    std::atomic<size_t> finished{0};
    std::mutex mutex;
    std::condition_variable done;

    // Takes indices until none is left; true when this call finished the batch's last one.
    bool work() {
        bool last = false;
        for (size_t i; (i = next.fetch_add(1)) < count;) {
            (*fn)(i);
            last = finished.fetch_add(1) + 1 == count;
        }
        return last;
    }
};

WorkerPool::WorkerPool(size_t threads) : m_threads(threads < 1 ? 1 : threads) {}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (auto& helper : m_helpers)
        helper.join();
}

void WorkerPool::forEach(size_t count, const std::function<void(size_t)>& fn) {
    if (m_threads <= 1 || count <= 1) {
        for (size_t i = 0; i < count; ++i)
            fn(i);
        return;
    }
    auto batch = std::make_shared<Batch>();
    batch->fn = &fn;
    batch->count = count;
    {
        std::lock_guard lock(m_mutex);
        while (m_helpers.size() + 1 < m_threads)
            m_helpers.emplace_back([this] { helperLoop(); });
        m_batch = batch;
    }
    m_wake.notify_all();
    if (!batch->work()) {
        std::unique_lock lock(batch->mutex);
        batch->done.wait(lock, [&] { return batch->finished.load() == count; });
    }
    std::lock_guard lock(m_mutex);
    if (m_batch == batch)
        m_batch.reset();
}

void WorkerPool::helperLoop() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stopping || (m_batch && m_batch->next.load() < m_batch->count); });
        if (m_stopping)
            return;
        const std::shared_ptr<Batch> batch = m_batch;
        lock.unlock();
        if (batch->work()) {
            std::lock_guard done(batch->mutex);
            batch->done.notify_all();
        }
        lock.lock();
    }
}

} // namespace athanor

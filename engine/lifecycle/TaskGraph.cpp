#include "lifecycle/TaskGraph.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

namespace athanor {

namespace {

// Job indices, lowest first (declaration order). A heap: 10,000 ready jobs cost no allocation each, as a
// std::set's nodes did. Jobs blocked while queued are dropped when they reach the top (`pending`).
class JobQueue {
public:
    void push(size_t job) { m_heap.push(job); }
    // True when no job for which `pending(job)` holds is queued; drops those at the top for which it does
    // not.
    template <typename Pending>
    bool empty(const Pending& pending) {
        while (!m_heap.empty() && !pending(m_heap.top()))
            m_heap.pop();
        return m_heap.empty();
    }
    size_t pop() {
        const size_t job = m_heap.top();
        m_heap.pop();
        return job;
    }
    bool emptyAsIs() const { return m_heap.empty(); }

private:
    std::priority_queue<size_t, std::vector<size_t>, std::greater<>> m_heap;
};

} // namespace

size_t TaskGraph::add(Job job, BlockedHandler onBlocked) {
    m_nodes.push_back(Node{std::move(job), std::move(onBlocked), {}, 0, State::Pending});
    return m_nodes.size() - 1;
}

void TaskGraph::addDependency(size_t job, size_t first) {
    m_nodes.at(first).dependents.push_back(job);
    ++m_nodes.at(job).waitingFor;
}

size_t TaskGraph::count(State state) const {
    size_t n = 0;
    for (const auto& node : m_nodes)
        if (node.state == state)
            ++n;
    return n;
}

void TaskGraph::run(int parallel, const CancellationToken& cancel,
                    const std::function<void(size_t, const std::string&)>& onException, const Waves* waves) {
    std::mutex mutex;
    std::condition_variable changed;
    JobQueue ready; // lowest index first: declaration order
    JobQueue wave;  // waves only: the prepared jobs not started yet
    JobQueue& startable = waves ? wave : ready;
    const auto isPending = [this](size_t job) {
        return m_nodes[job].state == State::Pending;
    };
    size_t running = 0;
    size_t unfinished = m_nodes.size();
    std::vector<std::pair<size_t, size_t>> blockedToReport; // (job, cause), reported outside the lock

    for (size_t i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].waitingFor == 0)
            ready.push(i);

    // Blocks every job that (transitively) waits for `failed`. Called with the lock held.
    const auto blockDependents = [&](size_t failed) {
        std::vector<size_t> stack{failed};
        while (!stack.empty()) {
            const size_t current = stack.back();
            stack.pop_back();
            for (size_t dependent : m_nodes[current].dependents) {
                Node& node = m_nodes[dependent];
                if (node.state != State::Pending)
                    continue;
                node.state = State::Blocked; // dropped from `ready` when it reaches the top
                --unfinished;
                blockedToReport.emplace_back(dependent, failed);
                stack.push_back(dependent);
            }
        }
    };

    const auto worker = [&] {
        std::unique_lock lock(mutex);
        for (;;) {
            if (!blockedToReport.empty()) {
                auto reports = std::move(blockedToReport);
                blockedToReport.clear();
                lock.unlock();
                for (auto [job, cause] : reports)
                    if (m_nodes[job].onBlocked)
                        m_nodes[job].onBlocked(cause);
                lock.lock();
                continue;
            }
            const bool none = startable.empty(isPending);
            if (unfinished == 0 || (cancel.isCancelled() && running == 0) || (none && running == 0))
                break;
            if (none || cancel.isCancelled()) {
                changed.wait_for(lock, std::chrono::milliseconds(50));
                continue;
            }
            const size_t job = startable.pop();
            m_nodes[job].state = State::Running;
            ++running;
            lock.unlock();
            bool ok = false;
            try {
                ok = m_nodes[job].job();
            } catch (const std::exception& e) {
                if (onException)
                    onException(job, e.what());
            } catch (...) {
                if (onException)
                    onException(job, "unknown error");
            }
            lock.lock();
            --running;
            --unfinished;
            m_nodes[job].state = ok ? State::Succeeded : State::Failed;
            if (ok) {
                for (size_t dependent : m_nodes[job].dependents)
                    if (m_nodes[dependent].state == State::Pending && --m_nodes[dependent].waitingFor == 0)
                        ready.push(dependent);
            } else {
                blockDependents(job);
            }
            changed.notify_all();
        }
        changed.notify_all();
    };

    const auto runWorkers = [&](size_t jobs) {
        const size_t threads = std::min<size_t>(static_cast<size_t>(std::max(parallel, 1)), jobs);
        if (threads <= 1) {
            worker();
        } else {
            std::vector<std::thread> pool;
            for (size_t i = 1; i < threads; ++i)
                pool.emplace_back(worker);
            worker(); // the calling thread is one of them
            for (auto& t : pool)
                t.join();
        }
    };
    if (!waves) {
        runWorkers(m_nodes.size());
    } else {
        for (size_t index = 0;; ++index) {
            std::vector<size_t> jobs;
            {
                std::lock_guard lock(mutex);
                if (cancel.isCancelled() || unfinished == 0)
                    break;
                const size_t most = waves->jobsInWave(index);
                while (jobs.size() < most && !ready.empty(isPending))
                    jobs.push_back(ready.pop());
            }
            if (jobs.empty())
                break;
            if (waves->prepare)
                waves->prepare(jobs);
            {
                std::lock_guard lock(mutex);
                for (size_t job : jobs)
                    wave.push(job);
            }
            size_t busy = jobs.size();
            if (waves->needsThread)
                busy = static_cast<size_t>(std::count_if(jobs.begin(), jobs.end(), waves->needsThread));
            runWorkers(busy);
            if (!wave.emptyAsIs()) { // cancelled: these were prepared but never started
                std::vector<size_t> abandoned;
                while (!wave.emptyAsIs())
                    abandoned.push_back(wave.pop());
                if (waves->abandon)
                    waves->abandon(abandoned);
            }
        }
    }
    for (auto& node : m_nodes)
        if (node.state == State::Pending)
            node.state = State::NotStarted;
}

} // namespace athanor

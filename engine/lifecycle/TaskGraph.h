#pragma once

#include "providers/Provider.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace athanor {

// A set of jobs with "must finish first" edges, run by up to N threads. Ready jobs start in the order they
// were added, so with N = 1 the run is exactly that order (the order Alchemy would use); with N > 1
// independent jobs overlap. A job whose dependency failed (or was itself blocked) never runs: it is blocked,
// and `onBlocked` hears which job caused it. Cancellation stops starting jobs; running ones finish.
class TaskGraph {
public:
    enum class State { Pending, Running, Succeeded, Failed, Blocked, NotStarted };
    using Job = std::function<bool()>;                        // true = succeeded
    using BlockedHandler = std::function<void(size_t cause)>; // cause: the failed job at the root

    size_t add(Job job, BlockedHandler onBlocked = {});
    // `job` starts only after `first` succeeded; if `first` fails, `job` is blocked.
    void addDependency(size_t job, size_t first);
    size_t size() const { return m_nodes.size(); }

    // Jobs started in waves (batched durability): a wave is up to `maxJobs` ready jobs in start order;
    // `prepare` sees them before any of them starts (on the calling thread; it may write all their in-flight
    // records with one sync), jobs that become ready meanwhile wait for the next wave, and `abandon` hears
    // the prepared jobs that a cancellation kept from starting (to put their records back).
    struct Waves {
        size_t maxJobs = 512;
        // Non-zero: the first wave starts at most this many jobs and each next one twice as many, up to
        // maxJobs (a destroy's first waves are small, so that later ones reuse their files: StateDestroyer).
        size_t firstJobs = 0;
        // How many jobs wave `index` (0 first) starts at most.
        size_t jobsInWave(size_t index) const {
            const size_t most = std::max<size_t>(maxJobs, 1);
            if (firstJobs == 0)
                return most;
            size_t jobs = firstJobs;
            for (size_t i = 0; i < index && jobs < most; ++i)
                jobs *= 2;
            return std::min(jobs, most);
        }
        std::function<void(const std::vector<size_t>& jobs)> prepare;
        std::function<void(const std::vector<size_t>& jobs)> abandon;
        // After `prepare`: whether a job still has work that may block (false: it finishes at once, as a
        // no-change up's skipped resources do). A wave gets threads only for those; none: the calling thread
        // runs it. Unset: every job may.
        std::function<bool(size_t job)> needsThread;
    };

    // Runs everything; a job that throws counts as failed (`onException` hears the message).
    void run(int parallel, const CancellationToken& cancel,
             const std::function<void(size_t job, const std::string& message)>& onException = {},
             const Waves* waves = nullptr);

    State state(size_t job) const { return m_nodes.at(job).state; }
    size_t count(State state) const;

private:
    struct Node {
        Job job;
        BlockedHandler onBlocked;
        std::vector<size_t> dependents;
        size_t waitingFor = 0;
        State state = State::Pending;
    };
    std::vector<Node> m_nodes;
};

} // namespace athanor

// TaskGraph: the order jobs start in (declaration order among the ready ones), blocking behind a failure, and
// waves (prepared in start order, the cancelled rest handed back in order).
#include "lifecycle/TaskGraph.h"

#include <QtTest>
#include <mutex>

using namespace athanor;

namespace {

// Six jobs: 0 waits for 3, 4 waits for 0; `fails` fails. Returns the start order.
std::vector<size_t> runChain(TaskGraph& graph, std::vector<size_t>& blocked, int parallel,
                             std::optional<size_t> fails, const TaskGraph::Waves* waves = nullptr,
                             CancellationToken* cancelAfterFirst = nullptr) {
    std::mutex mutex;
    std::vector<size_t> started;
    for (size_t i = 0; i < 6; ++i)
        graph.add(
            [&, i] {
                std::lock_guard lock(mutex);
                started.push_back(i);
                if (cancelAfterFirst)
                    cancelAfterFirst->cancel();
                return i != fails;
            },
            [&, i](size_t cause) {
                std::lock_guard lock(mutex);
                blocked.push_back(i * 100 + cause);
            });
    graph.addDependency(0, 3);
    graph.addDependency(4, 0);
    CancellationToken none;
    graph.run(parallel, cancelAfterFirst ? *cancelAfterFirst : none, {}, waves);
    return started;
}

} // namespace

class TestTaskGraph : public QObject {
    Q_OBJECT

private slots:
    // One at a time: the lowest ready job first, a job made ready by another taking its place by index.
    void readyJobsStartInDeclarationOrder() {
        TaskGraph graph;
        std::vector<size_t> blocked;
        QCOMPARE(runChain(graph, blocked, 1, std::nullopt), (std::vector<size_t>{1, 2, 3, 0, 4, 5}));
        QVERIFY(blocked.empty());
        QCOMPARE(graph.count(TaskGraph::State::Succeeded), size_t(6));
    }

    // What waits (transitively) for a failed job never starts and hears the job at the root of it.
    void dependentsOfAFailureAreBlocked() {
        for (int parallel : {1, 4}) {
            TaskGraph graph;
            std::vector<size_t> blocked;
            std::vector<size_t> started = runChain(graph, blocked, parallel, size_t(3));
            std::sort(started.begin(), started.end());
            QCOMPARE(started, (std::vector<size_t>{1, 2, 3, 5}));
            std::sort(blocked.begin(), blocked.end());
            QCOMPARE(blocked, (std::vector<size_t>{0 * 100 + 3, 4 * 100 + 3}));
            QCOMPARE(graph.state(3), TaskGraph::State::Failed);
            QCOMPARE(graph.state(0), TaskGraph::State::Blocked);
            QCOMPARE(graph.state(4), TaskGraph::State::Blocked);
        }
    }

    // Waves hold the ready jobs in start order, at most maxJobs each; blocked jobs are in none.
    void wavesInStartOrder() {
        TaskGraph graph;
        std::vector<std::vector<size_t>> prepared;
        TaskGraph::Waves waves;
        waves.maxJobs = 2;
        waves.prepare = [&](const std::vector<size_t>& jobs) {
            prepared.push_back(jobs);
        };
        std::vector<size_t> blocked;
        runChain(graph, blocked, 4, size_t(0), &waves);
        QCOMPARE(prepared, (std::vector<std::vector<size_t>>{{1, 2}, {3, 5}, {0}}));
        QCOMPARE(graph.state(4), TaskGraph::State::Blocked);
    }

    // Cancelled during a wave: the jobs it prepared but never started come back, in order.
    void cancelledWaveHandsBackItsJobs() {
        TaskGraph graph;
        TaskGraph::Waves waves;
        waves.maxJobs = 4;
        std::vector<size_t> abandoned;
        waves.abandon = [&](const std::vector<size_t>& jobs) {
            abandoned = jobs;
        };
        std::vector<size_t> blocked;
        CancellationToken cancel;
        const std::vector<size_t> started = runChain(graph, blocked, 1, std::nullopt, &waves, &cancel);
        QCOMPARE(started, std::vector<size_t>{1});
        QCOMPARE(abandoned, (std::vector<size_t>{2, 3, 5}));
        QCOMPARE(graph.count(TaskGraph::State::NotStarted), size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestTaskGraph)
#include "tst_task_graph.moc"

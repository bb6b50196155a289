// LatestOnlyJob, the one helper for work off the GUI thread of which only the newest run matters (the stage
// lock check, the destroy preview, the repair dialogs' plans, the rekey plan): an older run that ends after a
// newer one is never delivered, discard() drops every run, the stop token reaches the work, results arrive on
// the GUI thread, and nothing arrives once the job is gone.
#include "jobs/LatestOnlyJob.h"

#include <QSemaphore>
#include <QThread>
#include <QThreadPool>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace athanor::ui;

namespace {

// Lets a test hold a job's work until it says so, and see that the work has returned.
struct Gate {
    QSemaphore open;
    std::atomic<bool> returned{false};

    void release() { open.release(); }
    // The work waits for release(); a test that forgets it fails instead of hanging.
    void wait() {
        if (!open.tryAcquire(1, 20000))
            qWarning("gate never opened");
    }
};

} // namespace

class TestLatestOnlyJob : public QObject {
    Q_OBJECT

private slots:
    // Two runs held at once need two pool threads, on any machine.
    void initTestCase() {
        QThreadPool::globalInstance()->setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    }
    void cleanup() { QThreadPool::globalInstance()->waitForDone(30000); }

    // The first run is slower than the second: only the second's result is delivered, also after the first
    // has returned.
    void anOlderSlowerResultIsDropped() {
        LatestOnlyJob<int> job;
        QList<int> delivered;
        auto slow = std::make_shared<Gate>();
        job.start(
            [slow] {
                slow->wait();
                slow->returned = true;
                return 1;
            },
            [&delivered](int value) { delivered << value; });
        QVERIFY(job.isRunning());
        job.start([] { return 2; }, [&delivered](int value) { delivered << value; });
        QTRY_COMPARE(delivered, QList<int>{2});
        QVERIFY(!job.isRunning());

        slow->release();
        QTRY_VERIFY(slow->returned.load());
        QThreadPool::globalInstance()->waitForDone(10000);
        QTest::qWait(100); // the finished signal of the older run is queued: let it come
        QCOMPARE(delivered, QList<int>{2});
    }

    // discard(): nothing started before it is delivered, and isRunning() says so at once.
    void discardDropsEveryRun() {
        LatestOnlyJob<QString> job;
        QList<bool> running;
        job.onRunningChanged([&running](bool value) { running << value; });
        int delivered = 0;
        auto gate = std::make_shared<Gate>();
        for (int i = 0; i < 2; ++i)
            job.start(
                [gate] {
                    gate->wait();
                    gate->returned = true;
                    return QStringLiteral("stale");
                },
                [&delivered](const QString&) { ++delivered; });
        QCOMPARE(running, (QList<bool>{true})); // a newer start while running changes nothing
        job.discard();
        QVERIFY(!job.isRunning());
        QCOMPARE(running, (QList<bool>{true, false}));
        gate->release();
        gate->release();
        QThreadPool::globalInstance()->waitForDone(10000);
        QVERIFY(gate->returned.load());
        QTest::qWait(100);
        QCOMPARE(delivered, 0);

        // The job is usable again after a discard.
        job.start([] { return QStringLiteral("fresh"); }, [&delivered](const QString&) { ++delivered; });
        QTRY_COMPARE(delivered, 1);
        QCOMPARE(running, (QList<bool>{true, false, true, false}));
    }

    // Work that takes the stop token sees a newer start(), a discard() and requestStop(); after requestStop()
    // its result (what stopping left) is still delivered.
    void theStopTokenReachesTheWork() {
        LatestOnlyJob<bool> job;
        const auto untilStopped = [](std::stop_token stop) {
            for (int i = 0; i < 2000 && !stop.stop_requested(); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return stop.stop_requested();
        };
        QList<bool> delivered;
        const auto record = [&delivered](bool stopped) {
            delivered << stopped;
        };

        job.start(untilStopped, record);
        job.requestStop();
        QTRY_COMPARE(delivered, QList<bool>{true});

        job.start(untilStopped, record);
        job.start([](std::stop_token stop) { return stop.stop_requested(); }, record);
        QTRY_COMPARE(delivered, (QList<bool>{true, false})); // the newer run was not asked to stop

        auto sawStop = std::make_shared<std::atomic<bool>>(false);
        job.start([untilStopped, sawStop](std::stop_token stop) { return *sawStop = untilStopped(stop); },
                  record);
        job.discard();
        QTRY_VERIFY(sawStop->load());
        QTest::qWait(100);
        QCOMPARE(delivered.size(), 2);
    }

    // The work runs on the thread pool; the result comes back on the thread that owns the job.
    void theResultArrivesOnTheOwnersThread() {
        LatestOnlyJob<QThread*> job;
        QThread* worker = nullptr;
        QThread* callback = nullptr;
        job.start([] { return QThread::currentThread(); },
                  [&](QThread* ranOn) {
                      worker = ranOn;
                      callback = QThread::currentThread();
                  });
        QTRY_VERIFY(callback);
        QCOMPARE(callback, QThread::currentThread());
        QVERIFY(worker != QThread::currentThread());
    }

    // Destroying the job (its owner closed) drops the result of a run still under way.
    void nothingArrivesOnceTheJobIsGone() {
        int delivered = 0;
        auto gate = std::make_shared<Gate>();
        {
            LatestOnlyJob<int> job;
            job.start(
                [gate] {
                    gate->wait();
                    return 7;
                },
                [&delivered](int) { ++delivered; });
        }
        gate->release();
        QThreadPool::globalInstance()->waitForDone(10000);
        QTest::qWait(100);
        QCOMPARE(delivered, 0);
    }
};

QTEST_MAIN(TestLatestOnlyJob)
#include "tst_latest_only_job.moc"

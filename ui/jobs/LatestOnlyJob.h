#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <functional>
#include <memory>
#include <stop_token>
#include <type_traits>
#include <utility>

namespace athanor::ui {

// Work off the GUI thread of which only the latest run matters (KDAB hotspot's JobTracker is the model):
// start() runs `work` on Qt's global thread pool and hands its result to `onResult` on the thread that
// created this object (the GUI thread), by a queued call. A newer start() or discard() drops the result of
// every older run and asks it to stop through the std::stop_token `work` may take; work that cannot stop
// early just runs to its end unseen. Destroying the job is a discard(): no callback runs once its owner is
// gone. One door for "plan / check / preview off-thread, newest input wins".
template <typename Result>
class LatestOnlyJob {
public:
    LatestOnlyJob() : m_receiver(std::make_unique<QObject>()) {}
    ~LatestOnlyJob() { discard(); }
    LatestOnlyJob(const LatestOnlyJob&) = delete;
    LatestOnlyJob& operator=(const LatestOnlyJob&) = delete;

    // `work()` or `work(std::stop_token)` returns a Result and must not throw (catch and put the error in the
    // Result); it runs on another thread, so it captures copies or shared pointers, never the owner's
    // members. `onResult(Result)` runs later on this object's thread unless start() or discard() came since.
    template <typename Work, typename OnResult>
    void start(Work work, OnResult onResult) {
        m_stop.request_stop(); // the run before this one no longer matters
        m_stop = std::stop_source();
        const quint64 generation = ++m_generation;
        setRunning(true);
        auto* watcher = new QFutureWatcher<Result>(m_receiver.get());
        // Queued, so that an owner deleted by its own callback never deletes the watcher inside its event.
        QObject::connect(
            watcher, &QFutureWatcherBase::finished, m_receiver.get(),
            [this, watcher, generation, onResult = std::move(onResult)]() mutable {
                watcher->deleteLater();
                if (generation != m_generation)
                    return; // a newer start() or a discard() came: this result is stale
                setRunning(false);
                onResult(watcher->future().takeResult());
            },
            Qt::QueuedConnection);
        watcher->setFuture(
            QtConcurrent::run([work = std::move(work), token = m_stop.get_token()]() mutable -> Result {
                if constexpr (std::is_invocable_v<Work&, std::stop_token>)
                    return work(token);
                else
                    return work();
            }));
    }

    // Every run started so far no longer matters: their results are dropped, they are asked to stop.
    void discard() {
        m_stop.request_stop();
        ++m_generation;
        setRunning(false);
    }

    // Asks the latest run to stop early (its std::stop_token); unlike discard() its result still arrives,
    // and says what stopping left (e.g. "cancelled; nothing was written").
    void requestStop() { m_stop.request_stop(); }

    // The latest run has not delivered its result yet (and was not discarded).
    bool isRunning() const { return m_running; }
    // Called when isRunning() changes (before the result's callback when a run ends), e.g. to emit a signal.
    void onRunningChanged(std::function<void(bool running)> callback) {
        m_runningChanged = std::move(callback);
    }

private:
    void setRunning(bool running) {
        if (std::exchange(m_running, running) != running && m_runningChanged)
            m_runningChanged(running);
    }

    std::unique_ptr<QObject> m_receiver; // parent of the watchers; its thread runs the callbacks
    std::stop_source m_stop;             // of the latest run
    quint64 m_generation = 0;            // of the latest run; an older run's result is dropped
    bool m_running = false;
    std::function<void(bool)> m_runningChanged;
};

} // namespace athanor::ui

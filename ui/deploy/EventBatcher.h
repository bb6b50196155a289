#pragma once

#include "events/EngineEvent.h"

#include <QObject>
#include <QTimer>
#include <memory>
#include <mutex>
#include <vector>

namespace athanor::ui {

class RunLogFile;

// The engine's EventSink for the GUI. Worker threads only append to a vector under a mutex (and to the run's
// log file); the GUI thread collects what accumulated every ~50 ms and hands it on in slices of at most
// `maxBatch` events, so a run that prints 100,000 lines in a second costs the GUI a few short slices per
// frame instead of 100,000 queued calls.
class EventBatcher : public QObject, public athanor::EventSink {
    Q_OBJECT

public:
    explicit EventBatcher(QObject* parent = nullptr);
    ~EventBatcher() override;

    // Any thread.
    void onEvent(const athanor::EngineEvent& event) override;
    void setRecorder(std::shared_ptr<RunLogFile> recorder);

    // GUI thread.
    void setInterval(int ms) { m_intervalMs = ms; }
    void setMaxBatch(int events) { m_maxBatch = events > 0 ? events : 1; }
    bool isIdle() const;

signals:
    // Delivered on the GUI thread, in the order the engine reported them.
    void eventsReady(const std::vector<athanor::EngineEvent>& events);
    // Everything reported so far has been delivered.
    void drained();

private:
    void deliver();

    mutable std::mutex m_mutex;
    std::vector<athanor::EngineEvent> m_pending; // guarded by m_mutex
    bool m_scheduled = false;                    // guarded by m_mutex: a delivery is on its way
    std::shared_ptr<RunLogFile> m_recorder;      // guarded by m_mutex

    // GUI thread only.
    std::vector<athanor::EngineEvent> m_ready;
    std::size_t m_readyPos = 0;
    QTimer m_timer;
    int m_intervalMs = 50;
    int m_maxBatch = 1500;
};

} // namespace athanor::ui

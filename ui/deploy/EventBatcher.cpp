#include "deploy/EventBatcher.h"

#include "deploy/RunLogFile.h"

#include <algorithm>
#include <iterator>

namespace athanor::ui {

EventBatcher::EventBatcher(QObject* parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &EventBatcher::deliver);
}

EventBatcher::~EventBatcher() = default;

void EventBatcher::onEvent(const athanor::EngineEvent& event) {
    bool schedule = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_recorder)
            m_recorder->write(event);
        m_pending.push_back(event);
        if (!m_scheduled) {
            m_scheduled = true;
            schedule = true;
        }
    }
    if (schedule) {
        // One queued call per delivery cycle, not per event; the timer then gathers ~50 ms worth.
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (!m_timer.isActive())
                    m_timer.start(m_intervalMs);
            },
            Qt::QueuedConnection);
    }
}

void EventBatcher::setRecorder(std::shared_ptr<RunLogFile> recorder) {
    const std::lock_guard lock(m_mutex);
    m_recorder = std::move(recorder);
}

bool EventBatcher::isIdle() const {
    const std::lock_guard lock(m_mutex);
    return !m_scheduled && m_pending.empty() && m_readyPos >= m_ready.size();
}

void EventBatcher::deliver() {
    {
        const std::lock_guard lock(m_mutex);
        if (m_readyPos >= m_ready.size()) {
            m_ready.clear();
            m_readyPos = 0;
            m_ready.swap(m_pending);
        } else {
            std::move(m_pending.begin(), m_pending.end(), std::back_inserter(m_ready));
            m_pending.clear();
        }
    }
    const std::size_t n = std::min<std::size_t>(std::size_t(m_maxBatch), m_ready.size() - m_readyPos);
    if (n > 0) {
        std::vector<athanor::EngineEvent> slice(
            std::make_move_iterator(m_ready.begin() + std::ptrdiff_t(m_readyPos)),
            std::make_move_iterator(m_ready.begin() + std::ptrdiff_t(m_readyPos + n)));
        m_readyPos += n;
        emit eventsReady(slice);
    }
    if (m_readyPos < m_ready.size()) {
        m_timer.start(0); // more is waiting: next slice after the event loop has painted
        return;
    }
    m_ready.clear();
    m_readyPos = 0;
    bool more = false;
    {
        const std::lock_guard lock(m_mutex);
        more = !m_pending.empty();
        m_scheduled = more;
    }
    if (more)
        m_timer.start(m_intervalMs);
    else
        emit drained();
}

} // namespace athanor::ui

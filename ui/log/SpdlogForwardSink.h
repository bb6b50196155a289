#pragma once

#include "events/EngineEvent.h"

#include <memory>
#include <mutex>
#include <spdlog/sinks/base_sink.h>

namespace athanor::ui {

// Routes spdlog output (the engine logs through spdlog's default logger) into the same event stream as the
// run's events, so it lands in the log pane in order with them. One instance per process sits on the
// default logger; the running run points it at its own sink and clears it afterwards, so two consoles never
// receive each other's lines and a destroyed console is never called.
class SpdlogForwardSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    // The process-wide instance, added to spdlog's default logger on first use (GUI thread, before runs).
    static std::shared_ptr<SpdlogForwardSink> instance();

    void setTarget(athanor::EventSink* target);
    // Clears the target only if it is still `target` (a newer run may have taken over).
    void clearTarget(athanor::EventSink* target);

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    athanor::EventSink* m_target = nullptr; // guarded by base_sink::mutex_
};

} // namespace athanor::ui

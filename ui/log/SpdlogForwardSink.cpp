#include "log/SpdlogForwardSink.h"

#include <spdlog/spdlog.h>

namespace athanor::ui {

namespace {
athanor::LogLevel toLogLevel(spdlog::level::level_enum level) {
    switch (level) {
    case spdlog::level::trace:
        return athanor::LogLevel::Trace;
    case spdlog::level::debug:
        return athanor::LogLevel::Debug;
    case spdlog::level::info:
        return athanor::LogLevel::Info;
    case spdlog::level::warn:
        return athanor::LogLevel::Warn;
    case spdlog::level::err:
    case spdlog::level::critical:
        return athanor::LogLevel::Error;
    default:
        return athanor::LogLevel::Info;
    }
}
} // namespace

std::shared_ptr<SpdlogForwardSink> SpdlogForwardSink::instance() {
    static const std::shared_ptr<SpdlogForwardSink> sink = [] {
        auto s = std::make_shared<SpdlogForwardSink>();
        spdlog::default_logger()->sinks().push_back(s);
        return s;
    }();
    return sink;
}

void SpdlogForwardSink::clearTarget(athanor::EventSink* target) {
    const std::lock_guard lock(mutex_);
    if (m_target == target)
        m_target = nullptr;
}

void SpdlogForwardSink::setTarget(athanor::EventSink* target) {
    const std::lock_guard lock(mutex_);
    m_target = target;
}

void SpdlogForwardSink::sink_it_(const spdlog::details::log_msg& msg) {
    // base_sink holds mutex_ here, so the target cannot be cleared and destroyed mid-call.
    if (!m_target)
        return;
    athanor::EngineEvent event;
    event.type = athanor::EventType::Log;
    event.time = msg.time;
    event.level = toLogLevel(msg.level);
    event.message.assign(msg.payload.data(), msg.payload.size());
    m_target->onEvent(event);
}

} // namespace athanor::ui

#pragma once

#include "events/EngineEvent.h"

#include <cstdio>
#include <filesystem>
#include <mutex>

namespace athanor {

// The full log of one run for run history, written as it happens (one EventJson object per line) from
// whichever thread reports an event. A buffered stdio stream keeps the cost per event to a memcpy on most
// calls; nothing of the run lives only in memory.
class RunLogWriter : public EventSink {
public:
    explicit RunLogWriter(const std::filesystem::path& file); // isOpen() tells whether it could be created
    ~RunLogWriter() override;
    RunLogWriter(const RunLogWriter&) = delete;
    RunLogWriter& operator=(const RunLogWriter&) = delete;

    bool isOpen() const;
    const std::filesystem::path& file() const { return m_path; }
    void onEvent(const EngineEvent& event) override;
    void close(); // flushes; later events are ignored

private:
    std::filesystem::path m_path;
    mutable std::mutex m_mutex;
    std::FILE* m_file = nullptr;
};

} // namespace athanor

#pragma once

#include "events/EngineEvent.h"

#include <QString>
#include <cstdio>
#include <mutex>

namespace athanor::ui {

// The full log of one run, written as it happens (one JSON object per line) from whichever worker thread
// reports an event. Writing through a buffered stdio stream keeps the cost per event to a memcpy on most
// calls, and nothing of the run lives only in memory: the ring buffer may forget, the file does not.
class RunLogFile {
public:
    explicit RunLogFile(const QString& fileName);
    ~RunLogFile();
    RunLogFile(const RunLogFile&) = delete;
    RunLogFile& operator=(const RunLogFile&) = delete;

    bool isOpen() const { return m_file != nullptr; }
    QString fileName() const { return m_fileName; }
    void write(const athanor::EngineEvent& event);
    void close();

private:
    QString m_fileName;
    std::mutex m_mutex;
    std::FILE* m_file = nullptr;
};

} // namespace athanor::ui

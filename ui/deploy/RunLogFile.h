#pragma once

#include "events/EngineEvent.h"
#include "history/RunLogWriter.h"

#include <QString>

namespace athanor::ui {

// The full log of one run, written as it happens from whichever worker thread reports an event, in the run
// history format (engine history/RunLogWriter, which athanorctl writes too).
class RunLogFile {
public:
    explicit RunLogFile(const QString& fileName);
    RunLogFile(const RunLogFile&) = delete;
    RunLogFile& operator=(const RunLogFile&) = delete;

    bool isOpen() const { return m_writer.isOpen(); }
    QString fileName() const { return m_fileName; }
    void write(const athanor::EngineEvent& event) { m_writer.onEvent(event); }
    void close() { m_writer.close(); }

private:
    QString m_fileName;
    athanor::RunLogWriter m_writer;
};

} // namespace athanor::ui

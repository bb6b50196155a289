#pragma once

#include "events/EngineEvent.h"

#include <QString>
#include <QtGlobal>

namespace athanor::ui {

// One line of the log pane. Kept small (two QStrings and two scalars) because the ring buffer holds
// up to 100,000 of them.
struct LogEntry {
    qint64 timeMs = 0; // milliseconds since the epoch, UTC
    athanor::LogLevel level = athanor::LogLevel::Info;
    QString message; // a single line; multi-line text is split before it gets here
    QString fqn;     // the resource the line is about, empty for run-level lines
};

} // namespace athanor::ui

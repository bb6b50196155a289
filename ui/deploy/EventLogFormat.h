#pragma once

#include "events/EngineEvent.h"
#include "log/LogEntry.h"

#include <QString>
#include <vector>

namespace athanor::ui {

// Turns engine events into log-pane lines, worded like Alchemy's console ("[created]   site > worker
// Created Resource") so a person who knows the CLI reads the GUI log without surprises. Multi-line text
// (command output, errors) becomes one entry per line.
void appendLogEntries(const athanor::EngineEvent& event, std::vector<LogEntry>& out);

// "shop/dev/site/worker" -> "site > worker" (Alchemy's formatFQN: app and stage dropped).
QString displayPath(const QString& fqn);
// "shop/dev/site/worker" -> "site/worker": how the stack file and $ref name a resource.
QString stageRelativePath(const QString& fqn);

} // namespace athanor::ui

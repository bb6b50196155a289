#pragma once

#include "deploy/RunOutcome.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

namespace athanor::ui {

// One line of run history, read back from <project>/.alchemy/.athanor/runs/<name>.json.
struct RunHistoryEntry {
    QString summaryFile;
    QString logFile; // may be missing on disk
    athanor::Phase phase = athanor::Phase::Up;
    QString app;
    QString stage;
    QDateTime startedAt;
    qint64 durationMs = 0;
    RunEnd end = RunEnd::Succeeded;
    athanor::RunCounts counts;
    QString error;
    QString firstFailureFqn;
    QString firstFailureMessage;
    QStringList errors;
    bool force = false;
    bool adopt = false;
    int parallel = 1;
    PlannedCounts planned; // plan runs: what Up would have done
};

} // namespace athanor::ui

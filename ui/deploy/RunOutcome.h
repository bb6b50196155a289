#pragma once

#include "deploy/DeployRequest.h"
#include "lifecycle/RunApi.h"

#include <QDateTime>
#include <QString>
#include <map>
#include <optional>
#include <vector>

namespace athanor::ui {

// How a run ended, including the two ways it can end before anything ran.
enum class RunEnd {
    Succeeded,
    Failed,
    Cancelled,
    LockHeld, // another writer holds the stage lock; nothing changed
    Error     // refused before anything changed (bad stack file, missing password, ...)
};

struct LockHolder {
    qint64 pid = 0;
    QString host;
    QString since;     // ISO-8601, as the lock file says
    QString operation; // "up" / "destroy"
};

// Everything the GUI shows about a finished run and what run history stores.
struct RunOutcome {
    DeployRequest request;
    QDateTime startedAt;
    qint64 durationMs = 0;
    RunEnd end = RunEnd::Succeeded;
    athanor::RunReport report;
    QString error; // RunEnd::Error / LockHeld: the reason, as the engine worded it
    std::optional<LockHolder> lock;
    // Destroy refused by the built-in engine: kind -> the records of that kind it has no provider for.
    std::map<QString, QStringList> unknownKinds;
    // No runtime fits the program, but this one would (bun, when node is too old for TypeScript).
    QString runtimeAlternative;
    QString summaryFile; // the run-history record, empty when it could not be written
    QString logFile;

    // Ends it as the engine's refusal to destroy over kinds it has no provider for (the run's, or the dry
    // run's before the confirmation): the error and the kinds with their records.
    void refuseUnknownKinds(const athanor::UnknownKindsError& refusal);
};

QString runEndText(RunEnd end); // "succeeded", "failed", "cancelled", "locked", "error"
std::optional<RunEnd> parseRunEnd(const QString& text);
QString phaseTitle(athanor::Phase phase); // "Up", "Read", "Destroy", "Plan"
// "3 created, 1 updated, 2 skipped" (zero counts left out; "nothing changed" when all are zero)
QString countsText(const athanor::RunCounts& counts);
// What a plan found, per action: counted from the plan, or read back from a run-history summary.
using PlannedCounts = std::map<athanor::PlannedChange::Action, int>;
PlannedCounts plannedCounts(const std::vector<athanor::PlannedChange>& plan);
// "2 to create, 1 to delete, 5 unchanged" ("no changes" when there is nothing but unchanged resources)
QString plannedText(const PlannedCounts& counts);
// "1 resource" / "3 resources": English plurals without a loaded translation (tr's %n would print "(s)").
QString countOf(int n, const QString& one, const QString& many);
// "850 ms", "4.2 s", "2 min 05 s"
QString durationText(qint64 ms);
// "pid 4242 on build-host since 2024-05-01T10:00:00Z (up)"
QString lockHolderText(const LockHolder& holder);

} // namespace athanor::ui

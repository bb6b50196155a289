#pragma once

#include "deploy/RunHistoryEntry.h"
#include "deploy/RunOutcome.h"
#include "log/LogEntry.h"
#include "models/RunActivity.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace athanor::ui {

// Run history on disk: per run a summary (<stamp>-<phase>-<stage>.json) and its full event log
// (<same>.log.jsonl) under <athanor home>/runs/ (StateSource::athanorHome(): .alchemy/.athanor for a folder,
// where real Alchemy never looks).
class RunHistoryStore {
public:
    static QString runsDir(const QString& athanorHome);
    // Fills summaryFile and logFile of a run that is about to start (folder created on demand). False for a
    // Plan or Read in a project without a state folder: they change nothing, so they do not create one.
    static bool prepare(RunOutcome& outcome, QString* error = nullptr);
    // Writes the summary; safe on any thread.
    static bool writeSummary(const RunOutcome& outcome, QString* error = nullptr);
    // Removes the runs beyond the history's setting (athanor::pruneRunHistoryIn), never `summaryFile`'s own;
    // the files it could not remove, each named. Removes files: not on the GUI thread.
    static QStringList prune(const QString& athanorHome, const QString& summaryFile);
    // How many runs per stage the history keeps, and setting it (then pruning); files: not on the GUI thread.
    static int keepPerStage(const QString& athanorHome);
    static bool setKeepPerStage(const QString& athanorHome, int keep, QString* error = nullptr);

    static std::optional<RunHistoryEntry> readSummary(const QString& summaryFile);
    // Newest first.
    static std::vector<RunHistoryEntry> list(const QString& athanorHome);
    // The run's log as log-pane lines; lines that do not parse are skipped (a run killed mid-write).
    static std::vector<LogEntry> readLog(const QString& logFile, QString* error = nullptr);
    // The events of a run's log file, in order (lines that are not events are skipped).
    static std::vector<athanor::EngineEvent> readEvents(const QString& logFile, QString* error = nullptr);
    // The resources whose handler failed in the last run of their stage that wrote records (Up or Destroy
    // touching at least one resource), by FQN, with the error and the run's log. A run whose process died
    // counts too (its log has no summary): what it logged as failed did fail. Reads files: not on the GUI
    // thread.
    static QHash<QString, ResourceRun> lastRunFailures(const QString& athanorHome);
};

} // namespace athanor::ui

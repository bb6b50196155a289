#pragma once

#include "events/EngineEvent.h"
#include "lifecycle/RunApi.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Run history: what athanorctl and the GUI's History tab both write and read. Per run, under
// <athanor home>/runs/ (StateSource::athanorHome(); <project>/.alchemy/.athanor for a folder, where real
// Alchemy never looks). The *In functions take the home; the others the project root of a folder source.
//   <yyyyMMdd-HHmmss-zzz>-<phase>-<stage>.json       the summary (RunSummary below, JSON, version 1)
//   <same>.log.jsonl                                 every event of the run, one EventJson object a line
// The stamp is the start time in UTC, so names sort by start time.

// How a recorded run ended, including the two ways a run can end before anything ran.
enum class HistoryResult {
    Succeeded,
    Failed,
    Cancelled,
    Locked, // another writer held the stage lock; nothing changed
    Error   // refused before anything changed (bad stack file, no runtime, missing password, ...)
};
std::string_view toString(HistoryResult result); // "succeeded", "failed", "cancelled", "locked", "error"
std::optional<HistoryResult> parseHistoryResult(std::string_view text);
HistoryResult historyResultOf(RunResult result);

struct HistoryLockHolder {
    long long pid = 0;
    std::string host;
    std::string since;     // ISO-8601, as the lock file says
    std::string operation; // "up" / "destroy"
};

// One run's summary file.
struct RunSummary {
    Phase phase = Phase::Up;
    std::string app;
    std::string stage;
    std::string stackFile; // the stack file of an engine run (may be empty: destroy from state)
    std::string program;   // the entrypoint of an Alchemy-program run (empty for engine runs)
    std::chrono::system_clock::time_point startedAt;
    int64_t durationMs = 0;
    HistoryResult result = HistoryResult::Succeeded;
    RunCounts counts;
    // Plan runs: what Up would do, per action (the summary of a plan lists counts, not the changes).
    std::optional<std::map<PlannedChange::Action, int>> planned;
    bool force = false;
    bool adopt = false;
    int parallel = 1;
    std::string error; // Error / Locked: the reason, as the engine worded it
    std::string firstFailureFqn;
    std::string firstFailureMessage;
    std::vector<std::string> errors;
    std::optional<HistoryLockHolder> lock;
    std::string logFileName; // the event log's file name, in the same folder
};

// <projectRoot>/.alchemy/.athanor: the Athanor home of a folder source
std::filesystem::path folderAthanorHome(const std::filesystem::path& projectRoot);
// <projectRoot>/.alchemy/.athanor/runs
std::filesystem::path runHistoryDir(const std::filesystem::path& projectRoot);
// <athanorHome>/runs
std::filesystem::path runHistoryDirIn(const std::filesystem::path& athanorHome);

struct RunHistoryFiles {
    std::filesystem::path summary; // <runs>/<stamp>-<phase>-<stage>.json
    std::filesystem::path log;     // <runs>/<stamp>-<phase>-<stage>.log.jsonl
};
// A run's file name (the names prepareRunHistory gives), taken apart; nullopt for any other name (settings,
// temp files, a user's notes).
struct RunFileName {
    std::string base; // <stamp>-<phase>-<stage part>: the stamp first, so bases sort by start time
    Phase phase = Phase::Up;
    std::string stage;    // the stage part (safeSegment of the stage)
    bool summary = false; // .json; else the event log, .log.jsonl
};
std::optional<RunFileName> parseRunFileName(std::string_view name);

// Whether a run is kept in run history: plan and read change nothing, so in a project without a state folder
// they create none (not even for their history); up and destroy always are.
bool keepsRunHistory(const std::filesystem::path& projectRoot, Phase phase);
// The same for a source's Athanor home: a folder's (.alchemy/.athanor) keeps plan and read only when its
// .alchemy exists; a home kept apart from its source (a database's) always keeps them.
bool keepsRunHistoryIn(const std::filesystem::path& athanorHome, Phase phase);
// The file names of a run starting at `startedAt`, with the folder created. Throws std::runtime_error naming
// the folder when it cannot be created.
RunHistoryFiles prepareRunHistory(const std::filesystem::path& projectRoot, Phase phase,
                                  const std::string& stage, std::chrono::system_clock::time_point startedAt);
RunHistoryFiles prepareRunHistoryIn(const std::filesystem::path& athanorHome, Phase phase,
                                    const std::string& stage,
                                    std::chrono::system_clock::time_point startedAt);

// Retention: the newest `keep` runs of each stage are kept (plan, read, up and destroy together), older ones
// are removed each time a run is recorded, so a CI job running `athanorctl up` per commit does not grow the
// folder forever. A run killed before its summary counts too (by its log). Stages are told apart by the
// file name's stage part (safeSegment: "qa/1" and "qa_1" share a budget). The setting lives beside the runs:
// <runs>/settings.json {"keep": 100}.
struct RunHistorySettings {
    static constexpr int kDefaultKeep = 100;
    int keep = kDefaultKeep; // runs kept per stage, >= 1
};
// The defaults when the file is missing or unreadable (it only bounds how much is kept).
RunHistorySettings runHistorySettingsIn(const std::filesystem::path& athanorHome);
// Throws std::invalid_argument for keep < 1, std::runtime_error naming the file when it cannot be written.
void setRunHistorySettingsIn(const std::filesystem::path& athanorHome, const RunHistorySettings& settings);

struct PrunedRunHistory {
    size_t runs = 0;                 // runs removed (a summary, its log, or both)
    std::vector<std::string> errors; // files that could not be removed, each named with the reason
};
// Removes the runs of each stage beyond the setting, oldest first (by the UTC stamp of their names). Never
// removes `current` (the summary of the run being recorded, even when a clock that went back makes it look
// old), nor a log without summary written in the last 24 hours: that run may still be going in another
// process. Files whose names are not a run's (settings, temp files, anything a user put there) are never
// touched. Best effort: a file that cannot be removed is reported and the rest goes on. One directory
// listing, no file read: cheap enough for every run.
PrunedRunHistory pruneRunHistoryIn(const std::filesystem::path& athanorHome,
                                   const std::filesystem::path& current = {});

// Counts of a plan by action, as the summary stores them.
std::map<PlannedChange::Action, int> countPlanned(const std::vector<PlannedChange>& plan);

// The summary's JSON text (keys in a fixed order, two-space indent, a final newline).
std::string runSummaryText(const RunSummary& summary);
// Writes the summary atomically (temp file + rename). Throws std::runtime_error naming the file.
void writeRunSummary(const std::filesystem::path& file, const RunSummary& summary);
// nullopt when the file is missing or unreadable, is not JSON, or names no known phase.
std::optional<RunSummary> readRunSummary(const std::filesystem::path& file);

struct RecordedRun {
    std::filesystem::path summaryFile;
    std::filesystem::path logFile; // empty when the summary names none; may be missing on disk
    RunSummary summary;
};
// Every readable summary of a project, newest first.
std::vector<RecordedRun> listRunHistory(const std::filesystem::path& projectRoot);
std::vector<RecordedRun> listRunHistoryIn(const std::filesystem::path& athanorHome);
// The events of a run's log, in order; lines that are not events (a run killed mid-write) are skipped.
// Throws std::runtime_error naming the file when it cannot be opened.
std::vector<EngineEvent> readRunEvents(const std::filesystem::path& logFile);

} // namespace athanor

#pragma once

#include "events/EngineEvent.h"
#include "lifecycle/OutputsText.h"
#include "lifecycle/Phase.h"
#include "providers/Provider.h"
#include "secrets/PasswordRing.h"
#include "stack/StackModel.h"
#include "store/AtomicFile.h"
#include "store/SourceSpec.h"

#include "json/Json.h"
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// The one entry point that athanorctl and the GUI's worker thread both drive.
struct RunOptions {
    Phase phase = Phase::Up;
    std::optional<std::filesystem::path> stackFile; // required for up, read and plan; optional for destroy
    std::optional<std::filesystem::path> root; // folder holding .alchemy; default: the stack file's folder
    std::optional<SourceSpec> state;           // where state lives (--state); default: the folder `root`
    std::string app;                           // destroy without a stack file: which app (may be empty
                                               // when the state holds exactly one)
    std::string stage;                         // empty: resolveStageName()
    bool force = false;
    bool adopt = false;
    bool quiet = false;
    // Run without a stage lock where the source cannot keep one (a Cloudflare worker, an S3 endpoint that
    // ignores create-only writes): refused otherwise. A warning says nothing excludes other runs.
    bool noLock = false;
    int parallel = kDefaultParallel; // resources applied / destroyed at once
    PasswordRing passwords;          // tried in order; stack-file passwords are added
    Durability durability = Durability::Batched;
    // Destroy only: list what would be deleted, in the order destroy starts the deletions (RunReport::plan),
    // changing nothing and taking no lock; throws UnknownKindsError as destroy does. For a confirmation
    // dialog that shows exactly what the run will do.
    bool dryRun = false;
    std::shared_ptr<ProviderRegistry> providers; // default: ProviderRegistry::withBuiltins()
    // Up and destroy keep the previous bytes of every record they change in the source's version store
    // (versions/RunBeforeImages: the History tab's per-record diff and restore). Off only to measure it.
    bool keepBeforeImages = true;
    // The process ends right after this run (athanorctl): the run's large structures (the stack file, the
    // declared tree) go to keepUntilProcessExit() instead of being freed one object at a time. Never in a
    // process that goes on (the GUI, tests running several phases): it would keep them for good.
    bool processEndsAfterRun = false;
    // Read: the outputs as they will be printed (RunReport::outputTexts, written on the reader threads)
    // instead of RunReport::outputs. athanorctl sets it; the GUI, which shows the Json, does not.
    std::optional<OutputsTextFormat> outputsText;
};

// One line of a plan: what up would do to a resource, and why.
struct PlannedChange {
    enum class Action { Create, Update, Replace, Skip, Delete, Resume };
    Action action = Action::Skip;
    std::string fqn;
    std::string kind;
    std::string reason; // "props changed", "always updated (os::Exec)", "interrupted while creating", ...
    Json diff = Json::array(); // nlohmann json::diff(oldProps, newProps), secrets compared by plaintext
};
std::string_view toString(PlannedChange::Action action);

struct RunReport {
    RunResult result = RunResult::Succeeded;
    RunCounts counts;
    std::string app;
    std::string stage;
    std::vector<PlannedChange> plan;     // Phase::Plan (and what up decided, for the record)
    std::map<std::string, Json> outputs; // Phase::Read: fqn -> output (plain form, secrets {"@secret": ...})
    OutputTexts outputTexts; // Phase::Read with RunOptions::outputsText: the same, as printed, sorted by FQN
    std::vector<std::string> errors; // every failure, "fqn: message"
    // Up and plan: kinds without a provider whose orphans or replaced copies were therefore all kept (no
    // deletion at all, rather than part of the stage); the project's own program can delete them.
    std::vector<std::string> unknownKinds;
    std::string firstFailureFqn;
    std::string firstFailureMessage;
};

// Runs a phase to the end (or until cancelled) on the calling thread, reporting through `events`.
// Throws only for problems found before anything changed (bad stack file, missing password, stage locked:
// LockHeldError); everything after that is reported in the RunReport and as events.
RunReport runPhase(const RunOptions& options, EventSink& events, const CancellationToken& cancel);

// runPhase() with the stack file already loaded (the GUI keeps one; tests build one in memory). `stack` may
// be null for destroy only. options.stackFile is ignored.
RunReport runPhaseWithStack(const RunOptions& options, const StackFile* stack, EventSink& events,
                            const CancellationToken& cancel);

// --stage > ALCHEMY_STAGE > USER > "dev" (Athanor ignores the generic STAGE variable, reference §14.8).
std::string resolveStageName(const std::string& explicitStage);

// A second writer on the same stage (reference §13 has none; Athanor refuses it).
class LockHeldError : public std::runtime_error {
public:
    LockHeldError(const std::string& message, long holderPid, std::string holderHost, std::string holderSince,
                  std::string holderOperation)
        : std::runtime_error(message), pid(holderPid), host(std::move(holderHost)),
          since(std::move(holderSince)), operation(std::move(holderOperation)) {}
    long pid;
    std::string host;
    std::string since;     // ISO-8601
    std::string operation; // "up" / "destroy"
};

// Destroy refused before anything was deleted: the state holds kinds the engine has no provider for (records
// made by the project's own Alchemy program, e.g. a custom Resource). Deleting the rest would leave the stage
// half destroyed, so the front ends offer to run the project's program with --destroy instead.
class UnknownKindsError : public std::runtime_error {
public:
    UnknownKindsError(const std::string& message, std::map<std::string, std::vector<std::string>> kinds)
        : std::runtime_error(message), fqnsByKind(std::move(kinds)) {}
    // The kinds without a provider, sorted.
    std::vector<std::string> kinds() const {
        std::vector<std::string> out;
        for (const auto& [kind, fqns] : fqnsByKind)
            out.push_back(kind);
        return out;
    }
    std::map<std::string, std::vector<std::string>> fqnsByKind; // kind -> the fqns of its records
};

} // namespace athanor

#pragma once

#include "events/EngineEvent.h"
#include "lifecycle/RunApi.h"
#include "providers/Provider.h"
#include "secrets/PasswordRing.h"
#include "store/AtomicFile.h"
#include "store/SourceSpec.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace athanor {

// The two ways Athanor runs a stage: its own engine on a stack file (alchemy.stack.json), or the project's
// own Alchemy program (alchemy.run.ts) run as `alchemy deploy / destroy / run` would.
enum class BackendKind { Engine, Program };
std::string_view toString(BackendKind kind); // "engine", "program"

// Settings that only the program backend uses.
struct ProgramSettings {
    // The runtime to run the program with (an executable path or a name looked up on PATH); empty: chosen
    // as Alchemy's CLI chooses (program/ProgramRuntime.h). athanorctl: --runtime, else ATHANOR_RUNTIME.
    std::string runtime;
    // The program supplies its own password (alchemy(app, {password})): do not refuse a stage whose state
    // holds secrets when no password is known.
    bool ownPassword = false;
};

// What to run: everything both backends need.
struct RunRequest {
    Phase phase = Phase::Up;
    // The stack file (engine) or program entrypoint (program). Engine: required for up, read and plan.
    // Program: found in the project folder as Alchemy's CLI finds it when not given.
    std::optional<std::filesystem::path> entry;
    // The folder holding .alchemy; default: the entry's folder (destroy from state: required).
    std::optional<std::filesystem::path> root;
    // Engine only: where state lives (--state: a folder or sqlite:PATH); wins over `root`.
    std::optional<SourceSpec> state;
    std::string app;   // engine destroy without a stack file: which app; program: the app when known
    std::string stage; // empty: resolveStageName()
    bool force = false;
    bool adopt = false;
    bool quiet = false;
    bool noLock = false;             // engine only: see RunOptions::noLock
    int parallel = kDefaultParallel; // engine only: resources applied / destroyed at once
    PasswordRing passwords; // tried in order; a program gets the one that opens its stage as ALCHEMY_PASSWORD
    Durability durability = Durability::Batched;
    // Engine destroy only: list what the run would delete (RunReport::plan) or throw UnknownKindsError as
    // the run would, changing nothing (RunOptions::dryRun). A program has no dry run and refuses it.
    bool dryRun = false;
    std::shared_ptr<ProviderRegistry> providers; // engine only; default: ProviderRegistry::withBuiltins()
    ProgramSettings program;
    bool processEndsAfterRun = false; // engine only: see RunOptions::processEndsAfterRun (athanorctl)
    // Engine read only: see RunOptions::outputsText (athanorctl); a program's read fills RunReport::outputs.
    std::optional<OutputsTextFormat> outputsText;

    RunRequest clone() const; // PasswordRing is move-only
};

// One door for "run a phase": athanorctl and the GUI drive every run through it. Both backends emit the same
// EngineEvent stream (run-started first, run-finished last), hold the same stage lock (lifecycle/StageLock)
// while they may write, and report in a RunReport. run() throws only for problems found before anything
// changed (bad stack file, no runtime, missing password, stage locked: LockHeldError); everything after that
// is in the RunReport and the events. `cancel`: cancel() stops starting new work, abort() stops what runs.
class RunBackend {
public:
    virtual ~RunBackend() = default;
    virtual BackendKind kind() const = 0;
    virtual RunReport run(const RunRequest& request, EventSink& events, const CancellationToken& cancel) = 0;
};

// The built-in engine: runPhase() on a stack file (lifecycle/RunApi.h).
class EngineBackend final : public RunBackend {
public:
    BackendKind kind() const override { return BackendKind::Engine; }
    RunReport run(const RunRequest& request, EventSink& events, const CancellationToken& cancel) override;
};

} // namespace athanor

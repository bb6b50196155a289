#pragma once

#include "run/RunBackend.h"

#include <stdexcept>

namespace athanor {

// Refused before anything ran: no entrypoint, a file that is not a program, plan asked of a program, a
// runtime that cannot start.
class ProgramError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs the project's own Alchemy program (alchemy.run.ts) the way `alchemy deploy` / `alchemy destroy` /
// `alchemy run` launch it (reference §8–9), and turns its console output into EngineEvents
// (ProgramEventTranslator):
//  * the entrypoint: RunRequest::entry, else the first of alchemy.run.ts/.js/.mts/.mjs in the project folder;
//  * the runtime: ProgramSettings::runtime, else chosen like Alchemy's CLI (program/ProgramRuntime.h);
//  * the command: <runtime> [type-stripping flag] [--env-file <project>/.env] <entry> --stage S
//    [--destroy | --read] [--force] [--adopt] [--quiet], in the project folder (Alchemy's root);
//  * the environment: ours, plus ALCHEMY_PASSWORD (the ring's password that opens the stage's secrets, in the
//    environment only, never on a command line), NO_COLOR=1 and DO_NOT_TRACK=1 unless already set;
//  * refused before starting: the stage's state holds secrets and no password opens them
//    (PasswordNeededError, unless ProgramSettings::ownPassword), the stage is locked (LockHeldError);
//  * the stage lock is held from before the start to the end (the app is known from RunRequest::app, the one
//    alchemy("name") literal in the source, or the one app in state with this stage; otherwise it is taken
//    when the banner names the app, and a lock held by someone else then stops the program at once);
//  * cancel: the first request sends SIGINT to the program's process group (Alchemy exits after its
//    cleanups; the resource it was working on keeps its creating / updating record), abort SIGKILLs the
//    group; the group dies with the run's thread, and nothing it started outlives the run;
//  * the outcome is Athanor's, not the exit code's (Alchemy exits 0 after a failed destroy and after SIGINT,
//    reference §8.3 and §14.2): a failed resource, an error Alchemy reported, a non-zero exit, or (destroy)
//    records left in the stage make the run failed; a cancel request makes it cancelled;
//  * read: the outputs are the stage's records after the run (secrets opened where a password does).
class ProgramBackend final : public RunBackend {
public:
    BackendKind kind() const override { return BackendKind::Program; }
    RunReport run(const RunRequest& request, EventSink& events, const CancellationToken& cancel) override;
};

} // namespace athanor

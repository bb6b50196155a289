#pragma once

#include "lifecycle/Phase.h"
#include "run/RunBackend.h"

#include <QString>

namespace athanor::ui {

// What the user asked for, in GUI terms; toRunRequest() turns it into the engine's RunRequest on the GUI
// thread.
struct DeployRequest {
    athanor::Phase phase = athanor::Phase::Up;
    QString projectRoot; // the project folder (stack file, relative paths)
    QString stateSource; // where state lives (SourceSpec text); empty: the folder projectRoot
    QString athanorHome; // the source's Athanor home: run history goes to <athanorHome>/runs
    QString stackFile;   // empty: none (destroy works from state alone)
    // The project's own Alchemy program (alchemy.run.ts): when set, the run is the program's
    // (ProgramBackend), not the built-in engine's on stackFile.
    QString program;
    QString runtime; // program only: the runtime to use (a path); empty: chosen as Alchemy's CLI does
    QString app;     // empty: the stack file's app, or the only app in state
    QString stage;   // never empty by the time a run starts
    bool force = false;
    bool adopt = false;
    int parallel = 1;
    // Up / Destroy on a source that cannot lock the stage, run anyway as the user allowed (--no-lock).
    bool noLock = false;

    bool isProgram() const { return !program.isEmpty(); }
};

// The engine's RunRequest for `request`, without passwords (the caller adds those it holds): one translation
// for the run and for the destroy dry run before its confirmation, so both look at the same state.
athanor::RunRequest toRunRequest(const DeployRequest& request);

} // namespace athanor::ui

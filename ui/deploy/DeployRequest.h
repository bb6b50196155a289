#pragma once

#include "lifecycle/Phase.h"

#include <QString>

namespace athanor::ui {

// What the user asked for, in GUI terms; RunController turns it into engine RunOptions on the GUI thread.
struct DeployRequest {
    athanor::Phase phase = athanor::Phase::Up;
    QString projectRoot; // the project folder (stack file, relative paths)
    QString stateSource; // where state lives (SourceSpec text); empty: the folder projectRoot
    QString athanorHome; // the source's Athanor home: run history goes to <athanorHome>/runs
    QString stackFile;   // empty: none (destroy works from state alone)
    QString app;         // empty: the stack file's app, or the only app in state
    QString stage;       // never empty by the time a run starts
    bool force = false;
    bool adopt = false;
    int parallel = 1;
};

} // namespace athanor::ui

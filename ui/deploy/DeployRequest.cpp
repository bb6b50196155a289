#include "deploy/DeployRequest.h"

namespace athanor::ui {

athanor::RunRequest toRunRequest(const DeployRequest& request) {
    athanor::RunRequest o;
    o.phase = request.phase;
    if (request.isProgram())
        o.entry = std::filesystem::path(request.program.toStdString());
    else if (!request.stackFile.isEmpty())
        o.entry = std::filesystem::path(request.stackFile.toStdString());
    o.program.runtime = request.runtime.toStdString();
    if (!request.projectRoot.isEmpty())
        o.root = std::filesystem::path(request.projectRoot.toStdString());
    // A program keeps state in the store its own code names; the source applies to the built-in engine.
    if (!request.stateSource.isEmpty() && !request.isProgram())
        o.state = athanor::SourceSpec::parse(request.stateSource.toStdString());
    o.app = request.app.toStdString();
    o.stage = request.stage.toStdString();
    o.force = request.force;
    o.adopt = request.adopt;
    o.parallel = request.parallel > 0 ? request.parallel : 1;
    o.noLock = request.noLock && !request.isProgram(); // a program locks its own store, if at all
    return o;
}

} // namespace athanor::ui

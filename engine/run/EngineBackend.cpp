#include "run/RunBackend.h"

namespace athanor {

std::string_view toString(BackendKind kind) {
    return kind == BackendKind::Program ? "program" : "engine";
}

RunRequest RunRequest::clone() const {
    RunRequest copy;
    copy.phase = phase;
    copy.entry = entry;
    copy.root = root;
    copy.state = state;
    copy.app = app;
    copy.stage = stage;
    copy.force = force;
    copy.adopt = adopt;
    copy.quiet = quiet;
    copy.noLock = noLock;
    copy.parallel = parallel;
    copy.passwords = passwords.clone();
    copy.durability = durability;
    copy.dryRun = dryRun;
    copy.providers = providers;
    copy.program = program;
    copy.processEndsAfterRun = processEndsAfterRun;
    copy.outputsText = outputsText;
    return copy;
}

RunReport EngineBackend::run(const RunRequest& request, EventSink& events, const CancellationToken& cancel) {
    RunOptions options;
    options.phase = request.phase;
    options.stackFile = request.entry;
    options.root = request.root;
    options.state = request.state;
    options.app = request.app;
    options.stage = request.stage;
    options.force = request.force;
    options.adopt = request.adopt;
    options.quiet = request.quiet;
    options.noLock = request.noLock;
    options.parallel = request.parallel;
    options.passwords = request.passwords.clone();
    options.durability = request.durability;
    options.dryRun = request.dryRun;
    options.providers = request.providers;
    options.processEndsAfterRun = request.processEndsAfterRun;
    options.outputsText = request.outputsText;
    return runPhase(options, events, cancel);
}

} // namespace athanor

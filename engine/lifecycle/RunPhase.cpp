#include "lifecycle/ProcessExitKeep.h"
#include "lifecycle/RunApi.h"
#include "stack/StackLoader.h"

namespace athanor {

namespace {

// Passwords are wiped when done with, also in a stack file that is kept rather than freed.
void wipePasswords(DeclaredScope& scope) {
    scope.password.reset();
    for (DeclaredScope& child : scope.scopes)
        wipePasswords(child);
}

} // namespace

RunReport runPhase(const RunOptions& options, EventSink& events, const CancellationToken& cancel) {
    std::shared_ptr<StackFile> stack;
    if (options.stackFile)
        stack = std::make_shared<StackFile>(loadStackFile(*options.stackFile)); // StackError first
    RunReport report = runPhaseWithStack(options, stack.get(), events, cancel);
    if (stack && options.processEndsAfterRun) {
        stack->password.reset();
        wipePasswords(stack->root);
        keepUntilProcessExit(std::move(stack));
    }
    return report;
}

} // namespace athanor

#include "lifecycle/PhaseRuns.h"
#include "lifecycle/RunApi.h"
#include "lifecycle/SourceStageLock.h"
#include "lifecycle/StageLock.h"
#include "lifecycle/StaleTempFiles.h"
#include "store/IdCodec.h"
#include "store/StateSources.h"
#include "versions/RunBeforeImages.h"

#include <cstdlib>
#include <optional>

namespace fs = std::filesystem;

namespace athanor {

std::string_view toString(PlannedChange::Action action) {
    switch (action) {
    case PlannedChange::Action::Create:
        return "create";
    case PlannedChange::Action::Update:
        return "update";
    case PlannedChange::Action::Replace:
        return "replace";
    case PlannedChange::Action::Skip:
        return "skip";
    case PlannedChange::Action::Delete:
        return "delete";
    case PlannedChange::Action::Resume:
        return "resume";
    }
    return "skip";
}

std::string resolveStageName(const std::string& explicitStage) {
    if (!explicitStage.empty())
        return explicitStage;
    for (const char* variable : {"ALCHEMY_STAGE", "USER"})
        if (const char* value = std::getenv(variable); value && *value)
            return value;
    return "dev";
}

namespace {

// destroy without a stack file and without --app: the one app the state holds.
std::string discoverApp(StateSource& source) {
    if (!source.listsApps())
        throw std::invalid_argument(source.describe() + " cannot list its apps; name one with --app");
    const std::vector<std::string> apps = source.apps();
    if (apps.size() == 1)
        return apps.front();
    if (apps.empty())
        throw std::invalid_argument("no app found in " + source.describe() + "; name one with --app");
    std::string list;
    for (const auto& app : apps)
        list += (list.empty() ? "" : ", ") + app;
    throw std::invalid_argument(source.describe() + " holds several apps (" + list +
                                "); name one with --app");
}

void collectPasswords(const DeclaredScope& scope, PasswordRing& ring) {
    if (scope.password)
        ring.add(scope.password->clone());
    for (const auto& child : scope.scopes)
        collectPasswords(child, ring);
}

} // namespace

RunReport runPhaseWithStack(const RunOptions& options, const StackFile* stack, EventSink& events,
                            const CancellationToken& cancel) {
    if (!stack && options.phase != Phase::Destroy)
        throw std::invalid_argument(std::string(toString(options.phase)) + " needs a stack file");
    SourceSpec spec;
    if (options.state)
        spec = *options.state;
    else if (options.root)
        spec = SourceSpec::folder(*options.root);
    else if (stack)
        spec = SourceSpec::folder(stack->folder);
    else
        throw std::invalid_argument("destroy without a stack file needs the state (--root or --state)");
    std::string sourceNote;
    const std::shared_ptr<StateSource> source = openResolvedSource(spec, &sourceNote);

    const std::string app = stack ? stack->app : (options.app.empty() ? discoverApp(*source) : options.app);
    const std::string stage = resolveStageName(options.stage);
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");

    PasswordRing passwords = options.passwords.clone();
    if (stack) {
        if (stack->password)
            passwords.add(stack->password->clone());
        collectPasswords(stack->root, passwords);
    }

    auto settings = std::make_shared<ScopeSettings>();
    settings->source = source;
    settings->layout = DotAlchemyLayout::forProject(source->spec().projectFolder());
    settings->durability = options.durability;
    settings->app = app;
    settings->stage = stage;
    settings->phase = options.phase;
    settings->force = options.force;
    settings->adopt = options.adopt;
    settings->quiet = options.quiet;
    std::shared_ptr<RunBeforeImages> beforeImages;
    if (options.keepBeforeImages && (options.phase == Phase::Up || options.phase == Phase::Destroy) &&
        !options.dryRun) {
        beforeImages = std::make_shared<RunBeforeImages>(source->athanorHome(),
                                                         std::string(toString(options.phase)), app, stage);
        settings->beforeWrites = beforeImages;
    }

    std::shared_ptr<ProviderRegistry> providers =
        options.providers ? options.providers : ProviderRegistry::withBuiltins();
    RunReporter reporter(events, options.phase, app, stage, options.quiet);
    RunContext run(options, std::move(providers), std::move(passwords), settings,
                   stack ? stack->folder : source->spec().projectFolder(), reporter, cancel);
    settings->passwords = &run.passwords;
    run.root = Scope::createRoot(settings);

    // One writer per stage: up and destroy only; read and plan change nothing.
    std::optional<SourceStageLock> lock;
    std::vector<std::string> lockWarnings;
    if (!sourceNote.empty())
        lockWarnings.push_back(sourceNote);
    if (options.phase == Phase::Up || (options.phase == Phase::Destroy && !options.dryRun))
        lock.emplace(lockSourceStage(*source, app, stage, std::string(toString(options.phase)), lockWarnings,
                                     options.noLock));

    for (const auto& warning : lockWarnings)
        reporter.logAfterStart(LogLevel::Warn, warning);
    if (lock && lock->file) {
        // Holding the lock, nobody else writes here: what killed runs left half written goes.
        // What the sweep lists of the stage's folders serves the run's stores until they write (finalize's
        // orphan listing of a no-change up).
        FolderTree::Listings listings;
        ListedFolder listed;
        if (source->keepsListingsOf(settings->layout.dotAlchemy))
            listed = [&listings](const fs::path& relative, std::vector<std::string> ids) {
                listings.insert_or_assign(relative.native(), std::move(ids));
            };
        if (const size_t removed =
                removeStaleTempFiles(settings->layout, app, stage, lock->file->file().parent_path(), listed))
            reporter.logAfterStart(LogLevel::Info, "removed " + std::to_string(removed) +
                                                       " temp file(s) left by interrupted runs");
        if (listed)
            source->keepListings(std::move(listings));
    }

    RunReport report;
    report.app = app;
    report.stage = stage;
    switch (options.phase) {
    case Phase::Up:
        runUpPhase(run, *stack);
        break;
    case Phase::Read:
        runReadPhase(run, *stack, report);
        break;
    case Phase::Plan:
        runPlanPhase(run, *stack);
        break;
    case Phase::Destroy:
        runDestroyPhase(run, stack);
        break;
    }
    run.root->runCleanups();
    if (options.durability == Durability::Batched) {
        // What the run wrote without a sync of its own (settled records, removals) is durable before it ends.
        try {
            source->flushBatchedWrites();
        } catch (const std::exception& e) {
            reporter.runError(std::string("the state written may not survive a power loss: ") + e.what());
        }
    }
    if (beforeImages) {
        beforeImages->finish(cancel.isCancelled() ? "cancelled" : std::string());
        if (const std::string problem = beforeImages->problem(); !problem.empty())
            reporter.log(LogLevel::Warn, "the previous versions of the records this run changed were not all "
                                         "kept (state undo and the History tab lack them): " +
                                             problem);
    }

    report.result = cancel.isCancelled() ? RunResult::Cancelled
                                         : (reporter.anyFailure() ? RunResult::Failed : RunResult::Succeeded);
    reporter.runFinished(report.result);
    reporter.fill(report);
    return report;
}

} // namespace athanor

#include "program/ProgramBackend.h"

#include "lifecycle/StageLock.h"
#include "program/DotEnv.h"
#include "program/ProgramEntry.h"
#include "program/ProgramEvents.h"
#include "program/ProgramRuntime.h"
#include "program/ProgramStage.h"
#include "providers/ChildProcess.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"

#include <cstdlib>
#include <exception>
#include <map>
#include <sodium.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

struct Target {
    fs::path entry;
    fs::path root;
    std::string app; // empty: not known before the banner
    std::string stage;
};

Target locate(const RunRequest& request) {
    Target t;
    std::error_code ec;
    if (request.entry) {
        t.entry = fs::absolute(*request.entry, ec);
        if (!fs::is_regular_file(t.entry, ec))
            throw ProgramError("the Alchemy program " + request.entry->string() + " does not exist");
        if (!isProgramFile(t.entry))
            throw ProgramError(request.entry->string() +
                               " is not an Alchemy program (a .ts, .mts, .js or .mjs file is)");
    }
    // The project folder (Alchemy's root: the program runs there): --root, else the program's folder, else
    // the current folder, where the program is then looked for.
    if (request.root)
        t.root = fs::absolute(*request.root, ec);
    else
        t.root = request.entry ? t.entry.parent_path() : fs::current_path();
    if (!request.entry) {
        auto found = findProgramEntry(t.root);
        if (!found)
            throw ProgramError(
                "no Alchemy program in " + t.root.string() +
                ": none of alchemy.run.ts, alchemy.run.js, alchemy.run.mts, alchemy.run.mjs exists");
        t.entry = *found;
    }
    t.stage = resolveStageName(request.stage);
    requireValidId(t.stage, "stage name");
    t.app = request.app;
    if (t.app.empty()) {
        if (auto source = readWholeFile(t.entry))
            if (auto name = appNameInSource(*source))
                t.app = *name;
    }
    if (t.app.empty()) {
        const auto apps = ProgramStage::appsWithStage(t.root, t.stage);
        if (apps.size() == 1)
            t.app = apps.front();
    }
    if (!t.app.empty() && !idProblem(t.app).empty())
        t.app.clear(); // not an app Alchemy can have: the banner will tell
    return t;
}

std::string commandText(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv) {
        if (!text.empty())
            text += ' ';
        const bool plain = !arg.empty() && arg.find_first_of(" \t\"'\\$`") == std::string::npos;
        text += plain ? arg : "'" + arg + "'";
    }
    return text;
}

std::string listed(const std::vector<SnapshotRecord>& records) {
    std::string text;
    size_t shown = 0;
    for (const auto& record : records) {
        if (shown == 5) {
            text += ", ...";
            break;
        }
        text +=
            (text.empty() ? "" : ", ") + record.fqn + (record.kind.empty() ? "" : " (" + record.kind + ")");
        ++shown;
    }
    return text;
}

// The stage locks of one run: the expected app's before the start, any other the banner names when it does.
class RunLocks {
public:
    RunLocks(const fs::path& root, Phase phase)
        : m_layout(DotAlchemyLayout::forProject(root)), m_phase(phase) {}
    // Throws LockHeldError.
    void hold(const std::string& app, const std::string& stage, ProgramEventTranslator* log,
              std::vector<std::string>* earlyWarnings) {
        if (app.empty() || !idProblem(app).empty() || m_locks.count({app, stage}))
            return;
        m_locks.emplace(std::pair{app, stage},
                        StageLock::acquire(m_layout, app, stage, std::string(toString(m_phase)),
                                           [&](const std::string& warning) {
                                               if (log)
                                                   log->logAfterStart(LogLevel::Warn, warning);
                                               else if (earlyWarnings)
                                                   earlyWarnings->push_back(warning);
                                           }));
    }

private:
    DotAlchemyLayout m_layout;
    Phase m_phase;
    std::map<std::pair<std::string, std::string>, StageLock> m_locks;
};

// The password to give the program, or nullopt for none; PasswordNeededError when the state holds secrets
// that none of `candidates` opens (unless the program brings its own).
std::optional<size_t> choosePassword(const ProgramStage& stage, const PasswordRing& candidates,
                                     const Target& target, bool ownPassword) {
    const std::optional<size_t> password = stage.passwordFor(candidates);
    if (!stage.holdsSecrets() || password || ownPassword)
        return password;
    const std::string where = target.app.empty() ? "stage " + target.stage : target.app + "/" + target.stage;
    if (candidates.empty())
        throw PasswordNeededError("the state of " + where + " holds secrets (" + stage.firstSecretFqn() +
                                  ") and no password is known: the program needs ALCHEMY_PASSWORD");
    throw PasswordNeededError("none of the passwords known (" + std::to_string(candidates.size()) +
                              ") opens the secrets of " + where + " (" + stage.firstSecretFqn() +
                              "): the program needs the right ALCHEMY_PASSWORD");
}

// The command line `alchemy deploy / destroy / run` would run (reference §9), without its telemetry flags.
std::vector<std::string> programCommand(const RuntimeChoice& runtime, const Target& target,
                                        const RunRequest& request, const fs::path& envFile) {
    std::vector<std::string> argv{runtime.runtime.path.string()};
    argv.insert(argv.end(), runtime.arguments.begin(), runtime.arguments.end());
    if (!envFile.empty()) {
        argv.push_back("--env-file");
        argv.push_back(envFile.string());
    }
    argv.push_back(target.entry.string());
    argv.push_back("--stage");
    argv.push_back(target.stage);
    if (request.phase == Phase::Destroy)
        argv.push_back("--destroy");
    if (request.phase == Phase::Read)
        argv.push_back("--read");
    if (request.force)
        argv.push_back("--force");
    if (request.adopt)
        argv.push_back("--adopt");
    if (request.quiet)
        argv.push_back("--quiet");
    return argv;
}

// How the program runs: in the project folder, guarded (its process group dies with the run and leaves
// nothing behind), SIGINT to the group on cancel, SIGKILL on abort; ALCHEMY_PASSWORD in its environment only;
// NO_COLOR and DO_NOT_TRACK unless the user set them.
ProcessSpec programProcess(const std::vector<std::string>& argv, const Target& target,
                           const RuntimeChoice& runtime, std::optional<std::string_view> password) {
    ProcessSpec spec;
    spec.argv = argv;
    spec.description = target.entry.filename().string() + " with " + runtime.runtime.describe();
    spec.workingDirectory = target.root;
    for (const char* name : {"NO_COLOR", "DO_NOT_TRACK"})
        if (!std::getenv(name))
            spec.environment.emplace_back(name, "1");
    if (password)
        spec.environment.emplace_back("ALCHEMY_PASSWORD", std::string(*password));
    spec.captureOutput = false;
    spec.cancelSignal = SIGINT;
    spec.abortSignal = SIGKILL;
    spec.guarded = true;
    return spec;
}

// What the stage's state says after the program: a destroy that left records failed (Alchemy exits 0 whatever
// happened, §14.2); a read's outputs are what state holds.
void judgeFromState(const fs::path& root, Phase phase, ProgramEventTranslator& translator,
                    const PasswordRing& passwords, RunReport& report) {
    RunReporter& reporter = translator.reporter();
    const ProgramStage after(root, translator.app(), translator.stage());
    if (phase == Phase::Destroy && !after.records().empty())
        reporter.runError("destroy left " + std::to_string(after.records().size()) + " record" +
                          (after.records().size() == 1 ? "" : "s") + " in " + translator.app() + "/" +
                          translator.stage() + ": " + listed(after.records()));
    if (phase == Phase::Read && !reporter.anyFailure()) {
        std::vector<std::string> problems;
        report.outputs = after.outputs(passwords, problems);
        for (const auto& problem : problems)
            reporter.log(LogLevel::Warn, problem);
        for (size_t i = 0; i < report.outputs.size(); ++i)
            reporter.countRead();
    }
}

} // namespace

RunReport ProgramBackend::run(const RunRequest& request, EventSink& events, const CancellationToken& cancel) {
    if (request.phase == Phase::Plan)
        throw ProgramError(
            "an Alchemy program cannot be planned (Alchemy has no dry run): plan works on stack "
            "files; up runs the program");
    if (request.dryRun) // running it would change what a dry run promises not to touch
        throw ProgramError("an Alchemy program has no dry run: destroy runs the program with --destroy");
    const Target target = locate(request);
    std::error_code ec;
    const fs::path envFile = target.root / ".env";
    const bool hasEnvFile = fs::is_regular_file(envFile, ec);
    const RuntimeChoice runtime =
        resolveRuntime(target.entry, target.root, request.program.runtime, hasEnvFile);

    // The password: the one (of ours, then the project's .env) that opens the stage's secrets.
    const ProgramStage before(target.root, target.app, target.stage);
    PasswordRing candidates = request.passwords.clone();
    if (hasEnvFile)
        if (auto fromEnvFile = dotEnvValue(envFile, "ALCHEMY_PASSWORD"))
            candidates.add(std::move(*fromEnvFile));
    const std::optional<size_t> password =
        choosePassword(before, candidates, target, request.program.ownPassword);

    RunLocks locks(target.root, request.phase);
    std::vector<std::string> lockWarnings;
    locks.hold(target.app, target.stage, nullptr, &lockWarnings); // LockHeldError: nothing ran

    const std::vector<std::string> argv =
        programCommand(runtime, target, request, hasEnvFile ? envFile : fs::path());

    ProcessSpec spec = programProcess(
        argv, target, runtime, password ? std::optional(candidates.at(*password).view()) : std::nullopt);
    // The password's copy in the spec is wiped however this run ends.
    struct WipeEnvironment {
        std::vector<std::pair<std::string, std::string>>& variables;
        ~WipeEnvironment() {
            for (auto& [name, value] : variables)
                sodium_memzero(value.data(), value.size());
        }
    } wipeEnvironment{spec.environment};

    ProgramEventTranslator::Options options;
    options.phase = request.phase;
    options.stage = target.stage;
    options.app = target.app;
    options.quiet = request.quiet;
    // Start at once when the app is known (the run's duration then includes the program's start-up); wait for
    // the banner otherwise. A read or a --quiet run prints none.
    options.startAtOnce = request.phase == Phase::Read || request.quiet || !target.app.empty();
    ProgramEventTranslator* translatorPointer = nullptr;
    ProgramEventTranslator translator(events, DotAlchemyLayout::forProject(target.root), options,
                                      [&](const std::string& app, const std::string& stage) {
                                          locks.hold(app, stage, translatorPointer, nullptr);
                                          if (request.phase == Phase::Up)
                                              return -1;
                                          if (app == target.app && stage == target.stage)
                                              return static_cast<int>(before.resources().size());
                                          return static_cast<int>(
                                              ProgramStage(target.root, app, stage).resources().size());
                                      });
    translatorPointer = &translator;
    for (const auto& warning : lockWarnings)
        translator.logAfterStart(LogLevel::Warn, warning);
    translator.logAfterStart(LogLevel::Info, "Running " + target.entry.filename().string() + " with " +
                                                 runtime.runtime.describe() +
                                                 (runtime.note.empty() ? "" : " (" + runtime.note + ")") +
                                                 ": " + commandText(argv));

    // The process is stopped through our own token: the caller's requests, and our own abort when the output
    // cannot be followed (a lock held by someone else for an app the banner named).
    CancellationToken stop;
    std::exception_ptr failure;
    auto follow = [&] {
        if (cancel.isAborted())
            stop.abort();
        else if (cancel.isCancelled())
            stop.cancel();
    };
    spec.onLine = [&](std::string_view line, bool fromStderr) {
        follow();
        if (failure)
            return;
        try {
            translator.line(line, fromStderr);
        } catch (...) {
            failure = std::current_exception();
            stop.abort();
        }
    };
    spec.onTick = [&] {
        follow();
        if (!failure)
            translator.tick();
    };
    spec.onStarted = [&](long pid) {
        translator.logAfterStart(LogLevel::Debug, "program pid " + std::to_string(pid));
        try {
            if (options.startAtOnce)
                translator.start(); // only now: a program that cannot start leaves no half-begun run
        } catch (...) {
            failure = std::current_exception();
            stop.abort();
        }
    };

    ProcessResult process;
    follow();
    try {
        process = runProcess(spec, stop);
    } catch (const ProviderError& e) {
        throw ProgramError(e.what());
    }
    std::string stoppedBy; // a run already under way that we had to stop ends failed, saying why
    if (failure) {
        if (!translator.started())
            std::rethrow_exception(failure);
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            stoppedBy = e.what();
        }
    }

    ProgramEventTranslator::Ending ending;
    ending.exitCode = process.exitCode;
    ending.signal = process.signal;
    ending.cancelled = cancel.isCancelled() && stoppedBy.empty();
    translator.finish(ending);
    RunReporter& reporter = translator.reporter();
    if (!stoppedBy.empty())
        reporter.runError("stopped the program: " + stoppedBy);

    RunReport report;
    if (!ending.cancelled && stoppedBy.empty())
        judgeFromState(target.root, request.phase, translator, candidates, report);
    report.result = ending.cancelled        ? RunResult::Cancelled
                    : reporter.anyFailure() ? RunResult::Failed
                                            : RunResult::Succeeded;
    reporter.runFinished(report.result);
    reporter.fill(report);
    report.app = translator.app();
    report.stage = translator.stage();
    return report;
}

} // namespace athanor

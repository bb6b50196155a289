#include "RunCli.h"

#include "CommandLine.h"
#include "commands/StateCommands.h"
#include "events/ConsoleFormatter.h"
#include "history/RunHistory.h"
#include "history/RunLogWriter.h"
#include "lifecycle/OutputsText.h"
#include "lifecycle/ProcessExitKeep.h"
#include "lifecycle/RunApi.h"
#include "program/ProgramBackend.h"
#include "program/ProgramEntry.h"
#include "program/ProgramRuntime.h"
#include "program/ProgramStage.h"
#include "program/RunTarget.h"
#include "providers/PlainJson.h"
#include "stack/StackModel.h"
#include "store/StateSources.h"

#include "json/JsJsonText.h"
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <unistd.h>

#ifndef ATHANOR_VERSION
#define ATHANOR_VERSION "0.1.0"
#endif

namespace athanor::cli {

const char* const kRunUsage =
    "  athanorctl up      [ENTRY] [--state SOURCE] [--stage S] [--force] [--adopt] [--parallel N]\n"
    "  athanorctl plan    [STACKFILE] [--state SOURCE] [--stage S] [--force]\n"
    "  athanorctl read    [ENTRY] [--state SOURCE] [--stage S] [--show-secrets]\n"
    "  athanorctl destroy [ENTRY] [--state SOURCE] [--stage S] [--app A] [--parallel N]\n"
    "    common: [--json] [--quiet] [--verbose] [--password-file F] [--no-lock]\n"
    "    ENTRY is a stack file (alchemy.stack.json) or an Alchemy program (alchemy.run.ts, .mts, .js, "
    ".mjs),\n"
    "    which runs as `alchemy deploy / destroy / run` would (program only: [--runtime PATH] [--app A]\n"
    "    [--program-password]). Default: ./alchemy.stack.json, else ./alchemy.run.ts, .js, .mts, .mjs;\n"
    "    destroy works from state alone without either.\n"
    "    SOURCE: a folder (default: the entry's folder; --root DIR is the same as --state DIR),\n"
    "    sqlite:PATH (Alchemy's SQLiteStateStore), cloudflare:URL (its state worker; token from\n"
    "    ALCHEMY_STATE_TOKEN) or s3://BUCKET[/PREFIX] (AWS_* credentials, region and endpoint); stack files\n"
    "    only: a program names its own store. --no-lock: run where the source cannot lock the stage\n"
    "    (Cloudflare; an S3 endpoint that ignores create-only writes), refused otherwise.\n"
    "    Passwords: ALCHEMY_PASSWORD, then each line of --password-file.\n"
    "    Runs are recorded under the source's Athanor home: <root>/.alchemy/.athanor/runs for a folder,\n"
    "    $XDG_DATA_HOME/athanor/sources/<hash>/runs for a database (the GUI's History tab).\n"
    "    Exit codes: 0 success, 1 run failed, 2 usage, 3 stage locked by another run, 4 destroy refused\n"
    "    (kinds without a provider: destroy with the project's own program), 130 cancelled.\n";

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitLocked = 3;
constexpr int kExitUnknownKinds = 4;
constexpr int kExitCancelled = 130;

// SIGINT, as Terraform does it: the first asks the run to stop (nothing new starts, running resources
// finish, every record stays created or untouched); the second aborts (running commands are killed, their
// records stay creating / updating for the next `up` to resume); the third ends the process at once. Only
// async-signal-safe calls in the handler.
std::atomic<CancellationToken*> g_cancelToken{nullptr};
std::atomic<int> g_interrupts{0};
std::atomic<bool> g_programRun{false}; // the run is an Alchemy program: other words for the same two steps

extern "C" void onInterrupt(int) {
    const int previous = g_interrupts.fetch_add(1);
    if (previous >= 2)
        _exit(kExitCancelled);
    CancellationToken* token = g_cancelToken.load();
    static const char cancelling[] = "\nCancelling: no new resources will start; running ones finish. "
                                     "Press Ctrl-C again to stop them now.\n";
    static const char aborting[] =
        "\nAborting: running commands are being killed; their records stay creating/updating and the "
        "next up resumes them. Press Ctrl-C again to exit immediately.\n";
    static const char programCancelling[] =
        "\nCancelling: the program got SIGINT and stops after its cleanups; the resource it was working on "
        "keeps its creating/updating record. Press Ctrl-C again to kill it now.\n";
    static const char programAborting[] =
        "\nAborting: the program and everything it started are being killed. "
        "Press Ctrl-C again to exit immediately.\n";
    if (previous == 0 && token)
        token->cancel();
    else if (token)
        token->abort();
    const bool program = g_programRun.load();
    const char* message =
        previous == 0 ? (program ? programCancelling : cancelling) : (program ? programAborting : aborting);
    const size_t length = previous == 0 ? (program ? sizeof programCancelling : sizeof cancelling) - 1
                                        : (program ? sizeof programAborting : sizeof aborting) - 1;
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, length);
}

class InterruptGuard {
public:
    explicit InterruptGuard(CancellationToken& token) {
        g_interrupts.store(0);
        g_cancelToken.store(&token);
        struct sigaction action {};
        action.sa_handler = onInterrupt;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &m_previous);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;
    ~InterruptGuard() {
        sigaction(SIGINT, &m_previous, nullptr);
        g_cancelToken.store(nullptr);
    }

private:
    struct sigaction m_previous {};
};

// Holds the run-finished event back so the CLI can print the plan or the outputs before the summary line.
class FinishLastSink : public EventSink {
public:
    explicit FinishLastSink(EventSink& inner) : m_inner(inner) {}
    void onEvent(const EngineEvent& event) override {
        if (event.type == EventType::RunFinished)
            m_finished = event;
        else
            m_inner.onEvent(event);
    }
    void flush() {
        if (m_finished)
            m_inner.onEvent(*m_finished);
        m_finished.reset();
    }

private:
    EventSink& m_inner;
    std::optional<EngineEvent> m_finished;
};

std::string paint(std::string_view text, int code, bool color) {
    return color ? "\x1b[" + std::to_string(code) + "m" + std::string(text) + "\x1b[0m" : std::string(text);
}

const std::string kMask = "\u2022\u2022\u2022\u2022\u2022\u2022";

Json shownValue(const Json& value, bool showSecrets) {
    return showSecrets ? unwrapSecrets(value) : maskSecrets(value, kMask);
}

std::string diffLine(const Json& op, bool showSecrets, bool color) {
    const std::string kind = op.value("op", "");
    const std::string path = op.value("path", "");
    // A diff can reach inside a secret ("/token/@secret"): its value is the plaintext.
    const bool insideSecret = path.find("/@secret") != std::string::npos;
    std::string value;
    if (op.contains("value"))
        value = insideSecret && !showSecrets ? "\"" + kMask + "\""
                                             : stringifyJs(shownValue(op["value"], showSecrets), 0);
    if (kind == "add")
        return paint("+ ", 92, color) + path + " = " + value;
    if (kind == "remove")
        return paint("- ", 91, color) + path;
    return paint("~ ", 93, color) + path + " = " + value;
}

void printPlan(const RunReport& report, bool showSecrets, bool color, std::ostream& out) {
    int creates = 0, updates = 0, replaces = 0, deletes = 0, skips = 0;
    for (const PlannedChange& change : report.plan) {
        std::string symbol;
        int code = 90;
        switch (change.action) {
        case PlannedChange::Action::Create:
            symbol = "+", code = 92, ++creates;
            break;
        case PlannedChange::Action::Update:
        case PlannedChange::Action::Resume:
            symbol = "~", code = 93, ++updates;
            break;
        case PlannedChange::Action::Replace:
            symbol = "-/+", code = 35, ++replaces;
            break;
        case PlannedChange::Action::Delete:
            symbol = "-", code = 91, ++deletes;
            break;
        case PlannedChange::Action::Skip:
            symbol = "=", code = 90, ++skips;
            break;
        }
        std::string label = symbol;
        label.resize(4, ' ');
        label += toString(change.action);
        if (label.size() < 12)
            label.resize(12, ' ');
        std::string line = paint(label, code, color);
        line += change.fqn + " (" + change.kind + ")";
        if (!change.reason.empty())
            line += ": " + change.reason;
        out << line << "\n";
        if (change.diff.is_array()) {
            for (const Json& op : change.diff)
                out << "      " << diffLine(op, showSecrets, color) << "\n";
        }
    }
    out << "Plan: " << creates << " to create, " << updates << " to update, " << replaces << " to replace, "
        << deletes << " to delete, " << skips << " unchanged.\n";
    out.flush();
}

Json planToJson(const RunReport& report, bool showSecrets) {
    Json changes = Json::array();
    for (const PlannedChange& change : report.plan) {
        Json entry = Json::object();
        entry["action"] = std::string(toString(change.action));
        entry["fqn"] = change.fqn;
        entry["kind"] = change.kind;
        entry["reason"] = change.reason;
        Json diff = Json::array();
        for (Json op : change.diff) {
            if (op.contains("value")) {
                const bool insideSecret = op.value("path", "").find("/@secret") != std::string::npos;
                op["value"] =
                    insideSecret && !showSecrets ? Json(kMask) : shownValue(op["value"], showSecrets);
            }
            diff.push_back(std::move(op));
        }
        entry["diff"] = std::move(diff);
        changes.push_back(std::move(entry));
    }
    return changes;
}

int parsePositive(const std::string& text, const std::string& option) {
    size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || value < 1)
        throw UsageError("--" + option + " needs a whole number of at least 1, not \"" + text + "\"");
    return value;
}

// Sends every event to both sinks (the console or --json lines, and the run-history log).
class TeeSink : public EventSink {
public:
    TeeSink(EventSink& first, EventSink* second) : m_first(first), m_second(second) {}
    void onEvent(const EngineEvent& event) override {
        if (m_second)
            m_second->onEvent(event);
        m_first.onEvent(event);
    }

private:
    EventSink& m_first;
    EventSink* m_second;
};

// The run's entry in run history (history/RunHistory.h), written as the GUI writes it so its History tab
// shows athanorctl's runs too. The files are made with the run's first event, so a run refused before
// anything happened in a folder without state leaves no .alchemy folder behind. Failing to record never fails
// the run: it says so on stderr once.
class HistoryRecorder : public EventSink {
public:
    // `athanorHome`: the source's (StateSource::athanorHome()); run history goes to <athanorHome>/runs.
    HistoryRecorder(std::filesystem::path athanorHome, const RunRequest& request, const RunTarget& target)
        : m_athanorHome(std::move(athanorHome)), m_started(std::chrono::system_clock::now()),
          m_clock(std::chrono::steady_clock::now()) {
        m_summary.phase = request.phase;
        m_summary.app = request.app;
        m_summary.stage = request.stage;
        if (target.entry)
            (target.backend == BackendKind::Program ? m_summary.program : m_summary.stackFile) =
                std::filesystem::absolute(*target.entry).string();
        m_summary.startedAt = m_started;
        m_summary.force = request.force;
        m_summary.adopt = request.adopt;
        m_summary.parallel = request.parallel;
    }

    void onEvent(const EngineEvent& event) override {
        if (RunLogWriter* log = open())
            log->onEvent(event);
    }

    void finished(const RunReport& report) {
        if (!report.app.empty())
            m_summary.app = report.app;
        if (!report.stage.empty())
            m_summary.stage = report.stage;
        m_summary.result = historyResultOf(report.result);
        m_summary.counts = report.counts;
        if (m_summary.phase == Phase::Plan)
            m_summary.planned = countPlanned(report.plan);
        m_summary.firstFailureFqn = report.firstFailureFqn;
        m_summary.firstFailureMessage = report.firstFailureMessage;
        m_summary.errors = report.errors;
        write();
    }
    void refused(HistoryResult result, const std::string& error, std::optional<HistoryLockHolder> lock = {}) {
        std::error_code ec;
        if (!m_log && !std::filesystem::is_directory(m_athanorHome.parent_path(), ec))
            return; // nothing ran and there is no state to keep a history beside
        m_summary.result = result;
        m_summary.error = error;
        m_summary.lock = std::move(lock);
        write();
    }

private:
    RunLogWriter* open() {
        std::lock_guard lock(m_mutex);
        if (m_log || m_failed)
            return m_log.get();
        if (!keepsRunHistoryIn(m_athanorHome, m_summary.phase)) {
            m_failed = true;
            return nullptr;
        }
        try {
            m_files = prepareRunHistoryIn(m_athanorHome, m_summary.phase, m_summary.stage, m_started);
            m_log = std::make_unique<RunLogWriter>(m_files->log);
            if (!m_log->isOpen())
                throw std::runtime_error("cannot create " + m_files->log.string());
            m_summary.logFileName = m_files->log.filename().string();
        } catch (const std::exception& e) {
            std::cerr << "athanorctl: warning: this run is not recorded in run history: " << e.what() << "\n";
            m_failed = true;
            m_files.reset();
            m_log.reset();
        }
        return m_log.get();
    }

    void write() {
        if (!open())
            return;
        m_summary.durationMs =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_clock)
                .count();
        m_log->close();
        try {
            writeRunSummary(m_files->summary, m_summary);
        } catch (const std::exception& e) {
            std::cerr << "athanorctl: warning: " << e.what() << "\n";
            return;
        }
        for (const std::string& error : pruneRunHistoryIn(m_athanorHome, m_files->summary).errors)
            std::cerr << "athanorctl: warning: run history: " << error << "\n";
    }

    std::filesystem::path m_athanorHome;
    std::chrono::system_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_clock;
    RunSummary m_summary;
    std::mutex m_mutex;
    bool m_failed = false;
    std::optional<RunHistoryFiles> m_files;
    std::unique_ptr<RunLogWriter> m_log;
};

// An engine destroy that failed (or refused) on a project whose own program knows its kinds.
void suggestProgram(const std::filesystem::path& projectRoot) {
    if (auto entry = findProgramEntry(projectRoot))
        std::cerr << "athanorctl: hint: " << projectRoot.string() << " has the Alchemy program "
                  << entry->filename().string()
                  << ", whose own providers know every kind it created: `athanorctl "
                  << "destroy " << (projectRoot / entry->filename()).string()
                  << "` runs it as `alchemy destroy` would\n";
}

} // namespace

int runRunCommand(Phase phase, const std::vector<std::string>& args) {
    const CommandLine cl(
        args, {"root", "state", "stage", "parallel", "password-file", "app", "runtime"},
        {"force", "adopt", "json", "quiet", "verbose", "show-secrets", "program-password", "no-lock"});
    if (cl.positionals().size() > 1)
        throw UsageError("unexpected argument " + cl.positionals()[1] + " (one ENTRY at most)");

    std::optional<std::filesystem::path> given;
    if (!cl.positionals().empty())
        given = std::filesystem::path(cl.positionals().front());
    const std::optional<RunTarget> found = findRunTarget(given, std::filesystem::current_path());
    RunTarget target = found.value_or(RunTarget{});
    if (!found && phase != Phase::Destroy)
        throw UsageError(
            std::string("no stack file or Alchemy program: ./") + std::string(kDefaultStackFileName) +
            " does not exist, nor ./alchemy.run.ts, .js, .mts or .mjs (pass STACKFILE or ENTRY)");
    const bool program = target.backend == BackendKind::Program;
    if (program && phase == Phase::Plan)
        throw UsageError("plan works on stack files: an Alchemy program has no dry run (`up` runs it)");
    if (program && cl.value("parallel"))
        throw UsageError(
            "--parallel is for stack files: an Alchemy program runs its resources as it declares");
    if (!program && (cl.value("runtime") || cl.flag("program-password")))
        throw UsageError("--runtime and --program-password are for Alchemy programs (alchemy.run.ts)");
    if (!target.note.empty())
        std::cerr << "athanorctl: note: " << target.note << "\n";

    RunRequest request;
    request.phase = phase;
    request.entry = target.entry;
    if (auto state = stateSourceOption(cl)) {
        if (state->kind == SourceSpec::Kind::Folder)
            request.root = state->path;
        else if (program)
            throw UsageError(
                "--state " + state->toString() +
                " is for stack files: an Alchemy program keeps state in the store its code names");
        else
            request.state = *state;
    } else if (!target.entry) {
        request.root = std::filesystem::current_path();
    }
    if (auto app = cl.value("app")) {
        if (target.entry && !program)
            throw UsageError("--app is for destroy without a stack file (the stack file names its app)");
        request.app = *app;
    }
    request.stage = resolveStageName(cl.valueOr("stage", ""));
    request.force = cl.flag("force");
    request.adopt = cl.flag("adopt");
    request.quiet = cl.flag("quiet");
    request.noLock = cl.flag("no-lock");
    if (request.noLock && program)
        throw UsageError("--no-lock is for stack files: an Alchemy program takes no lock of Athanor's");
    if (auto parallel = cl.value("parallel"))
        request.parallel = parsePositive(*parallel, "parallel");
    std::optional<std::filesystem::path> passwordFile;
    if (auto file = cl.value("password-file"))
        passwordFile = *file;
    request.passwords = passwordsFromEnvironment(passwordFile);
    request.providers = ProviderRegistry::withBuiltins();
    request.program.runtime = cl.valueOr("runtime", "");
    request.program.ownPassword = cl.flag("program-password");
    request.processEndsAfterRun = true; // main() returns right after: big structures are not freed one by one

    const bool json = cl.flag("json");
    const bool showSecrets = cl.flag("show-secrets");
    request.outputsText = OutputsTextFormat{json ? 0 : 2, showSecrets, kMask};
    const bool color = !json && colorWanted(::isatty(STDOUT_FILENO) == 1);
    ConsoleOptions consoleOptions;
    consoleOptions.color = color;
    consoleOptions.quiet = request.quiet;
    consoleOptions.verbose = cl.flag("verbose");
    consoleOptions.version = ATHANOR_VERSION;
    ConsoleFormatter console(std::cout, std::cerr, consoleOptions);
    JsonLinesSink jsonLines(std::cout);
    FinishLastSink printed(json ? static_cast<EventSink&>(jsonLines) : static_cast<EventSink&>(console));

    // Run history, as the GUI keeps it: best effort, a read-only project still runs.
    const std::filesystem::path projectRoot =
        std::filesystem::absolute(request.root                          ? *request.root
                                  : target.entry->parent_path().empty() ? "."
                                                                        : target.entry->parent_path());
    std::filesystem::path athanorHome = folderAthanorHome(projectRoot);
    if (request.state) {
        try {
            athanorHome = openStateSource(*request.state)->athanorHome();
        } catch (const std::exception&) {
            // the run itself says why the source cannot be opened
        }
    }
    HistoryRecorder history(athanorHome, request, target);
    TeeSink sink(printed, &history);

    const std::unique_ptr<RunBackend> backend = makeRunBackend(target.backend);
    g_programRun.store(program);
    CancellationToken cancel;
    RunReport report;
    try {
        InterruptGuard interrupts(cancel);
        report = backend->run(request, sink, cancel);
    } catch (const LockHeldError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n"
                  << "  held by pid " << e.pid << " on " << e.host << " since " << e.since
                  << (e.operation.empty() ? "" : " (" + e.operation + ")") << "\n";
        history.refused(HistoryResult::Locked, e.what(),
                        HistoryLockHolder{e.pid, e.host, e.since, e.operation});
        return kExitLocked;
    } catch (const StageLockUnavailableError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        history.refused(HistoryResult::Error, e.what());
        return kExitLocked;
    } catch (const UnknownKindsError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        for (const auto& [kind, fqns] : e.fqnsByKind)
            std::cerr << "  " << kind << ": " << fqns.size() << " record(s), e.g. " << fqns.front() << "\n";
        history.refused(HistoryResult::Error, e.what());
        if (!program)
            suggestProgram(projectRoot);
        return kExitUnknownKinds;
    } catch (const PasswordNeededError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n"
                  << "  set ALCHEMY_PASSWORD or pass --password-file F; --program-password when the program "
                     "sets its own\n";
        history.refused(HistoryResult::Error, e.what());
        return kExitFailed;
    } catch (const RuntimeError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        if (e.alternative)
            std::cerr << "  run again with --runtime " << e.alternative->string() << "\n";
        history.refused(HistoryResult::Error, e.what());
        return kExitFailed;
    } catch (const std::exception& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        history.refused(HistoryResult::Error, e.what());
        if (!program && phase == Phase::Destroy)
            suggestProgram(projectRoot);
        return kExitFailed;
    }

    if (phase == Phase::Plan) {
        if (json)
            std::cout << stringifyJs(Json{{"type", "plan"}, {"changes", planToJson(report, showSecrets)}}, 0)
                      << "\n";
        else
            printPlan(report, showSecrets, color, std::cout);
    } else if (phase == Phase::Read && report.result == RunResult::Succeeded) {
        // The engine wrote each output's text on its reader threads; a program's read gives Json. 10,000
        // outputs are one large text: kept for the process's exit rather than freed (keepUntilProcessExit()).
        if (report.outputTexts.empty())
            report.outputTexts = outputTextsOf(std::move(report.outputs), *request.outputsText);
        auto text =
            std::make_shared<std::string>(outputsDocumentText(report.outputTexts, *request.outputsText));
        text->push_back('\n');
        std::cout << *text;
        keepUntilProcessExit(std::move(text));
    }
    std::cout.flush();
    printed.flush();
    history.finished(report);
    if (!program && phase == Phase::Destroy && report.result == RunResult::Failed)
        suggestProgram(projectRoot);
    const RunResult result = report.result;
    keepUntilProcessExit(std::make_shared<RunReport>(std::move(report)));
    switch (result) {
    case RunResult::Succeeded:
        return 0;
    case RunResult::Cancelled:
        return kExitCancelled;
    case RunResult::Failed:
        break;
    }
    return kExitFailed;
}

} // namespace athanor::cli

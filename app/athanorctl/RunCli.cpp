#include "RunCli.h"

#include "CommandLine.h"
#include "commands/StateCommands.h"
#include "events/ConsoleFormatter.h"
#include "lifecycle/RunApi.h"
#include "providers/PlainJson.h"
#include "stack/StackModel.h"

#include "json/JsJsonText.h"
#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <unistd.h>

#ifndef ATHANOR_VERSION
#define ATHANOR_VERSION "0.1.0"
#endif

namespace athanor::cli {

const char* const kRunUsage =
    "  athanorctl up      [STACKFILE] [--state SOURCE] [--stage S] [--force] [--adopt] [--parallel N]\n"
    "  athanorctl plan    [STACKFILE] [--state SOURCE] [--stage S] [--force]\n"
    "  athanorctl read    [STACKFILE] [--state SOURCE] [--stage S] [--show-secrets]\n"
    "  athanorctl destroy [STACKFILE] [--state SOURCE] [--stage S] [--app A] [--parallel N]\n"
    "    common: [--json] [--quiet] [--verbose] [--password-file F]\n"
    "    SOURCE: default the stack file's folder; --root DIR is the same as --state DIR.\n"
    "    STACKFILE defaults to ./alchemy.stack.json (destroy works from state alone without one).\n"
    "    Passwords: ALCHEMY_PASSWORD, then each line of --password-file.\n"
    "    Exit codes: 0 success, 1 run failed, 2 usage, 3 stage locked by another run, 130 cancelled.\n";

namespace {

constexpr const char* kDefaultStackFile = "alchemy.stack.json";
constexpr int kExitFailed = 1;
constexpr int kExitLocked = 3;
constexpr int kExitCancelled = 130;

// SIGINT, as Terraform does it: the first asks the run to stop (nothing new starts, running resources
// finish, every record stays created or untouched); the second aborts (running commands are killed, their
// records stay creating / updating for the next `up` to resume); the third ends the process at once. Only
// async-signal-safe calls in the handler.
std::atomic<CancellationToken*> g_cancelToken{nullptr};
std::atomic<int> g_interrupts{0};

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
    if (previous == 0 && token)
        token->cancel();
    else if (token)
        token->abort();
    const char* message = previous == 0 ? cancelling : aborting;
    const size_t length = previous == 0 ? sizeof cancelling - 1 : sizeof aborting - 1;
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

Json outputsToJson(const RunReport& report, bool showSecrets) {
    Json outputs = Json::object();
    for (const auto& [fqn, output] : report.outputs)
        outputs[fqn] = shownValue(withoutEnvelope(output), showSecrets);
    return outputs;
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

} // namespace

int runRunCommand(Phase phase, const std::vector<std::string>& args) {
    const CommandLine cl(args, {"root", "state", "stage", "parallel", "password-file", "app"},
                         {"force", "adopt", "json", "quiet", "verbose", "show-secrets"});
    if (cl.positionals().size() > 1)
        throw UsageError("unexpected argument " + cl.positionals()[1] + " (one STACKFILE at most)");

    RunOptions options;
    options.phase = phase;
    if (!cl.positionals().empty()) {
        options.stackFile = cl.positionals().front();
    } else if (std::error_code ec; std::filesystem::exists(kDefaultStackFile, ec)) {
        options.stackFile = kDefaultStackFile;
    } else if (phase != Phase::Destroy) {
        throw UsageError(std::string("no stack file: ./") + kDefaultStackFile +
                         " does not exist (pass STACKFILE)");
    }
    if (auto state = stateSourceOption(cl))
        options.state = *state;
    else if (!options.stackFile)
        options.state = SourceSpec::folder(std::filesystem::current_path());
    if (auto app = cl.value("app")) {
        if (options.stackFile)
            throw UsageError("--app is for destroy without a stack file (the stack file names its app)");
        options.app = *app;
    }
    options.stage = resolveStageName(cl.valueOr("stage", ""));
    options.force = cl.flag("force");
    options.adopt = cl.flag("adopt");
    options.quiet = cl.flag("quiet");
    if (auto parallel = cl.value("parallel"))
        options.parallel = parsePositive(*parallel, "parallel");
    std::optional<std::filesystem::path> passwordFile;
    if (auto file = cl.value("password-file"))
        passwordFile = *file;
    options.passwords = passwordsFromEnvironment(passwordFile);
    options.providers = ProviderRegistry::withBuiltins();

    const bool json = cl.flag("json");
    const bool showSecrets = cl.flag("show-secrets");
    const bool color = !json && colorWanted(::isatty(STDOUT_FILENO) == 1);
    ConsoleOptions consoleOptions;
    consoleOptions.color = color;
    consoleOptions.quiet = options.quiet;
    consoleOptions.verbose = cl.flag("verbose");
    consoleOptions.version = ATHANOR_VERSION;
    ConsoleFormatter console(std::cout, std::cerr, consoleOptions);
    JsonLinesSink jsonLines(std::cout);
    FinishLastSink sink(json ? static_cast<EventSink&>(jsonLines) : static_cast<EventSink&>(console));

    CancellationToken cancel;
    RunReport report;
    try {
        InterruptGuard interrupts(cancel);
        report = runPhase(options, sink, cancel);
    } catch (const LockHeldError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n"
                  << "  held by pid " << e.pid << " on " << e.host << " since " << e.since
                  << (e.operation.empty() ? "" : " (" + e.operation + ")") << "\n";
        return kExitLocked;
    } catch (const StackError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        return kExitFailed;
    }

    if (phase == Phase::Plan) {
        if (json)
            std::cout << stringifyJs(Json{{"type", "plan"}, {"changes", planToJson(report, showSecrets)}}, 0)
                      << "\n";
        else
            printPlan(report, showSecrets, color, std::cout);
    } else if (phase == Phase::Read && report.result == RunResult::Succeeded) {
        if (json)
            std::cout << stringifyJs(
                             Json{{"type", "outputs"}, {"outputs", outputsToJson(report, showSecrets)}}, 0)
                      << "\n";
        else
            std::cout << stringifyJs(outputsToJson(report, showSecrets), 2) << "\n";
    }
    std::cout.flush();
    sink.flush();
    switch (report.result) {
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

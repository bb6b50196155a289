#pragma once

#include "lifecycle/RunReporter.h"
#include "program/AlchemyConsole.h"
#include "program/StageFqnResolver.h"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Turns a real Alchemy program's console output, line by line, into the EngineEvent stream the engine itself
// emits (reference §10), so the task list, log, progress, summary and first-failure pin work unchanged:
//  * the banner starts the run (run-started: app, phase, stage); a read or a --quiet run prints none, so it
//    starts at once;
//  * "[creating]  site > worker Creating Resource..." and the other resource lines become resource events,
//    the path mapped back to an FQN through the stage's state (StageFqnResolver), the kind read from the
//    record, durations measured from the opening line;
//  * "ERROR Scope failed <fqn>" names a failing resource; the next error Node or Bun prints (an
//  uncaught-error
//    block, or Alchemy's "ERROR <error object>") gives its message, and the resource gets a failed event;
//  * ERROR / WARN lines and unknown stderr lines are log lines at error / warning level, a multi-line error
//    kept as one event; unknown stdout lines are info log lines. Nothing is dropped.
// Single-threaded: feed it from the thread that reads the program's output.
class ProgramEventTranslator {
public:
    struct Options {
        Phase phase = Phase::Up;
        std::string stage;
        std::string app; // the expected app (may be empty: the banner tells)
        bool quiet = false;
        // The run starts without waiting for a banner (read, --quiet: Alchemy prints none).
        bool startAtOnce = false;
    };
    // Called when the run starts or the banner names another app / stage: returns the run's total (-1: not
    // known up front, progress is a running count). May throw (a held stage lock), which stops the run.
    using StartHook = std::function<int(const std::string& app, const std::string& stage)>;

    ProgramEventTranslator(EventSink& sink, DotAlchemyLayout layout, Options options, StartHook onStart);

    // A log line for right after run-started (the stale-lock warning, the command line that runs).
    void logAfterStart(LogLevel level, std::string message);
    void start(); // starts the run now if it has not started (with the expected app)
    void line(std::string_view raw, bool fromStderr);
    void tick(); // about every 100 ms: an error block idle for a while is complete

    struct Ending {
        int exitCode = 0;
        int signal = 0;
        bool cancelled = false;
    };
    // The program has ended and its output is read: the open error block, failures still waiting for a
    // message, resources that never finished, and an exit that says something went wrong.
    void finish(const Ending& ending);

    bool started() const { return m_reporter != nullptr; }
    RunReporter& reporter() { return *m_reporter; } // after start()
    const std::string& app() const { return m_app; }
    const std::string& stage() const { return m_stage; }
    // Resources still between their opening and closing line.
    std::vector<std::string> unfinished() const;

private:
    struct Running {
        EventType type;
        std::string kind;
        std::chrono::steady_clock::time_point since;
    };
    struct Block {
        LogLevel level = LogLevel::Error;
        bool fromAlchemy = false; // started by Alchemy's own "ERROR " line
        std::string text;
        std::chrono::steady_clock::time_point last;
    };

    void startWith(const std::string& app);
    void log(LogLevel level, std::string message);
    void resourceLine(const ConsoleLine& parsed);
    void scopeFailed(const std::string& chain);
    void openBlock(LogLevel level, std::string text, bool fromAlchemy);
    void flushBlock();
    void failPending(const std::string& message);

    EventSink& m_sink;
    DotAlchemyLayout m_layout;
    Options m_options;
    StartHook m_onStart;
    std::string m_app;
    std::string m_stage;
    std::unique_ptr<RunReporter> m_reporter;
    std::unique_ptr<StageFqnResolver> m_resolver;
    std::vector<std::pair<LogLevel, std::string>> m_held; // before run-started
    bool m_inBanner = false;
    std::string m_bannerApp;
    std::map<std::string, Running> m_running;   // fqn -> its opening line (create / update / delete)
    std::map<std::string, Running> m_cleaning;  // fqn -> "[cleanup]" of its replaced copy
    std::vector<std::string> m_pendingFailures; // named by "Scope failed", waiting for the error's message
    std::vector<std::string> m_failed;
    std::optional<Block> m_block;
    std::string m_lastError;
    std::string m_alchemyError; // the first error Alchemy itself printed
    bool m_scopeFailed = false;
};

} // namespace athanor

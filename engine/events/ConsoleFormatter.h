#pragma once

#include "events/EngineEvent.h"

#include "json/Json.h"
#include <chrono>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace athanor {

struct ConsoleOptions {
    bool color = true;    // ANSI colours (callers pass false for NO_COLOR or when not on a terminal)
    bool quiet = false;   // --quiet: no banner and no summary for a successful run; warnings and errors stay
    bool verbose = false; // also print debug and trace log lines
    std::string productName = "Athanor";
    std::string version = "0.1.0";
};

// Prints a run the way Alchemy's console does (reference §10), so the output reads like `alchemy deploy`'s:
//   Athanor (v0.1.0)                      (banner: name in bright cyan, then App / Phase / Stage; not for
//   read) App: shop Phase: up Stage: dev [creating]  storage > seed Creating Resource... [created]   storage
//   > seed Created Resource
// ERROR / WARN lines go to the error stream. At the end Athanor adds one line of its own:
//   Athanor: up shop/dev succeeded in 0.42s (2 created, 3 skipped)
// (on the error stream for read, whose standard output carries the outputs; its info log lines go there too).
// Thread-safe; each line is written and flushed whole, so lines from parallel resources never interleave.
class ConsoleFormatter : public EventSink {
public:
    ConsoleFormatter(std::ostream& out, std::ostream& err, ConsoleOptions options);
    void onEvent(const EngineEvent& event) override;

    // The four banner lines, each ending in '\n'.
    static std::string bannerText(const ConsoleOptions& options, std::string_view app, Phase phase,
                                  std::string_view stage);
    // Alchemy's line for a resource event (no newline), or "" for event types that have none:
    // COLOR(pad12("[prefix]")) + GREY(path) + " " + message.
    static std::string resourceLine(EventType type, std::string_view fqn, bool color);
    // The FQN without app and stage, segments joined by " > " ("shop/dev/site/worker" -> "site > worker").
    static std::string resourcePath(std::string_view fqn);
    // "ERROR <text>" / "WARN <text>" with Alchemy's colours (91 / 93).
    static std::string levelLine(LogLevel level, std::string_view text, bool color);
    static std::string summaryLine(const EngineEvent& finished, bool color);

private:
    void write(std::ostream& stream, const std::string& text);

    std::ostream& m_out;
    std::ostream& m_err;
    ConsoleOptions m_options;
    std::mutex m_mutex;
    bool m_bannerShown = false;
    Phase m_phase = Phase::Up;
    std::string m_app, m_stage;
};

// One JSON object per line for each event (`athanorctl --json`), in the encoding of events/EventJson.h.
// Thread-safe.
class JsonLinesSink : public EventSink {
public:
    explicit JsonLinesSink(std::ostream& out);
    void onEvent(const EngineEvent& event) override;

private:
    std::ostream& m_out;
    std::mutex m_mutex;
};

// True when colour output is wanted: NO_COLOR unset or empty, and `isTerminal` (or FORCE_COLOR set
// non-empty).
bool colorWanted(bool isTerminal);

} // namespace athanor

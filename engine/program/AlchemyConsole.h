#pragma once

#include "events/EngineEvent.h"

#include <optional>
#include <string>
#include <string_view>

namespace athanor {

// One line of a real Alchemy program's console output, recognised (reference §10). Pure: no state, so every
// line of a captured log can be checked on its own.
struct ConsoleLine {
    enum class Kind {
        BannerTitle, // "Alchemy (v0.94.0)"                      text = the version
        BannerApp,   // "App: shop"                              text = the app
        BannerPhase, // "Phase: up"                              text = the phase
        BannerStage, // "Stage: dev"                             text = the stage
        Resource,    // "[created]   site > worker Created Resource"   type + path
        ScopeFailed, // "ERROR Scope failed shop/dev/site"       text = the scope chain (an FQN)
        Error,       // "ERROR <text>"                           text
        Warn,        // "WARN <text>"                            text
        Plain        // anything else                            text = the line without ANSI codes
    };
    Kind kind = Kind::Plain;
    EventType type = EventType::Log; // Resource: the transition
    std::string path;                // Resource: "site > worker" ("" for a line about the stage itself)
    std::string text;
};

// The line without ANSI escape sequences (colours, cursor moves) and without a trailing '\r'.
std::string stripAnsi(std::string_view line);

// Recognises one line (with or without colours). Banner lines other than the title are only recognised when
// `inBanner` (right after the title), so that a program printing "App: x" later stays a plain line.
ConsoleLine parseConsoleLine(std::string_view line, bool inBanner);

// The message of an error as Node or Bun print it: the first line of `text` shaped like
// "TypeError: x is not a function", "error: boom" (Bun), "[SystemError [ERR_FS_EISDIR]: Path is a directory]
// {" or "Uncaught Error: boom"; "Error: " / "error: " prefixes are dropped, other class names kept. nullopt
// when no line looks like that.
std::optional<std::string> errorMessageIn(std::string_view text);

// True for a line Node or Bun print as a warning, not an error: "(node:123) ExperimentalWarning: ...",
// "warning: ..." (Bun).
bool looksLikeRuntimeWarning(std::string_view line);

} // namespace athanor

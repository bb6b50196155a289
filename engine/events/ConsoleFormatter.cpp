#include "events/ConsoleFormatter.h"

#include "events/EventJson.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

namespace athanor {
namespace {

constexpr std::string_view kReset = "\x1b[0m";

std::string paint(std::string_view text, int code, bool color) {
    if (!color)
        return std::string(text);
    return "\x1b[" + std::to_string(code) + "m" + std::string(text) + std::string(kReset);
}

struct LineStyle {
    std::string_view prefix;
    int color;
    std::string_view message;
};

// Reference §10.2: prefix, colour (SGR) and message for each resource event.
std::optional<LineStyle> lineStyle(EventType type) {
    switch (type) {
    case EventType::Skipped:
        return LineStyle{"skipped", 93, "Skipped Resource (no changes)"};
    case EventType::Creating:
        return LineStyle{"creating", 35, "Creating Resource..."};
    case EventType::Updating:
        return LineStyle{"updating", 35, "Updating Resource..."};
    case EventType::Created:
        return LineStyle{"created", 92, "Created Resource"};
    case EventType::Updated:
        return LineStyle{"updated", 92, "Updated Resource"};
    case EventType::Replaced:
        return LineStyle{"replaced", 92, "Replaced Resource"};
    case EventType::Deleting:
        return LineStyle{"deleting", 91, "Deleting Resource..."};
    case EventType::Deleted:
        return LineStyle{"deleted", 92, "Deleted Resource"};
    case EventType::Cleanup:
        return LineStyle{"cleanup", 35, "Cleaning Up Old Resource..."};
    case EventType::Cleaned:
        return LineStyle{"cleaned", 92, "Old Resource Cleanup Complete"};
    default:
        return std::nullopt;
    }
}

std::string padded(std::string_view text, size_t width) {
    std::string s(text);
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string formatDuration(double milliseconds) {
    char buffer[64];
    if (milliseconds < 1000)
        std::snprintf(buffer, sizeof buffer, "%.0fms", milliseconds);
    else if (milliseconds < 60000)
        std::snprintf(buffer, sizeof buffer, "%.2fs", milliseconds / 1000);
    else
        std::snprintf(buffer, sizeof buffer, "%dm %.1fs", static_cast<int>(milliseconds / 60000),
                      (milliseconds - 60000 * static_cast<int>(milliseconds / 60000)) / 1000);
    return buffer;
}

std::string withNewline(std::string text) {
    text += '\n';
    return text;
}

} // namespace

ConsoleFormatter::ConsoleFormatter(std::ostream& out, std::ostream& err, ConsoleOptions options)
    : m_out(out), m_err(err), m_options(std::move(options)) {}

std::string ConsoleFormatter::bannerText(const ConsoleOptions& options, std::string_view app, Phase phase,
                                         std::string_view stage) {
    std::string text = paint(options.productName, 96, options.color) + " (v" + options.version + ")\n";
    text += "App: " + std::string(app) + "\n";
    text += "Phase: " + std::string(toString(phase)) + "\n";
    text += "Stage: " + std::string(stage) + "\n";
    return text;
}

std::string ConsoleFormatter::resourcePath(std::string_view fqn) {
    std::string path;
    size_t start = 0;
    int segment = 0;
    while (start <= fqn.size()) {
        const size_t slash = std::min(fqn.find('/', start), fqn.size());
        if (segment++ >= 2) {
            if (!path.empty())
                path += " > ";
            path += fqn.substr(start, slash - start);
        }
        start = slash + 1;
    }
    return path;
}

std::string ConsoleFormatter::resourceLine(EventType type, std::string_view fqn, bool color) {
    const auto style = lineStyle(type);
    if (!style)
        return {};
    const std::string prefix = paint(padded("[" + std::string(style->prefix) + "]", 12), style->color, color);
    const std::string path = resourcePath(fqn);
    if (path.empty())
        return paint(padded(style->prefix, 12), style->color, color) + std::string(style->message);
    return prefix + paint(path, 90, color) + " " + std::string(style->message);
}

std::string ConsoleFormatter::levelLine(LogLevel level, std::string_view text, bool color) {
    if (level == LogLevel::Error)
        return paint("ERROR", 91, color) + " " + std::string(text);
    if (level == LogLevel::Warn)
        return paint("WARN", 93, color) + " " + std::string(text);
    return std::string(text);
}

std::string ConsoleFormatter::summaryLine(const EngineEvent& finished, bool color) {
    const RunCounts& c = finished.counts;
    std::string counts;
    auto add = [&](int n, std::string_view what) {
        if (n > 0)
            counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(what);
    };
    add(c.created, "created");
    add(c.updated, "updated");
    add(c.replaced, "replaced");
    add(c.skipped, "skipped");
    add(c.deleted, "deleted");
    add(c.read, "read");
    add(c.failed, "failed");
    if (counts.empty())
        counts = "nothing to do";
    const int resultColor = finished.result == RunResult::Succeeded ? 92
                            : finished.result == RunResult::Failed  ? 91
                                                                    : 93;
    std::string target = finished.app;
    if (!finished.stage.empty())
        target += (target.empty() ? "" : "/") + finished.stage;
    return "Athanor: " + std::string(toString(finished.phase)) + (target.empty() ? "" : " " + target) + " " +
           paint(toString(finished.result), resultColor, color) + " in " +
           formatDuration(finished.durationMs) + " (" + counts + ")";
}

void ConsoleFormatter::write(std::ostream& stream, const std::string& text) {
    std::lock_guard lock(m_mutex);
    stream << text;
    stream.flush();
}

void ConsoleFormatter::onEvent(const EngineEvent& event) {
    const bool color = m_options.color;
    switch (event.type) {
    case EventType::RunStarted: {
        {
            std::lock_guard lock(m_mutex);
            m_phase = event.phase;
            m_app = event.app;
            m_stage = event.stage;
            // Alchemy prints no banner in the read phase (§10.1), nor under --quiet; once per run.
            if (event.phase == Phase::Read || m_options.quiet || m_bannerShown)
                return;
            m_bannerShown = true;
        }
        write(m_out, bannerText(m_options, event.app, event.phase, event.stage));
        return;
    }
    case EventType::RunFinished: {
        if (m_options.quiet && event.result == RunResult::Succeeded)
            return;
        EngineEvent finished = event;
        if (finished.app.empty())
            finished.app = m_app;
        if (finished.stage.empty())
            finished.stage = m_stage;
        const bool toErr = event.phase == Phase::Read || event.result != RunResult::Succeeded;
        write(toErr ? m_err : m_out, withNewline(summaryLine(finished, color)));
        return;
    }
    case EventType::Failed: {
        const std::string what = event.fqn.empty() ? std::string() : event.fqn + ": ";
        write(m_err, withNewline(levelLine(LogLevel::Error, what + event.message, color)));
        return;
    }
    case EventType::Log: {
        if ((event.level == LogLevel::Debug || event.level == LogLevel::Trace) && !m_options.verbose)
            return;
        if (event.level == LogLevel::Warn || event.level == LogLevel::Error) {
            write(m_err, withNewline(levelLine(event.level, event.message, color)));
            return;
        }
        if (m_options.quiet)
            return;
        // A read's standard output carries the outputs (as JSON): its log lines go with the summary.
        bool toErr = false;
        {
            std::lock_guard lock(m_mutex);
            toErr = m_phase == Phase::Read;
        }
        write(toErr ? m_err : m_out, withNewline(event.message));
        return;
    }
    default: {
        const std::string line = resourceLine(event.type, event.fqn, color);
        if (!line.empty())
            write(m_out, withNewline(line));
        return;
    }
    }
}

bool colorWanted(bool isTerminal) {
    const char* noColor = std::getenv("NO_COLOR");
    if (noColor && *noColor)
        return false;
    const char* forceColor = std::getenv("FORCE_COLOR");
    return isTerminal || (forceColor && *forceColor && std::string_view(forceColor) != "0");
}

JsonLinesSink::JsonLinesSink(std::ostream& out) : m_out(out) {}

void JsonLinesSink::onEvent(const EngineEvent& event) {
    std::string text = stringifyJs(eventToJson(event), 0);
    text += '\n';
    std::lock_guard lock(m_mutex);
    m_out << text;
    m_out.flush();
}

} // namespace athanor

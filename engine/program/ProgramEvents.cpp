#include "program/ProgramEvents.h"

#include <algorithm>
#include <cstring>

namespace athanor {

namespace {

using Clock = std::chrono::steady_clock;

// An error block with no new line for this long is complete (Node and Bun print one in a single burst).
constexpr auto kBlockIdle = std::chrono::milliseconds(150);

bool opens(EventType type) {
    return type == EventType::Creating || type == EventType::Updating || type == EventType::Deleting;
}

bool closes(EventType type) {
    return type == EventType::Created || type == EventType::Updated || type == EventType::Replaced ||
           type == EventType::Deleted;
}

std::string doingText(EventType type) {
    switch (type) {
    case EventType::Creating:
        return "creating";
    case EventType::Updating:
        return "updating";
    case EventType::Deleting:
        return "deleting";
    case EventType::Cleanup:
        return "cleaning up its replaced copy";
    default:
        return "running";
    }
}

std::string signalName(int signal) {
    const char* abbrev = sigabbrev_np(signal);
    return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(signal);
}

} // namespace

ProgramEventTranslator::ProgramEventTranslator(EventSink& sink, DotAlchemyLayout layout, Options options,
                                               StartHook onStart)
    : m_sink(sink), m_layout(std::move(layout)), m_options(std::move(options)), m_onStart(std::move(onStart)),
      m_app(m_options.app), m_stage(m_options.stage) {}

void ProgramEventTranslator::logAfterStart(LogLevel level, std::string message) {
    if (m_reporter)
        m_reporter->log(level, message);
    else
        m_held.emplace_back(level, std::move(message));
}

void ProgramEventTranslator::start() {
    if (!m_reporter)
        startWith(m_app);
}

void ProgramEventTranslator::startWith(const std::string& app) {
    m_app = app;
    const int total = m_onStart ? m_onStart(m_app, m_stage) : -1;
    m_reporter = std::make_unique<RunReporter>(m_sink, m_options.phase, m_app, m_stage, m_options.quiet);
    m_resolver = std::make_unique<StageFqnResolver>(m_layout, m_app, m_stage);
    m_reporter->runStarted(std::max(total, 0), total < 0);
    for (auto& [level, message] : m_held)
        m_reporter->log(level, message);
    m_held.clear();
}

void ProgramEventTranslator::log(LogLevel level, std::string message) {
    logAfterStart(level, std::move(message));
}

std::vector<std::string> ProgramEventTranslator::unfinished() const {
    std::vector<std::string> fqns;
    for (const auto& [fqn, running] : m_running)
        fqns.push_back(fqn);
    for (const auto& [fqn, running] : m_cleaning)
        if (!m_running.count(fqn))
            fqns.push_back(fqn);
    return fqns;
}

void ProgramEventTranslator::line(std::string_view raw, bool fromStderr) {
    const ConsoleLine parsed = parseConsoleLine(raw, m_inBanner);
    using Kind = ConsoleLine::Kind;
    if (m_inBanner && parsed.kind != Kind::BannerApp && parsed.kind != Kind::BannerPhase &&
        parsed.kind != Kind::BannerStage)
        m_inBanner = false;
    switch (parsed.kind) {
    case Kind::BannerTitle:
        m_inBanner = true;
        m_bannerApp.clear();
        return;
    case Kind::BannerApp:
        m_bannerApp = parsed.text;
        return;
    case Kind::BannerPhase:
        return;
    case Kind::BannerStage: {
        m_inBanner = false;
        const std::string app = m_bannerApp.empty() ? m_app : m_bannerApp;
        if (!m_reporter) {
            m_stage = parsed.text;
            startWith(app);
        } else if (app != m_app || parsed.text != m_stage) {
            // One program, several apps (or a stage it sets itself): what follows is theirs.
            if (m_onStart)
                m_onStart(app, parsed.text);
            m_app = app;
            m_stage = parsed.text;
            m_resolver = std::make_unique<StageFqnResolver>(m_layout, m_app, m_stage);
        }
        return;
    }
    case Kind::Resource:
        flushBlock();
        start();
        resourceLine(parsed);
        return;
    case Kind::ScopeFailed:
        flushBlock();
        log(LogLevel::Error, "Scope failed " + parsed.text);
        scopeFailed(parsed.text);
        return;
    case Kind::Error:
        flushBlock();
        openBlock(LogLevel::Error, parsed.text, true);
        return;
    case Kind::Warn:
        flushBlock();
        if (parsed.text == "Scope is in error, skipping finalize")
            m_scopeFailed = true;
        log(LogLevel::Warn, parsed.text);
        return;
    case Kind::Plain:
        break;
    }
    if (!fromStderr) {
        log(LogLevel::Info, parsed.text);
        return;
    }
    if (m_block) {
        m_block->text += '\n';
        m_block->text += parsed.text;
        m_block->last = Clock::now();
        return;
    }
    openBlock(looksLikeRuntimeWarning(parsed.text) ? LogLevel::Warn : LogLevel::Error, parsed.text, false);
}

void ProgramEventTranslator::resourceLine(const ConsoleLine& parsed) {
    const StageFqnResolver::Resolved resolved = m_resolver->resolve(parsed.path);
    const std::string& fqn = resolved.fqn;
    const auto now = Clock::now();
    if (opens(parsed.type) || parsed.type == EventType::Cleanup) {
        auto& table = parsed.type == EventType::Cleanup ? m_cleaning : m_running;
        table[fqn] = Running{parsed.type, resolved.kind, now};
        m_reporter->transition(parsed.type, fqn, resolved.kind);
        return;
    }
    double durationMs = 0;
    std::string kind = resolved.kind;
    auto& table = parsed.type == EventType::Cleaned ? m_cleaning : m_running;
    if (closes(parsed.type) || parsed.type == EventType::Cleaned) {
        if (auto it = table.find(fqn); it != table.end()) {
            durationMs = std::chrono::duration<double, std::milli>(now - it->second.since).count();
            if (kind.empty())
                kind = it->second.kind;
            table.erase(it);
        }
    }
    m_reporter->transition(parsed.type, fqn, kind, durationMs);
}

void ProgramEventTranslator::scopeFailed(const std::string& chain) {
    m_scopeFailed = true;
    if ((m_running.count(chain) || m_cleaning.count(chain)) &&
        std::find(m_pendingFailures.begin(), m_pendingFailures.end(), chain) == m_pendingFailures.end())
        m_pendingFailures.push_back(chain);
}

void ProgramEventTranslator::openBlock(LogLevel level, std::string text, bool fromAlchemy) {
    m_block = Block{level, fromAlchemy, std::move(text), Clock::now()};
}

void ProgramEventTranslator::flushBlock() {
    if (!m_block)
        return;
    Block block = std::move(*m_block);
    m_block.reset();
    log(block.level, block.text);
    if (block.level != LogLevel::Error)
        return;
    std::string message = errorMessageIn(block.text).value_or(std::string());
    if (message.empty()) {
        // No "Name: message" line: the block's first line says it.
        message = block.text.substr(0, block.text.find('\n'));
    }
    if (message.empty())
        return;
    m_lastError = message;
    if (block.fromAlchemy && m_alchemyError.empty())
        m_alchemyError = message;
    failPending(message);
}

void ProgramEventTranslator::failPending(const std::string& message) {
    if (!m_reporter)
        start();
    const auto now = Clock::now();
    for (const std::string& fqn : m_pendingFailures) {
        std::string kind;
        double durationMs = 0;
        for (auto* table : {&m_running, &m_cleaning}) {
            if (auto it = table->find(fqn); it != table->end()) {
                kind = it->second.kind;
                durationMs = std::chrono::duration<double, std::milli>(now - it->second.since).count();
                table->erase(it);
            }
        }
        m_reporter->failed(fqn, kind, message, durationMs);
        m_failed.push_back(fqn);
    }
    m_pendingFailures.clear();
}

void ProgramEventTranslator::tick() {
    if (m_block && Clock::now() - m_block->last > kBlockIdle)
        flushBlock();
}

void ProgramEventTranslator::finish(const Ending& ending) {
    flushBlock();
    start();
    std::string how;
    if (ending.signal != 0)
        how = "the program was killed by " + signalName(ending.signal);
    else if (ending.exitCode != 0)
        how = "the program exited with code " + std::to_string(ending.exitCode);
    else
        how = "the program ended";

    if (!m_pendingFailures.empty())
        failPending(m_lastError.empty() ? "failed (" + how + " without saying why)" : m_lastError);

    // Resources whose closing line never came.
    for (const std::string& fqn : unfinished()) {
        const auto it = m_running.count(fqn) ? m_running.find(fqn) : m_cleaning.find(fqn);
        const std::string doing = doingText(it->second.type);
        if (ending.cancelled) {
            log(LogLevel::Warn, fqn + " was stopped while " + doing +
                                    "; its record says so, and the next run "
                                    "resumes it");
        } else if (!m_reporter->anyFailure()) {
            const double durationMs =
                std::chrono::duration<double, std::milli>(Clock::now() - it->second.since).count();
            m_reporter->failed(fqn, it->second.kind,
                               "did not finish: " + how + " while " + doing + " it" +
                                   (m_lastError.empty() ? std::string() : " (" + m_lastError + ")"),
                               durationMs);
            m_failed.push_back(fqn);
        } else {
            log(LogLevel::Warn, fqn + " did not finish: " + how + " while " + doing + " it");
        }
    }
    m_running.clear();
    m_cleaning.clear();

    if (ending.cancelled)
        return;
    if ((ending.exitCode != 0 || ending.signal != 0) && !m_reporter->anyFailure())
        m_reporter->runError(how + (m_lastError.empty() ? std::string() : ": " + m_lastError));
    else if (m_scopeFailed && !m_reporter->anyFailure())
        m_reporter->runError("Alchemy reported a failed scope" +
                             (m_lastError.empty() ? std::string() : ": " + m_lastError));
    else if (!m_alchemyError.empty() && !m_reporter->anyFailure())
        m_reporter->runError("Alchemy reported an error: " + m_alchemyError);
}

} // namespace athanor

// The console format against real Alchemy 0.94.0 output: every [prefix] line of the fixtures' stdout
// (plain and ANSI) is rebuilt from the equivalent event and must match byte for byte; plus the banner, the
// ERROR/WARN lines, Athanor's summary line and the JSON-lines sink.
#include "events/ConsoleFormatter.h"
#include "events/EventJson.h"

#include <QtTest>
#include <fstream>
#include <regex>
#include <sstream>

using namespace athanor;

namespace {

std::vector<std::string> readLines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string stripAnsi(const std::string& text) {
    static const std::regex sgr("\x1b\\[[0-9;]*m");
    return std::regex_replace(text, sgr, "");
}

std::optional<EventType> typeOf(const std::string& prefix) {
    static const std::map<std::string, EventType> types{
        {"skipped", EventType::Skipped},   {"creating", EventType::Creating},
        {"updating", EventType::Updating}, {"created", EventType::Created},
        {"updated", EventType::Updated},   {"replaced", EventType::Replaced},
        {"deleting", EventType::Deleting}, {"deleted", EventType::Deleted},
        {"cleanup", EventType::Cleanup},   {"cleaned", EventType::Cleaned}};
    const auto it = types.find(prefix);
    if (it == types.end())
        return std::nullopt;
    return it->second;
}

struct ParsedLine {
    EventType type;
    std::string fqn;
};

// Reference §10.2's parser, turning a fixture line back into the event it reports.
std::optional<ParsedLine> parseResourceLine(const std::string& rawLine, const std::string& appStage) {
    static const std::regex line(
        R"(^\[(skipped|creating|updating|created|updated|replaced|deleting|deleted|cleanup|cleaned)\]\s+(.*?) ?)"
        R"((Skipped Resource \(no changes\)|Creating Resource\.\.\.|Updating Resource\.\.\.|Created Resource|)"
        R"(Updated Resource|Replaced Resource|Deleting Resource\.\.\.|Deleted Resource|Cleaning Up Old Resource\.\.\.|)"
        R"(Old Resource Cleanup Complete)$)");
    std::smatch match;
    const std::string plain = stripAnsi(rawLine);
    if (!std::regex_match(plain, match, line))
        return std::nullopt;
    std::string path = match[2];
    std::string fqn = appStage;
    for (size_t start = 0;;) {
        const size_t separator = path.find(" > ", start);
        fqn += "/" + path.substr(start, separator - start);
        if (separator == std::string::npos)
            break;
        start = separator + 3;
    }
    return ParsedLine{*typeOf(match[1]), fqn};
}

struct FixtureRun {
    std::string folder;
    std::string appStage;
};

const std::vector<FixtureRun>& fixtureRuns() {
    static const std::vector<FixtureRun> runs{
        {"app-stages/01-up-dev", "shop/dev"},          {"app-stages/02-up-prod", "shop/prod"},
        {"app-stages/03-up-dev-again", "shop/dev"},    {"lifecycle/run1-create", "life/dev"},
        {"lifecycle/run2-update-orphans", "life/dev"}, {"lifecycle/run3-force-replace", "life/dev"},
        {"lifecycle/run4-noop", "life/dev"},           {"secrets/01-up", "vault/dev"}};
    return runs;
}

std::string fixturePath(const FixtureRun& run, const char* file) {
    return std::string(ATHANOR_TEST_DATA_DIR) + "/real-alchemy/" + run.folder + "/" + file;
}

EngineEvent resourceEvent(EventType type, const std::string& fqn) {
    EngineEvent event;
    event.type = type;
    event.fqn = fqn;
    event.kind = "fs::File";
    return event;
}

} // namespace

class TestConsoleFormat : public QObject {
    Q_OBJECT

private slots:
    void resourceLinesMatchTheFixtures() {
        int compared = 0;
        for (const FixtureRun& run : fixtureRuns()) {
            for (const bool color : {false, true}) {
                const auto lines = readLines(fixturePath(run, color ? "stdout.txt" : "stdout.nocolor.txt"));
                for (const std::string& line : lines) {
                    const auto parsed = parseResourceLine(line, run.appStage);
                    if (!parsed)
                        continue;
                    const std::string rebuilt =
                        ConsoleFormatter::resourceLine(parsed->type, parsed->fqn, color);
                    QVERIFY2(rebuilt == line,
                             (run.folder + ": expected `" + line + "`, got `" + rebuilt + "`").c_str());
                    ++compared;
                }
            }
        }
        QVERIFY(compared > 150);
    }

    void bannerMatchesAlchemysShape() {
        for (const FixtureRun& run : fixtureRuns()) {
            for (const bool color : {false, true}) {
                const auto lines = readLines(fixturePath(run, color ? "stdout.txt" : "stdout.nocolor.txt"));
                QVERIFY(lines.size() >= 4);
                ConsoleOptions alchemy;
                alchemy.color = color;
                alchemy.productName = "Alchemy";
                alchemy.version = "0.94.0";
                const std::string app = run.appStage.substr(0, run.appStage.find('/'));
                const std::string stage = run.appStage.substr(run.appStage.find('/') + 1);
                const std::string expected =
                    lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n";
                QCOMPARE(ConsoleFormatter::bannerText(alchemy, app, Phase::Up, stage), expected);
            }
        }
        ConsoleOptions athanor;
        athanor.version = "1.2.3";
        QCOMPARE(ConsoleFormatter::bannerText(athanor, "shop", Phase::Destroy, "dev"),
                 std::string("\x1b[96mAthanor\x1b[0m (v1.2.3)\nApp: shop\nPhase: destroy\nStage: dev\n"));
    }

    void pathsAndStageLevelLines() {
        QCOMPARE(ConsoleFormatter::resourcePath("shop/dev/site/worker"), std::string("site > worker"));
        QCOMPARE(ConsoleFormatter::resourcePath("shop/dev"), std::string());
        // An empty path: the prefix without brackets and no space (reference §10.2).
        QCOMPARE(ConsoleFormatter::resourceLine(EventType::Deleted, "shop/dev", false),
                 std::string("deleted     Deleted Resource"));
        QCOMPARE(ConsoleFormatter::resourceLine(EventType::Failed, "shop/dev/a", false), std::string());
        QCOMPARE(ConsoleFormatter::levelLine(LogLevel::Error, "Scope failed shop/dev", true),
                 std::string("\x1b[91mERROR\x1b[0m Scope failed shop/dev"));
        QCOMPARE(ConsoleFormatter::levelLine(LogLevel::Warn, "Scope is in error, skipping finalize", false),
                 std::string("WARN Scope is in error, skipping finalize"));
    }

    void wholeRunThroughTheSink() {
        std::ostringstream out, err;
        ConsoleOptions options;
        options.color = false;
        options.version = "0.1.0";
        ConsoleFormatter console(out, err, options);
        EngineEvent started;
        started.type = EventType::RunStarted;
        started.phase = Phase::Up;
        started.app = "life";
        started.stage = "dev";
        console.onEvent(started);
        console.onEvent(resourceEvent(EventType::Updating, "life/dev/api"));
        EngineEvent log;
        log.type = EventType::Log;
        log.message = "  (Server api: region us-east-1 -> eu-west-1, replacing)";
        console.onEvent(log);
        log.level = LogLevel::Debug;
        log.message = "hidden";
        console.onEvent(log);
        console.onEvent(resourceEvent(EventType::Replaced, "life/dev/api"));
        console.onEvent(resourceEvent(EventType::Cleanup, "life/dev/storage/db"));
        console.onEvent(resourceEvent(EventType::Cleaned, "life/dev/storage/db"));
        EngineEvent warn;
        warn.type = EventType::Log;
        warn.level = LogLevel::Warn;
        warn.message = "Scope is in error, skipping finalize";
        console.onEvent(warn);
        EngineEvent failed = resourceEvent(EventType::Failed, "life/dev/worker");
        failed.message = "boom";
        console.onEvent(failed);
        EngineEvent finished;
        finished.type = EventType::RunFinished;
        finished.phase = Phase::Up;
        finished.app = "life";
        finished.stage = "dev";
        finished.durationMs = 1234;
        finished.result = RunResult::Failed;
        finished.counts.replaced = 1;
        finished.counts.deleted = 1;
        finished.counts.failed = 1;
        console.onEvent(finished);

        // The lines Alchemy printed for the same events (lifecycle/run2-update-orphans), then Athanor's own.
        QCOMPARE(out.str(), std::string("Athanor (v0.1.0)\nApp: life\nPhase: up\nStage: dev\n"
                                        "[updating]  api Updating Resource...\n"
                                        "  (Server api: region us-east-1 -> eu-west-1, replacing)\n"
                                        "[replaced]  api Replaced Resource\n"
                                        "[cleanup]   storage > db Cleaning Up Old Resource...\n"
                                        "[cleaned]   storage > db Old Resource Cleanup Complete\n"));
        QCOMPARE(err.str(),
                 std::string("WARN Scope is in error, skipping finalize\n"
                             "ERROR life/dev/worker: boom\n"
                             "Athanor: up life/dev failed in 1.23s (1 replaced, 1 deleted, 1 failed)\n"));
    }

    void readPrintsNoBannerAndQuietPrintsLittle() {
        std::ostringstream out, err;
        ConsoleOptions options;
        options.color = false;
        ConsoleFormatter reader(out, err, options);
        EngineEvent started;
        started.type = EventType::RunStarted;
        started.phase = Phase::Read;
        reader.onEvent(started);
        QCOMPARE(out.str(), std::string());

        std::ostringstream qout, qerr;
        options.quiet = true;
        ConsoleFormatter quiet(qout, qerr, options);
        started.phase = Phase::Up;
        quiet.onEvent(started);
        EngineEvent finished;
        finished.type = EventType::RunFinished;
        finished.counts.created = 2;
        finished.durationMs = 12;
        quiet.onEvent(finished);
        QCOMPARE(qout.str(), std::string());
        QCOMPARE(ConsoleFormatter::summaryLine(finished, true),
                 std::string("Athanor: up \x1b[92msucceeded\x1b[0m in 12ms (2 created)"));
    }

    void jsonLines() {
        EngineEvent created = resourceEvent(EventType::Created, "shop/dev/a");
        created.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795215181972));
        created.durationMs = 3.5;
        std::ostringstream out;
        JsonLinesSink sink(out);
        sink.onEvent(created);
        QCOMPARE(out.str(),
                 std::string(R"({"type":"created","time":"2026-11-20T22:53:01.972Z","fqn":"shop/dev/a",)"
                             R"("kind":"fs::File","durationMs":3.5})"
                             "\n"));
        EngineEvent finished;
        finished.type = EventType::RunFinished;
        finished.app = "shop";
        finished.stage = "dev";
        finished.durationMs = 10;
        finished.counts.created = 1;
        const Json line = eventToJson(finished);
        QCOMPARE(line["type"].get<std::string>(), std::string("run-finished"));
        QCOMPARE(line["result"].get<std::string>(), std::string("succeeded"));
        QCOMPARE(line["counts"]["created"].get<int>(), 1);
        EngineEvent log;
        log.type = EventType::Log;
        log.level = LogLevel::Warn;
        log.message = "careful";
        QCOMPARE(eventToJson(log)["level"].get<std::string>(), std::string("warn"));
        QCOMPARE(formatIsoTime(std::chrono::system_clock::time_point(std::chrono::milliseconds(-1))),
                 std::string("1969-12-31T23:59:59.999Z"));
    }

    // Run history stores events in the same encoding; reading one back gives the event that was written.
    void eventJsonRoundTrips() {
        using std::chrono::milliseconds;
        using std::chrono::system_clock;
        const system_clock::time_point at(milliseconds(1795215181972));
        std::vector<EngineEvent> events(4);
        events[0].type = EventType::RunStarted;
        events[0].phase = Phase::Destroy;
        events[0].app = "shop";
        events[0].stage = "prod";
        events[0].total = 12;
        events[1].type = EventType::Failed;
        events[1].fqn = "shop/prod/db";
        events[1].kind = "athanor::Command";
        events[1].message = "exit code 4\nbroken \u00e9";
        events[1].durationMs = 12.25;
        events[1].level = LogLevel::Error;
        events[2].type = EventType::Log;
        events[2].level = LogLevel::Debug;
        events[2].fqn = "shop/prod/db";
        events[2].message = "line";
        events[3].type = EventType::RunFinished;
        events[3].phase = Phase::Destroy;
        events[3].app = "shop";
        events[3].stage = "prod";
        events[3].result = RunResult::Failed;
        events[3].level = LogLevel::Error;
        events[3].durationMs = 99.5;
        events[3].counts.deleted = 11;
        events[3].counts.failed = 1;
        for (EngineEvent& e : events) {
            e.time = at;
            const Json encoded = eventToJson(e);
            const auto decoded = eventFromJson(Json::parse(encoded.dump()));
            QVERIFY(decoded);
            QCOMPARE(eventToJson(*decoded).dump(), encoded.dump());
            QVERIFY(decoded->type == e.type);
            QVERIFY(decoded->level == e.level);
            QVERIFY(decoded->time == at);
            QCOMPARE(decoded->message, e.message);
            QCOMPARE(decoded->counts.total(), e.counts.total());
        }
        QVERIFY(!eventFromJson(Json::parse(R"({"type":"exploded"})")));
        QVERIFY(!eventFromJson(Json::parse("[1]")));
        QVERIFY(!parseIsoTime("2026-11-20 22:53:01Z"));
        QVERIFY(!parseIsoTime("2026-13-20T22:53:01.000Z"));
        QVERIFY(parseIsoTime("2026-11-20T22:53:01Z") ==
                system_clock::time_point(milliseconds(1795215181000)));
    }
};

QTEST_APPLESS_MAIN(TestConsoleFormat)
#include "tst_console_format.moc"

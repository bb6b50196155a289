// Reading a real Alchemy program's console: the line parser and the event translator against every console
// log in tests/data (real runs of alchemy@0.94.0 under Node and Bun, with and without colours), the path ->
// FQN mapping through state, and the choices made before a program starts (entrypoint, runtime, app, .env).
#include "EngineTestFiles.h"
#include "ProgramTestSupport.h"
#include "events/ConsoleFormatter.h"
#include "program/AlchemyConsole.h"
#include "program/DotEnv.h"
#include "program/ProgramEntry.h"
#include "program/ProgramEvents.h"
#include "program/ProgramRuntime.h"
#include "program/RunTarget.h"
#include "snapshot/SnapshotLoader.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <regex>

using namespace athanor;
using program_test::RecordingSink;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> readLines(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// Reference §10.2's suggested parser, independent of the one under test: which lines are resource lines.
bool isPrefixLine(const std::string& raw) {
    static const std::regex sgr("\x1b\\[[0-9;]*m");
    static const std::regex line(
        R"(^\[(skipped|creating|updating|created|updated|replaced|deleting|deleted|cleanup|cleaned)\]\s+(.*?) ?)"
        R"((Skipped Resource \(no changes\)|Creating Resource\.\.\.|Updating Resource\.\.\.|Created Resource|)"
        R"(Updated Resource|Replaced Resource|Deleting Resource\.\.\.|Deleted Resource|Cleaning Up Old Resource\.\.\.|)"
        R"(Old Resource Cleanup Complete)$)");
    return std::regex_match(std::regex_replace(raw, sgr, ""), line);
}

bool isResourceEvent(EventType type) {
    return type != EventType::Log && type != EventType::RunStarted && type != EventType::RunFinished &&
           type != EventType::Failed;
}

// One captured run: its stdout and stderr (both colour variants share a folder).
struct CapturedRun {
    fs::path folder;
    fs::path stdoutFile;
    fs::path stderrFile;
    int exitCode = 0;
    bool color = true;
};

std::vector<CapturedRun> capturedRuns() {
    std::vector<CapturedRun> runs;
    for (const char* root : {"real-alchemy", "programs/console"}) {
        for (auto it = fs::recursive_directory_iterator(fs::path(ATHANOR_TEST_DATA_DIR) / root);
             it != fs::recursive_directory_iterator(); ++it) {
            if (it->path().filename() == ".alchemy") {
                it.disable_recursion_pending();
                continue;
            }
            for (const std::string suffix : {"", ".nocolor"}) {
                if (it->path().filename() != "stdout" + suffix + ".txt")
                    continue;
                CapturedRun run;
                run.folder = it->path().parent_path();
                run.stdoutFile = it->path();
                run.stderrFile = run.folder / ("stderr" + suffix + ".txt");
                run.color = suffix.empty();
                const std::string rc = test_files::readFile(run.folder / ("rc" + suffix + ".txt"));
                run.exitCode = rc.empty() ? 0 : std::stoi(rc);
                runs.push_back(run);
            }
        }
    }
    std::sort(runs.begin(), runs.end(),
              [](const auto& a, const auto& b) { return a.stdoutFile < b.stdoutFile; });
    return runs;
}

// Feeds a captured run through the translator as the backend does (stdout, then stderr), then ends it.
RunReport translate(const CapturedRun& run, RecordingSink& sink, Phase phase = Phase::Up) {
    ProgramEventTranslator::Options options;
    options.phase = phase;
    options.stage = "dev";
    ProgramEventTranslator translator(sink, DotAlchemyLayout::forProject(run.folder), options,
                                      [](const std::string&, const std::string&) { return -1; });
    for (const auto& line : readLines(run.stdoutFile))
        translator.line(line, false);
    for (const auto& line : readLines(run.stderrFile))
        translator.line(line, true);
    translator.finish({run.exitCode, 0, false});
    RunReport report;
    translator.reporter().fill(report);
    return report;
}

CapturedRun capture(const std::string& relative, bool color = false) {
    for (const auto& run : capturedRuns())
        if (run.folder == fs::path(ATHANOR_TEST_DATA_DIR) / relative && run.color == color)
            return run;
    throw std::runtime_error("no captured run " + relative);
}

void touch(const fs::path& file, const std::string& text = "{}") {
    test_files::writeFile(file, text);
}

RuntimeInfo runtime(RuntimeKind kind, int major, int minor, const char* path) {
    RuntimeInfo info;
    info.kind = kind;
    info.major = major;
    info.minor = minor;
    info.path = path;
    return info;
}

} // namespace

class TestProgramConsole : public QObject {
    Q_OBJECT

private slots:
    // The issue's bar: every [prefix] line of every console log in tests/data becomes an event, and that
    // event, printed the way Alchemy prints it, is the line again, byte for byte (colours included).
    void everyPrefixLineOfEveryLogIsAnEvent() {
        const auto runs = capturedRuns();
        QVERIFY(runs.size() >= 40);
        size_t lines = 0;
        for (const auto& run : runs) {
            std::vector<std::string> expected;
            for (const auto& file : {run.stdoutFile, run.stderrFile})
                for (const auto& line : readLines(file))
                    if (isPrefixLine(line))
                        expected.push_back(line);
            RecordingSink sink;
            translate(run, sink);
            std::vector<std::string> rebuilt;
            const auto snapshot = loadSnapshot(run.folder);
            for (const auto& event : sink.events()) {
                if (!isResourceEvent(event.type))
                    continue;
                rebuilt.push_back(ConsoleFormatter::resourceLine(event.type, event.fqn, run.color));
                // The kind comes from the record when the step left one.
                if (const SnapshotRecord* record = snapshot->findRecord(event.fqn))
                    QVERIFY2(event.kind == record->kind,
                             qPrintable(QString::fromStdString(event.fqn + ": " + event.kind + " vs " +
                                                               record->kind)));
            }
            QVERIFY2(rebuilt == expected, qPrintable(QString::fromStdString(run.stdoutFile.string())));
            lines += expected.size();
        }
        QVERIFY(lines > 150);
    }

    // Nothing the parser does not know is lost: every other line is in a log event.
    void otherLinesAreKeptAsLogLines() {
        for (const auto& run : capturedRuns()) {
            RecordingSink sink;
            translate(run, sink);
            std::string logText;
            for (const auto& event : sink.events())
                if (event.type == EventType::Log)
                    logText += event.message + "\n";
            for (const auto& file : {run.stdoutFile, run.stderrFile})
                for (const auto& raw : readLines(file)) {
                    const ConsoleLine line = parseConsoleLine(raw, false);
                    if (line.kind == ConsoleLine::Kind::Resource ||
                        line.kind == ConsoleLine::Kind::BannerTitle || raw.find("App: ") == 0 ||
                        raw.find("Phase: ") == 0 || raw.find("Stage: ") == 0 || line.text.empty())
                        continue;
                    QVERIFY2(logText.find(line.text) != std::string::npos,
                             qPrintable(QString::fromStdString(run.stdoutFile.string() + ": " + raw)));
                }
        }
    }

    void failingHandlerIsPinnedUnderNodeAndBun() {
        for (const char* name : {"programs/console/throws-node/01-up", "programs/console/throws-bun/01-up"}) {
            for (bool color : {true, false}) {
                RecordingSink sink;
                const RunReport report = translate(capture(name, color), sink);
                const auto failed = sink.ofType(EventType::Failed);
                QCOMPARE(failed.size(), size_t(1));
                QCOMPARE(failed[0].fqn, std::string("prog/dev/bad-thing"));
                QCOMPARE(failed[0].message, std::string("quota exceeded for bad-thing: limit 3"));
                QCOMPARE(report.firstFailureFqn, std::string("prog/dev/bad-thing"));
                QCOMPARE(report.counts.created, 1);
                QCOMPARE(report.counts.failed, 1);
                // The uncaught-error block is one log event at error level, the runtime's trailer included.
                bool block = false;
                for (const auto& e : sink.ofType(EventType::Log))
                    block = block || (e.level == LogLevel::Error &&
                                      e.message.find("quota exceeded for bad-thing") != std::string::npos &&
                                      (e.message.find("Node.js v20") != std::string::npos ||
                                       e.message.find("Bun v1") != std::string::npos));
                QVERIFY2(block, name);
            }
        }
    }

    // Alchemy 0.94 under Node cannot delete an fs::Folder without clean: true and exits 0 (§12.2, §14.2).
    void folderDestroyErrorIsAFailureDespiteExitZero() {
        for (const char* name : {"programs/console/folder-destroy-node/02-destroy",
                                 "programs/console/folder-destroy-bun/02-destroy"}) {
            const CapturedRun run = capture(name);
            QCOMPARE(run.exitCode, 0);
            RecordingSink sink;
            const RunReport report = translate(run, sink, Phase::Destroy);
            const auto failed = sink.ofType(EventType::Failed);
            QCOMPARE(failed.size(), size_t(1));
            QCOMPARE(failed[0].fqn, std::string("prog/dev/data"));
            QVERIFY2(failed[0].message.find("Path is a directory: rm returned EISDIR") != std::string::npos,
                     failed[0].message.c_str());
            QCOMPARE(report.counts.deleted, 1);
            QVERIFY(!report.errors.empty());
        }
    }

    void errorMessagesAsNodeAndBunPrintThem() {
        QCOMPARE(
            errorMessageIn("file:///x.mjs:7\n  throw new Error(`x`);\n        ^\n\nError: boom\n    at f"),
            std::optional<std::string>("boom"));
        QCOMPARE(errorMessageIn("7 | throw new Error(`x`)\n    ^\nerror: quota exceeded\n      at x"),
                 std::optional<std::string>("quota exceeded"));
        QCOMPARE(
            errorMessageIn("[SystemError [ERR_FS_EISDIR]: Path is a directory: rm out] {\n  code: 'E'\n}"),
            std::optional<std::string>("SystemError: Path is a directory: rm out"));
        QCOMPARE(errorMessageIn("TypeError: x is not a function"),
                 std::optional<std::string>("TypeError: x is not a function"));
        QCOMPARE(errorMessageIn("Uncaught Error: late"), std::optional<std::string>("late"));
        QCOMPARE(errorMessageIn("nothing like an error here\n  at all"), std::nullopt);
        QVERIFY(looksLikeRuntimeWarning(
            "(node:123) ExperimentalWarning: Type Stripping is an experimental feature"));
        QVERIFY(!looksLikeRuntimeWarning("(node:123) Error: boom"));
        QCOMPARE(stripAnsi("\x1b[35m[creating]  \x1b[0m\x1b[90ma > b\x1b[0m Creating Resource...\r"),
                 std::string("[creating]  a > b Creating Resource..."));
    }

    void linesAreRecognisedOnlyWhereAlchemyPrintsThem() {
        // A program printing "App: x" after the banner is not a banner line.
        QVERIFY(parseConsoleLine("App: x", false).kind == ConsoleLine::Kind::Plain);
        QVERIFY(parseConsoleLine("App: x", true).kind == ConsoleLine::Kind::BannerApp);
        // The message must be the prefix's own.
        QVERIFY(parseConsoleLine("[created]   a Deleted Resource", false).kind == ConsoleLine::Kind::Plain);
        const ConsoleLine spaced = parseConsoleLine("[created]   my id with spaces Created Resource", false);
        QVERIFY(spaced.kind == ConsoleLine::Kind::Resource);
        QCOMPARE(spaced.path, std::string("my id with spaces"));
        QCOMPARE(parseConsoleLine("ERROR Scope failed shop/dev/a", false).text, std::string("shop/dev/a"));
    }

    // A multi-line error printed by Alchemy ("ERROR <object>") is one log event; unknown stdout lines are
    // info, a runtime warning on stderr is a warning.
    void logLevelsAndBlocks() {
        RecordingSink sink;
        ProgramEventTranslator::Options options;
        options.stage = "dev";
        options.app = "prog";
        options.startAtOnce = true;
        ProgramEventTranslator translator(sink, DotAlchemyLayout::forProject("/nonexistent"), options, {});
        translator.start();
        translator.line("hello from the program", false);
        translator.line("(node:1) ExperimentalWarning: something", true);
        translator.line("WARN careful", true);
        translator.line("ERROR [Error: broken] {", true);
        translator.line("  code: 'E'", true);
        translator.line("}", true);
        translator.finish({0, 0, false});
        std::vector<std::pair<LogLevel, std::string>> logs;
        for (const auto& e : sink.ofType(EventType::Log))
            logs.emplace_back(e.level, e.message);
        QCOMPARE(logs.size(), size_t(5)); // the four above and the run's error summary
        QVERIFY(logs[0] == (std::pair{LogLevel::Info, std::string("hello from the program")}));
        QVERIFY(logs[1] ==
                (std::pair{LogLevel::Warn, std::string("(node:1) ExperimentalWarning: something")}));
        QVERIFY(logs[2] == (std::pair{LogLevel::Warn, std::string("careful")}));
        QVERIFY(logs[3] == (std::pair{LogLevel::Error, std::string("[Error: broken] {\n  code: 'E'\n}")}));
        // An error printed with exit 0 still fails the run.
        QVERIFY(translator.reporter().anyFailure());
    }

    // Display paths back to FQNs through the state: an id with '/', a nested scope, an id with " > ", a
    // record of another stage, and a path no record explains.
    void displayPathsMapBackToFqns() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const fs::path stage = root / ".alchemy" / "prog" / "dev";
        touch(stage / "routes:api.json", R"({"kind": "fs::File", "id": "routes/api"})");
        touch(stage / "grp" / "inner.json", R"({"kind": "test::Inner", "id": "inner"})");
        touch(stage / "left > right.json", R"({"kind": "test::Arrow", "id": "left > right"})");
        touch(stage / "note" / "copy.json", R"({"kind": "fs::File", "id": "copy"})");
        touch(root / ".alchemy" / "prog" / "other" / "gone.json", R"({"kind": "test::Gone", "id": "gone"})");
        StageFqnResolver resolver(DotAlchemyLayout::forProject(root), "prog", "dev");
        auto check = [&](const std::string& path, const std::string& fqn, const std::string& kind,
                         bool found) {
            const auto resolved = resolver.resolve(path);
            QCOMPARE(resolved.fqn, fqn);
            QCOMPARE(resolved.kind, kind);
            QCOMPARE(resolved.found, found);
        };
        check("routes > api", "prog/dev/routes/api", "fs::File", true);
        check("grp > inner", "prog/dev/grp/inner", "test::Inner", true);
        check("left > right", "prog/dev/left > right", "test::Arrow", true);
        check("note > copy", "prog/dev/note/copy", "fs::File", true);
        check("gone", "prog/other/gone", "test::Gone", true);
        check("nothing > here", "prog/dev/nothing/here", "", false);
        // Once seen, a path keeps its answer (the record is gone by the time "[deleted]" is printed).
        fs::remove(stage / "routes:api.json");
        check("routes > api", "prog/dev/routes/api", "fs::File", true);
    }

    void entrypointAsAlchemysCliFindsIt() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        QVERIFY(!findProgramEntry(root));
        QVERIFY(!findRunTarget(std::nullopt, root));
        touch(root / "alchemy.run.mjs", "");
        QCOMPARE(findProgramEntry(root)->filename().string(), std::string("alchemy.run.mjs"));
        touch(root / "alchemy.run.mts", "");
        QCOMPARE(findProgramEntry(root)->filename().string(), std::string("alchemy.run.mts"));
        touch(root / "alchemy.run.js", "");
        QCOMPARE(findProgramEntry(root)->filename().string(), std::string("alchemy.run.js"));
        touch(root / "alchemy.run.ts", "");
        QCOMPARE(findProgramEntry(root)->filename().string(), std::string("alchemy.run.ts"));
        auto target = findRunTarget(std::nullopt, root);
        QVERIFY(target->backend == BackendKind::Program);
        QVERIFY(target->note.empty());
        // A stack file beside it is what runs by default, with a note naming the program.
        touch(root / "alchemy.stack.json", "{}");
        target = findRunTarget(std::nullopt, root);
        QVERIFY(target->backend == BackendKind::Engine);
        QVERIFY(target->note.find("alchemy.run.ts") != std::string::npos);
        QVERIFY(findRunTarget(fs::path("x/infra.mts"), root)->backend == BackendKind::Program);
        QVERIFY(findRunTarget(fs::path("x/other.json"), root)->backend == BackendKind::Engine);
    }

    void appNameFromTheSource() {
        QCOMPARE(appNameInSource("const app = await alchemy(\"shop\", { password });"),
                 std::optional<std::string>("shop"));
        QCOMPARE(appNameInSource("await alchemy( 'a' );\nawait alchemy.run('grp', f);"),
                 std::optional<std::string>("a"));
        QCOMPARE(appNameInSource("await alchemy(`x-${stage}`)"), std::nullopt);
        QCOMPARE(appNameInSource("await alchemy(name)"), std::nullopt);
        QCOMPARE(appNameInSource("await alchemy('a'); await alchemy('b');"), std::nullopt);
        QCOMPARE(appNameInSource("import alchemy from \"alchemy\"; myalchemy('x')"), std::nullopt);
    }

    void dotEnvReadLikeNode() {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / ".env";
        touch(file, "# comment\nOTHER=1\nexport ALCHEMY_PASSWORD = \"two words\\nline\" \nX='y'\n");
        QCOMPARE(std::string(dotEnvValue(file, "ALCHEMY_PASSWORD")->view()), std::string("two words\nline"));
        QCOMPARE(std::string(dotEnvValue(file, "X")->view()), std::string("y"));
        touch(file, "ALCHEMY_PASSWORD=first\nALCHEMY_PASSWORD=plain value # note\n");
        QCOMPARE(std::string(dotEnvValue(file, "ALCHEMY_PASSWORD")->view()), std::string("plain value"));
        QVERIFY(!dotEnvValue(file, "MISSING"));
        QVERIFY(!dotEnvValue(file.parent_path() / "none", "ALCHEMY_PASSWORD"));
    }

    void runtimeChosenLikeAlchemysCli() {
        const fs::path ts = "/p/alchemy.run.ts", mjs = "/p/alchemy.run.mjs";
        const RuntimeInfo node20 = runtime(RuntimeKind::Node, 20, 20, "/usr/bin/node");
        const RuntimeInfo bun = runtime(RuntimeKind::Bun, 1, 4, "/opt/bun");
        RuntimeCandidates c;
        c.node = node20;
        QCOMPARE(chooseRuntime(mjs, c).runtime.path.string(), std::string("/usr/bin/node"));
        QVERIFY(chooseRuntime(mjs, c).arguments.empty());

        // TypeScript on Node 20: say so; offer bun when it is installed.
        try {
            chooseRuntime(ts, c);
            QFAIL("node 20 cannot run TypeScript");
        } catch (const RuntimeError& e) {
            QVERIFY2(std::string(e.what()).find("node v20.20.0") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("22.6") != std::string::npos, e.what());
            QVERIFY(!e.alternative);
        }
        c.bun = bun;
        try {
            chooseRuntime(ts, c);
            QFAIL("node 20 cannot run TypeScript");
        } catch (const RuntimeError& e) {
            QCOMPARE(e.alternative->string(), std::string("/opt/bun"));
        }
        // Newer Node: the flag Alchemy's CLI adds, or none.
        auto argsFor = [&](int major, int minor) {
            RuntimeCandidates n;
            n.node = runtime(RuntimeKind::Node, major, minor, "/usr/bin/node");
            return chooseRuntime(ts, n).arguments;
        };
        QCOMPARE(argsFor(22, 6), std::vector<std::string>{"--experimental-strip-types"});
        QCOMPARE(argsFor(22, 12), std::vector<std::string>{"--experimental-transform-types"});
        QCOMPARE(argsFor(22, 18), std::vector<std::string>{});
        QCOMPARE(argsFor(24, 0), std::vector<std::string>{});

        // bun.lock: bun; only bun installed: bun; a chosen runtime wins.
        c.projectUsesBun = true;
        QVERIFY(chooseRuntime(mjs, c).runtime.kind == RuntimeKind::Bun);
        RuntimeCandidates onlyBun;
        onlyBun.bun = bun;
        QVERIFY(chooseRuntime(ts, onlyBun).runtime.kind == RuntimeKind::Bun);
        RuntimeCandidates chosen;
        chosen.chosen = bun;
        chosen.node = node20;
        QVERIFY(chooseRuntime(ts, chosen).runtime.kind == RuntimeKind::Bun);

        // Nothing installed, or bun.lock without bun: name what to install.
        for (bool lock : {false, true}) {
            RuntimeCandidates none;
            none.projectUsesBun = lock;
            try {
                chooseRuntime(mjs, none);
                QFAIL("no runtime");
            } catch (const RuntimeError& e) {
                QVERIFY2(std::string(e.what()).find("https://bun.sh") != std::string::npos, e.what());
            }
        }
        // --env-file needs Node 20.6.
        RuntimeCandidates old;
        old.node = runtime(RuntimeKind::Node, 20, 5, "/usr/bin/node");
        old.envFile = true;
        QVERIFY_THROWS_EXCEPTION(RuntimeError, chooseRuntime(mjs, old));
    }

    void bunLockFoundAtTheWorkspaceRoot() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        fs::create_directories(root / "apps" / "infra");
        touch(root / "bun.lock", "");
        QVERIFY(projectUsesBun(root / "apps" / "infra"));
        // A nearer workspace root without a bun lock file decides.
        touch(root / "apps" / "infra" / "package-lock.json", "{}");
        QVERIFY(!projectUsesBun(root / "apps" / "infra"));
    }
};

QTEST_GUILESS_MAIN(TestProgramConsole)
#include "tst_program_console.moc"

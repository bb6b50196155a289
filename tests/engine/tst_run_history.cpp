// Run history in the engine: the summary and event-log format the GUI's History tab has always read, now
// written by athanorctl too. The summary text is compared to the exact bytes the GUI wrote before the format
// moved.
#include "EngineTestFiles.h"
#include "events/EventJson.h"
#include "history/RunHistory.h"
#include "history/RunLogWriter.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

using namespace athanor;
namespace fs = std::filesystem;

namespace {

std::chrono::system_clock::time_point at(const char* iso) {
    return *parseIsoTime(iso);
}

} // namespace

class TestRunHistory : public QObject {
    Q_OBJECT

private slots:
    // Key order, indentation and the final newline as RunHistoryStore::writeSummary produced them.
    void summaryTextIsTheGuisFormat() {
        RunSummary s;
        s.phase = Phase::Destroy;
        s.app = "shop";
        s.stage = "qa/1";
        s.stackFile = "/p/alchemy.stack.json";
        s.startedAt = at("2025-01-02T03:04:05.678Z");
        s.durationMs = 1234;
        s.result = HistoryResult::Failed;
        s.counts.deleted = 2;
        s.counts.failed = 1;
        s.parallel = 4;
        s.firstFailureFqn = "shop/qa/1/x";
        s.firstFailureMessage = "boom";
        s.errors = {"shop/qa/1/x: boom"};
        s.logFileName = "20250102-030405-678-destroy-qa_1.log.jsonl";
        QCOMPARE(runSummaryText(s), std::string(R"({
  "version": 1,
  "phase": "destroy",
  "app": "shop",
  "stage": "qa/1",
  "stackFile": "/p/alchemy.stack.json",
  "startedAt": "2025-01-02T03:04:05.678Z",
  "durationMs": 1234,
  "result": "failed",
  "counts": {
    "created": 0,
    "updated": 0,
    "replaced": 0,
    "skipped": 0,
    "deleted": 2,
    "read": 0,
    "failed": 1
  },
  "options": {
    "force": false,
    "adopt": false,
    "parallel": 4
  },
  "firstFailure": {
    "fqn": "shop/qa/1/x",
    "message": "boom"
  },
  "errors": [
    "shop/qa/1/x: boom"
  ],
  "log": "20250102-030405-678-destroy-qa_1.log.jsonl"
}
)"));
    }

    // A source's Athanor home holds its history; a home that is empty or relative is refused, so nothing is
    // written into whatever folder the process runs in (a stray runs/ folder once appeared that way).
    void historyLivesInTheAthanorHomeAndNeverInTheCurrentFolder() {
        QTemporaryDir dir;
        const fs::path home = fs::path(dir.path().toStdString()) / "sources" / "abc";
        const auto started = at("2025-03-04T05:06:07.089Z");
        const RunHistoryFiles files = prepareRunHistoryIn(home, Phase::Up, "dev", started);
        QCOMPARE(files.summary, home / "runs" / "20250304-050607-089-up-dev.json");
        QVERIFY(fs::is_directory(home / "runs"));
        QVERIFY(listRunHistoryIn(home).empty());
        QVERIFY(!keepsRunHistoryIn(fs::path(dir.path().toStdString()) / "none" / ".athanor", Phase::Plan));
        QVERIFY(keepsRunHistoryIn(fs::path(dir.path().toStdString()) / "none" / ".athanor", Phase::Up));
        QVERIFY(keepsRunHistoryIn(fs::path(dir.path().toStdString()) / "sources" / "0123abcd", Phase::Plan));

        QTemporaryDir cwd;
        const fs::path before = fs::current_path();
        fs::current_path(cwd.path().toStdString());
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, prepareRunHistoryIn("", Phase::Destroy, "qa", started));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 prepareRunHistoryIn("relative", Phase::Destroy, "qa", started));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, prepareRunHistory("", Phase::Destroy, "qa", started));
        fs::current_path(before);
        QVERIFY(QDir(cwd.path()).isEmpty());
    }

    void summariesRoundTrip() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const auto started = at("2025-03-04T05:06:07.089Z");
        const RunHistoryFiles files = prepareRunHistory(root, Phase::Plan, "qa/1", started);
        QCOMPARE(files.summary, runHistoryDir(root) / "20250304-050607-089-plan-qa_1.json");
        QCOMPARE(files.log.filename().string(), std::string("20250304-050607-089-plan-qa_1.log.jsonl"));
        QCOMPARE(runHistoryDir(root), root / ".alchemy" / ".athanor" / "runs");

        RunSummary s;
        s.phase = Phase::Plan;
        s.app = "shop";
        s.stage = "qa/1";
        s.program = "/p/alchemy.run.ts";
        s.startedAt = started;
        s.durationMs = 77;
        s.result = HistoryResult::Locked;
        s.planned = std::map<PlannedChange::Action, int>{{PlannedChange::Action::Create, 2},
                                                         {PlannedChange::Action::Skip, 5}};
        s.force = true;
        s.adopt = true;
        s.error = "stage shop/qa/1 is locked";
        s.lock = HistoryLockHolder{42, "box", "2025-01-01T00:00:00.000Z", "up"};
        s.logFileName = files.log.filename().string();
        writeRunSummary(files.summary, s);
        const auto back = readRunSummary(files.summary);
        QVERIFY(back);
        QVERIFY(back->phase == Phase::Plan);
        QCOMPARE(back->program, s.program);
        QCOMPARE(back->stackFile, std::string());
        QVERIFY(back->startedAt == started);
        QCOMPARE(back->durationMs, int64_t(77));
        QVERIFY(back->result == HistoryResult::Locked);
        QCOMPARE(back->planned->at(PlannedChange::Action::Create), 2);
        QCOMPARE(back->planned->at(PlannedChange::Action::Skip), 5);
        QVERIFY(back->force && back->adopt);
        QCOMPARE(back->lock->pid, 42LL);
        QCOMPARE(back->lock->operation, std::string("up"));
        QCOMPARE(back->error, s.error);
        QCOMPARE(runSummaryText(*back), runSummaryText(s));

        // Newest first; files that are not summaries are passed over.
        RunSummary older = s;
        older.startedAt = at("2024-01-01T00:00:00.000Z");
        const RunHistoryFiles olderFiles = prepareRunHistory(root, Phase::Up, "dev", older.startedAt);
        writeRunSummary(olderFiles.summary, older);
        test_files::writeFile(runHistoryDir(root) / "20990101-000000-000-up-broken.json", "{not json");
        const auto runs = listRunHistory(root);
        QCOMPARE(runs.size(), size_t(2));
        QCOMPARE(runs[0].summaryFile, files.summary);
        QCOMPARE(runs[0].logFile, files.log);
        QCOMPARE(runs[1].summaryFile, olderFiles.summary);
        QCOMPARE(parseHistoryResult("nonsense"), std::nullopt);
    }

    void eventLogRoundTrips() {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "run.log.jsonl";
        {
            RunLogWriter log(file);
            QVERIFY(log.isOpen());
            EngineEvent started;
            started.type = EventType::RunStarted;
            started.app = "prog";
            started.stage = "dev";
            started.indeterminate = true;
            log.onEvent(started);
            EngineEvent failed;
            failed.type = EventType::Failed;
            failed.fqn = "prog/dev/bad";
            failed.message = "quota exceeded";
            log.onEvent(failed);
        }
        // A run killed mid-write leaves a partial last line: skipped, the rest reads.
        std::string text = test_files::readFile(file);
        text += "{\"type\":\"crea";
        test_files::writeFile(file, text);
        const auto events = readRunEvents(file);
        QCOMPARE(events.size(), size_t(2));
        QVERIFY(events[0].type == EventType::RunStarted);
        QVERIFY(events[0].indeterminate);
        QCOMPARE(events[1].fqn, std::string("prog/dev/bad"));
        QCOMPARE(events[1].message, std::string("quota exceeded"));
        QVERIFY(events[1].level == LogLevel::Error);
        // An engine run's run-started line carries no "indeterminate" key.
        EngineEvent known;
        known.type = EventType::RunStarted;
        known.total = 3;
        QVERIFY(!eventToJson(known).contains("indeterminate"));
        QVERIFY(!eventFromJson(eventToJson(known))->indeterminate);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readRunEvents(file.parent_path() / "missing.jsonl"));
    }

    // Retention: per stage the newest `keep` runs stay (a run killed before its summary counts by its log);
    // files that are not a run's are never touched; the run being recorded is never removed.
    void pruningKeepsTheNewestRunsOfEachStage() {
        QTemporaryDir dir;
        const fs::path home = fs::path(dir.path().toStdString()) / ".alchemy" / ".athanor";
        const fs::path runs = runHistoryDirIn(home);
        auto run = [&](const std::string& base, bool summary, bool log) {
            if (summary)
                test_files::writeFile(runs / (base + ".json"), "{}");
            if (log)
                test_files::writeFile(runs / (base + ".log.jsonl"), "");
        };
        run("20250101-000000-001-up-dev", true, true);
        run("20250101-000000-002-read-dev", true, false); // a summary whose log was lost
        run("20250101-000000-003-up-dev", false, true);   // killed before its summary, long ago
        run("20250101-000000-004-plan-dev", true, true);
        run("20250101-000000-005-destroy-dev", true, true);
        run("20250101-000000-001-up-prod", true, true);
        run("20250101-000000-002-up-prod", true, true);
        run("20250101-000000-001-up-qa-1", true, true); // a stage part with a dash
        const std::vector<std::string> others = {"settings.json",
                                                 "notes.txt",
                                                 "20250101-000000-000-up-dev.json.tmp",
                                                 "20250101-000000-000-deploy-dev.json",
                                                 "2025-up-dev.json",
                                                 ".20250101-000000-000-up-dev.json.athanor-tmp"};
        for (const auto& name : others)
            if (name != "settings.json")
                test_files::writeFile(runs / name, "keep me");
        const auto old = fs::file_time_type::clock::now() - std::chrono::hours(48);
        for (const auto& entry : fs::directory_iterator(runs))
            fs::last_write_time(entry.path(), old);

        QCOMPARE(runHistorySettingsIn(home).keep, RunHistorySettings::kDefaultKeep);
        QCOMPARE(pruneRunHistoryIn(home).runs, size_t(0)); // 5 runs of dev: all within 100
        setRunHistorySettingsIn(home, {2});
        QCOMPARE(runHistorySettingsIn(home).keep, 2);
        const PrunedRunHistory pruned = pruneRunHistoryIn(home);
        QVERIFY(pruned.errors.empty());
        QCOMPARE(pruned.runs, size_t(3));
        std::set<std::string> left;
        for (const auto& entry : fs::directory_iterator(runs))
            left.insert(entry.path().filename().string());
        std::set<std::string> expected = {
            "20250101-000000-004-plan-dev.json",    "20250101-000000-004-plan-dev.log.jsonl",
            "20250101-000000-005-destroy-dev.json", "20250101-000000-005-destroy-dev.log.jsonl",
            "20250101-000000-001-up-prod.json",     "20250101-000000-001-up-prod.log.jsonl",
            "20250101-000000-002-up-prod.json",     "20250101-000000-002-up-prod.log.jsonl",
            "20250101-000000-001-up-qa-1.json",     "20250101-000000-001-up-qa-1.log.jsonl"};
        expected.insert(others.begin(), others.end());
        QCOMPARE(left, expected);
        QCOMPARE(test_files::readFile(runs / "notes.txt"), std::string("keep me"));

        // The run being recorded stays even when its stamp is the oldest (a clock that went back), and so
        // does a log without summary written lately (that run may still be going in another process).
        setRunHistorySettingsIn(home, {1});
        run("20240101-000000-000-up-prod", true, true);
        run("20240101-000000-001-up-prod", false, true);
        fs::last_write_time(runs / "20240101-000000-000-up-prod.json", old);
        fs::last_write_time(runs / "20240101-000000-000-up-prod.log.jsonl", old);
        const PrunedRunHistory second = pruneRunHistoryIn(home, runs / "20240101-000000-000-up-prod.json");
        QCOMPARE(second.runs, size_t(2)); // dev's plan and prod's 001
        QVERIFY(fs::exists(runs / "20250101-000000-002-up-prod.json"));
        QVERIFY(!fs::exists(runs / "20250101-000000-001-up-prod.json"));
        QVERIFY(fs::exists(runs / "20240101-000000-000-up-prod.json"));
        QVERIFY(fs::exists(runs / "20240101-000000-000-up-prod.log.jsonl"));
        QVERIFY(fs::exists(runs / "20240101-000000-001-up-prod.log.jsonl"));
        QVERIFY(!fs::exists(runs / "20250101-000000-004-plan-dev.json"));
        QVERIFY(fs::exists(runs / "20250101-000000-005-destroy-dev.json"));
    }

    // A file that cannot be removed is named, and the other runs still go; bad settings keep the default.
    void pruningReportsWhatItCannotRemove() {
        QTemporaryDir dir;
        const fs::path home = fs::path(dir.path().toStdString()) / "home";
        const fs::path runs = runHistoryDirIn(home);
        // A folder with a file in it, named like a run's summary: remove() fails even for root.
        test_files::writeFile(runs / "20250101-000000-001-up-dev.json" / "inside", "x");
        test_files::writeFile(runs / "20250101-000000-001-up-dev.log.jsonl", "");
        test_files::writeFile(runs / "20250101-000000-002-up-dev.json", "{}");
        test_files::writeFile(runs / "20250101-000000-003-up-dev.json", "{}");
        test_files::writeFile(runs / "settings.json", "{\"keep\": 0}");
        QCOMPARE(runHistorySettingsIn(home).keep, RunHistorySettings::kDefaultKeep);
        test_files::writeFile(runs / "settings.json", "{not json");
        QCOMPARE(runHistorySettingsIn(home).keep, RunHistorySettings::kDefaultKeep);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, setRunHistorySettingsIn(home, {0}));
        QCOMPARE(test_files::readFile(runs / "settings.json"), std::string("{not json"));
        setRunHistorySettingsIn(home, {1});
        const PrunedRunHistory pruned = pruneRunHistoryIn(home);
        QCOMPARE(pruned.runs, size_t(1));
        QCOMPARE(pruned.errors.size(), size_t(1));
        QVERIFY2(pruned.errors.front().find("20250101-000000-001-up-dev.json") != std::string::npos,
                 pruned.errors.front().c_str());
        QVERIFY(fs::exists(runs / "20250101-000000-001-up-dev.log.jsonl")); // its summary is still there
        QVERIFY(!fs::exists(runs / "20250101-000000-002-up-dev.json"));
        QVERIFY(fs::exists(runs / "20250101-000000-003-up-dev.json"));
        // Listing passes over the settings file, and a summary it cannot read (a folder in its place) hides
        // nothing else.
        RunSummary summary;
        summary.stage = "dev";
        test_files::writeFile(runs / "20250101-000000-003-up-dev.json", runSummaryText(summary));
        fs::create_directories(runs / "20250101-000000-009-up-dev.json.d");
        fs::create_symlink(runs / "20250101-000000-009-up-dev.json.d",
                           runs / "20250101-000000-009-up-dev.json");
        const auto listed = listRunHistoryIn(home);
        QCOMPARE(listed.size(), size_t(1));
        QCOMPARE(listed.front().summary.stage, std::string("dev"));
        QCOMPARE(readRunSummary(runs / "20250101-000000-009-up-dev.json"), std::nullopt);
        fs::remove(runs / "settings.json");
        fs::create_directories(runs / "settings.json");
        QCOMPARE(runHistorySettingsIn(home).keep, RunHistorySettings::kDefaultKeep);
    }
};

QTEST_GUILESS_MAIN(TestRunHistory)
#include "tst_run_history.moc"

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
};

QTEST_GUILESS_MAIN(TestRunHistory)
#include "tst_run_history.moc"

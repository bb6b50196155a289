// Repairs between real runs of athanorctl, on a folder and on a SQLite source: a record left `creating` by
// a kill -9 of `up` is settled with set-status and the next up skips everything; a scope renamed with mv
// and in the stack file is neither deleted nor created again; a repair is refused while a run holds the
// stage; undo brings back the exact bytes.
#include "EngineTestFiles.h"

#include "json/JsonParse.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <sstream>

using namespace athanor;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
    std::string all() const { return out + err; }
};

QProcessEnvironment cliEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("ALCHEMY_PASSWORD"));
    return env;
}

Run run(const QStringList& args, const fs::path& workingDir) {
    QProcess p;
    p.setProcessEnvironment(cliEnvironment());
    p.setWorkingDirectory(QString::fromStdString(workingDir.string()));
    p.start(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args);
    if (!p.waitForFinished(180000))
        throw std::runtime_error("athanorctl did not finish: " + args.join(' ').toStdString());
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput().toStdString();
    r.err = p.readAllStandardError().toStdString();
    return r;
}

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

// The counts of a `--json` run's run-finished line.
Json runCounts(const std::string& out) {
    std::istringstream in(out);
    Json counts;
    for (std::string line; std::getline(in, line);)
        if (line.find("\"counts\"") != std::string::npos)
            counts = parseJsonText(line)["counts"];
    return counts;
}

const char* const kStuckStack = R"({
  "app": "conv",
  "resources": {
    "note": {"kind": "fs::File", "props": {"path": "out/note.txt", "content": "hello"}},
    "slow": {"kind": "athanor::Command", "props": {
      "create": "touch out/started.flag; sleep 60; echo '{\"ok\": true}'",
      "delete": "true"
    }}
  }
})";

const char* const kScopeStack = R"({
  "app": "conv",
  "resources": {
    "note": {"kind": "fs::File", "props": {"path": "out/note.txt", "content": "hello"}}
  },
  "scopes": {
    "site": {
      "resources": {
        "index": {"kind": "fs::File", "props": {"path": "out/index.html", "content": "<h1>hi</h1>"}},
        "copy": {"kind": "fs::CopyFile", "props": {"src": {"$ref": "site/index", "output": "path"}, "dest": "out/index.copy"}}
      },
      "scopes": {"assets": {"resources": {
        "css": {"kind": "fs::File", "props": {"path": "out/site.css", "content": "body{}"}}
      }}}
    }
  }
})";

struct Project {
    fs::path root;
    bool sqlite = false;
    QString state() const { return sqlite ? q("sqlite:" + (root / "state.sqlite").string()) : q(root); }
    QStringList withState(QStringList args) const { return args << "--state" << state(); }
    std::string recordText(const std::string& fqn) const {
        const Run get = run(withState({"state", "get", QString::fromStdString(fqn)}), root);
        if (get.exitCode != 0)
            throw std::runtime_error("state get " + fqn + " failed: " + get.all());
        return get.out;
    }
    Run up() const {
        return run(withState({"up", q(root / "alchemy.stack.json"), "--stage", "dev", "--json"}), root);
    }
};

void addSourceRows() {
    QTest::addColumn<bool>("sqlite");
    QTest::newRow("folder") << false;
    QTest::newRow("sqlite") << true;
}

} // namespace

class TestRepairRuns : public QObject {
    Q_OBJECT

private slots:
    void setStatusSettlesARecordLeftByAKilledUp_data() { addSourceRows(); }
    void setStatusSettlesARecordLeftByAKilledUp() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Project project{dir.path().toStdString(), sqlite};
        fs::create_directories(project.root / "out");
        writeFile(project.root / "alchemy.stack.json", kStuckStack);

        QProcess up;
        up.setProcessEnvironment(cliEnvironment());
        up.setWorkingDirectory(q(project.root));
        up.start(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"),
                 project.withState({"up", q(project.root / "alchemy.stack.json"), "--stage", "dev"}));
        QTRY_VERIFY_WITH_TIMEOUT(fs::exists(project.root / "out/started.flag"), 30000);

        // While the run holds the stage, a repair is refused and names it; nothing is written.
        const std::string stuck = project.recordText("conv/dev/slow");
        QVERIFY2(stuck.find("\"status\": \"creating\"") != std::string::npos, stuck.c_str());
        const Run refused = run(
            project.withState({"state", "set-status", "conv/dev/slow", "created", "--yes"}), project.root);
        QVERIFY2(refused.exitCode == 3, refused.all().c_str());
        QVERIFY2(refused.err.find("running up") != std::string::npos, refused.err.c_str());

        up.kill(); // kill -9: the record stays creating
        QVERIFY(up.waitForFinished(10000));
        QCOMPARE(project.recordText("conv/dev/slow"), stuck);

        const Run preview =
            run(project.withState({"state", "set-status", "conv/dev/slow", "created", "--dry-run"}),
                project.root);
        QVERIFY2(preview.exitCode == 0, preview.all().c_str());
        QVERIFY2(preview.out.find("status creating -> created") != std::string::npos, preview.out.c_str());
        QCOMPARE(project.recordText("conv/dev/slow"), stuck);

        const Run settle = run(
            project.withState({"state", "set-status", "conv/dev/slow", "created", "--yes"}), project.root);
        QVERIFY2(settle.exitCode == 0, settle.all().c_str());
        const std::string settled = project.recordText("conv/dev/slow");
        QVERIFY2(settled.find("\"status\": \"created\"") != std::string::npos, settled.c_str());
        QVERIFY2(settled.find("oldProps") == std::string::npos, settled.c_str());

        const Run again = project.up();
        QVERIFY2(again.exitCode == 0, again.all().c_str());
        const Json counts = runCounts(again.out);
        QVERIFY2(counts.value("skipped", 0) == 2 && counts.value("created", 0) == 0 &&
                     counts.value("updated", 0) == 0 && counts.value("replaced", 0) == 0,
                 again.out.c_str());
        QCOMPARE(project.recordText("conv/dev/slow"), settled);

        const Run undo = run(project.withState({"state", "undo", "--yes"}), project.root);
        QVERIFY2(undo.exitCode == 0, undo.all().c_str());
        QCOMPARE(project.recordText("conv/dev/slow"), stuck);
    }

    void mvOfAScopeThenUpOfTheRenamedStackSkipsEverything_data() { addSourceRows(); }
    void mvOfAScopeThenUpOfTheRenamedStackSkipsEverything() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Project project{dir.path().toStdString(), sqlite};
        writeFile(project.root / "alchemy.stack.json", kScopeStack);
        const Run first = project.up();
        QVERIFY2(first.exitCode == 0 && runCounts(first.out).value("created", 0) == 4, first.all().c_str());
        const std::string css = project.recordText("conv/dev/site/assets/css");
        const std::string index = project.recordText("conv/dev/site/index");

        const Run mv =
            run(project.withState({"state", "mv", "conv/dev/site", "conv/dev/web", "--yes"}), project.root);
        QVERIFY2(mv.exitCode == 0, mv.all().c_str());
        QVERIFY2(mv.out.find("with 4 nested records") != std::string::npos, mv.out.c_str());
        const std::string movedCss = project.recordText("conv/dev/web/assets/css");
        QVERIFY2(movedCss.find("\"fqn\": \"conv/dev/web/assets/css\"") != std::string::npos,
                 movedCss.c_str());
        QVERIFY2(movedCss.find("conv/dev/site") == std::string::npos, movedCss.c_str());
        QVERIFY(run(project.withState({"state", "get", "conv/dev/site/index"}), project.root).exitCode != 0);

        std::string renamed = kScopeStack;
        renamed.replace(renamed.find("\"site\""), 6, "\"web\"");
        renamed.replace(renamed.find("site/index"), 10, "web/index");
        writeFile(project.root / "alchemy.stack.json", renamed);
        const Run again = project.up();
        QVERIFY2(again.exitCode == 0, again.all().c_str());
        const Json counts = runCounts(again.out);
        QVERIFY2(counts.value("skipped", 0) == 4 && counts.value("created", 0) == 0 &&
                     counts.value("deleted", 0) == 0 && counts.value("replaced", 0) == 0 &&
                     counts.value("updated", 0) == 0,
                 again.out.c_str());
        QVERIFY(fs::exists(project.root / "out/index.copy"));

        const Run undo = run(project.withState({"state", "undo", "--yes"}), project.root);
        QVERIFY2(undo.exitCode == 0, undo.all().c_str());
        QCOMPARE(project.recordText("conv/dev/site/assets/css"), css);
        QCOMPARE(project.recordText("conv/dev/site/index"), index);
        QVERIFY(run(project.withState({"state", "get", "conv/dev/web/index"}), project.root).exitCode != 0);
    }

    // Up keeps the previous bytes of each record it changes (once per record per run); restore brings one
    // record back to what it was before that run, and the next up updates it again.
    void runsKeepBeforeImagesAndRestoreBringsOneBack_data() { addSourceRows(); }
    void runsKeepBeforeImagesAndRestoreBringsOneBack() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Project project{dir.path().toStdString(), sqlite};
        writeFile(project.root / "alchemy.stack.json", kScopeStack);
        QCOMPARE(project.up().exitCode, 0);
        const std::string first = project.recordText("conv/dev/note");
        const Run noop = project.up();
        QCOMPARE(runCounts(noop.out).value("skipped", 0), 4);

        std::string changed = kScopeStack;
        changed.replace(changed.find("\"hello\""), 7, "\"bye\"");
        writeFile(project.root / "alchemy.stack.json", changed);
        const Run update = project.up();
        QVERIFY2(update.exitCode == 0 && runCounts(update.out).value("updated", 0) == 1,
                 update.all().c_str());
        QVERIFY(project.recordText("conv/dev/note") != first);

        // Two runs changed records (the no-op run kept nothing): the create and the update.
        const Run history = run(project.withState({"state", "history", "conv/dev/note"}), project.root);
        QVERIFY2(history.exitCode == 0, history.all().c_str());
        std::vector<std::string> versions;
        std::istringstream in(history.out);
        for (std::string line; std::getline(in, line);)
            if (line.find("run: up conv/dev") != std::string::npos)
                versions.push_back(line.substr(2, line.find(' ', 2) - 2));
        QVERIFY2(versions.size() == 2, history.out.c_str());
        QVERIFY2(history.out.find("did not exist") != std::string::npos, history.out.c_str()); // the create

        const Run restore = run(project.withState({"state", "restore", "conv/dev/note",
                                                   QString::fromStdString(versions.front()), "--yes"}),
                                project.root);
        QVERIFY2(restore.exitCode == 0, restore.all().c_str());
        QCOMPARE(project.recordText("conv/dev/note"), first);
        const Run again = project.up();
        QVERIFY2(runCounts(again.out).value("updated", 0) == 1, again.all().c_str());
    }
};

QTEST_GUILESS_MAIN(TestRepairRuns)
#include "tst_repair_runs.moc"

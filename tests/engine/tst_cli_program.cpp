// athanorctl up|read|destroy on the project's own Alchemy program: the built binary wrapping real
// alchemy@0.94.0, checked by exit codes (what CI sees), output, run history and the processes left behind.
#include "NodeDeps.h"
#include "ProgramTestSupport.h"
#include "history/RunHistory.h"
#include "lifecycle/StageLock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

using namespace athanor;
using namespace program_test;
namespace fs = std::filesystem;

namespace {

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment cliEnvironment(const QStringList& extra = {}) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NO_COLOR", "1");
    env.remove("ALCHEMY_PASSWORD");
    env.remove("ALCHEMY_STAGE");
    env.remove("ATHANOR_RUNTIME");
    for (const QString& pair : extra)
        env.insert(pair.section('=', 0, 0), pair.section('=', 1));
    return env;
}

void startCli(QProcess& process, const fs::path& dir, const QStringList& args, const QStringList& env = {}) {
    process.setProgram(QString(ATHANOR_BIN_DIR) + "/athanorctl");
    process.setArguments(args);
    process.setWorkingDirectory(QString::fromStdString(dir.string()));
    process.setProcessEnvironment(cliEnvironment(env));
    process.start();
}

CliResult finish(QProcess& process) {
    if (!process.waitForFinished(120000))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

CliResult runCli(const fs::path& dir, const QStringList& args, const QStringList& env = {}) {
    QProcess process;
    startCli(process, dir, args, env);
    return finish(process);
}

struct Project {
    QTemporaryDir dir;
    fs::path root;
    explicit Project(const std::string& program) : root(dir.path().toStdString()) {
        setUpProject(root, program, node_deps::nodeModules());
    }
};

} // namespace

class TestCliProgram : public QObject {
    Q_OBJECT

private slots:
    // No ENTRY and no alchemy.stack.json: the program is found as Alchemy's CLI finds it, and runs.
    void upReadDestroyFindTheProgram() {
        requireNodeDeps();
        Project project("basic");
        const CliResult up = runCli(project.root, {"up", "--stage", "dev"});
        QVERIFY2(up.exitCode == 0, qPrintable(up.out + up.err));
        const QStringList lines = up.out.split('\n');
        QCOMPARE(lines.mid(1, 3), (QStringList{"App: prog", "Phase: up", "Stage: dev"}));
        QVERIFY(lines.contains("[created]   left > right Created Resource"));
        QVERIFY(lines.contains("[created]   note > copy Created Resource"));
        QVERIFY2(up.out.contains("Athanor: up prog/dev succeeded"), qPrintable(up.out));
        QCOMPARE(test_files::readFile(project.root / "out/config.txt"), std::string("v1"));

        // read: standard output is the outputs as JSON, nothing else (the program's own lines go to stderr).
        const CliResult read = runCli(project.root, {"read", "--stage", "dev"});
        QVERIFY2(read.exitCode == 0, qPrintable(read.err));
        QJsonParseError error;
        const QJsonObject outputs = QJsonDocument::fromJson(read.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(read.out));
        QCOMPARE(outputs["prog/dev/routes/api"].toObject()["content"].toString(), QString("api"));
        QVERIFY(read.err.contains("READ config=v1"));

        // --json: one event a line, run-started first (progress has no total up front), run-finished last.
        const CliResult json = runCli(project.root, {"up", "--stage", "dev", "--json"});
        QCOMPARE(json.exitCode, 0);
        const QStringList jsonLines = json.out.trimmed().split('\n');
        const QJsonObject first = QJsonDocument::fromJson(jsonLines.first().toUtf8()).object();
        QCOMPARE(first["type"].toString(), QString("run-started"));
        QCOMPARE(first["indeterminate"].toBool(), true);
        const QJsonObject last = QJsonDocument::fromJson(jsonLines.last().toUtf8()).object();
        QCOMPARE(last["type"].toString(), QString("run-finished"));
        // Six skipped: note's nested copy is not visited when note itself is skipped (reference §7.10).
        QCOMPARE(last["counts"].toObject()["skipped"].toInt(), 6);

        const CliResult destroy = runCli(project.root, {"destroy", "--stage", "dev"});
        QVERIFY2(destroy.exitCode == 0, qPrintable(destroy.out + destroy.err));
        QVERIFY(destroy.out.contains("[deleted]   grp > inner Deleted Resource"));
        QVERIFY(!fs::exists(project.root / "out"));

        // Every run is in run history, in the format the GUI's History tab reads.
        const auto runs = listRunHistory(project.root);
        QCOMPARE(runs.size(), size_t(4));
        QVERIFY(runs[0].summary.phase == Phase::Destroy);
        QVERIFY(runs[0].summary.result == HistoryResult::Succeeded);
        QCOMPARE(runs[0].summary.counts.deleted, 7);
        QCOMPARE(runs[0].summary.program, (project.root / "alchemy.run.mjs").string());
        QCOMPARE(runs[3].summary.counts.created, 7);
        const auto events = readRunEvents(runs[3].logFile);
        QVERIFY(events.front().type == EventType::RunStarted);
        QVERIFY(events.back().type == EventType::RunFinished);
    }

    void failuresGiveExitCodeOne() {
        requireNodeDeps();
        Project throws("throws");
        const CliResult up = runCli(throws.root, {"up", "alchemy.run.mjs", "--stage", "dev"});
        QCOMPARE(up.exitCode, 1);
        QVERIFY2(up.err.contains("ERROR prog/dev/bad-thing: quota exceeded for bad-thing: limit 3"),
                 qPrintable(up.err));
        QVERIFY(up.err.contains("Athanor: up prog/dev failed"));
        const auto runs = listRunHistory(throws.root);
        QCOMPARE(runs.front().summary.firstFailureFqn, std::string("prog/dev/bad-thing"));

        // Alchemy exits 0 after this failed destroy; athanorctl does not.
        Project folder("folder-destroy");
        QCOMPARE(runCli(folder.root, {"up", "--stage", "dev"}).exitCode, 0);
        const CliResult destroy = runCli(folder.root, {"destroy", "--stage", "dev"});
        QCOMPARE(destroy.exitCode, 1);
        QVERIFY2(destroy.err.contains("ERROR prog/dev/data: SystemError: Path is a directory"),
                 qPrintable(destroy.err));
        QVERIFY(destroy.err.contains("destroy left 1 record in prog/dev: prog/dev/data (fs::Folder)"));
        QVERIFY(destroy.err.contains("Athanor: destroy prog/dev failed"));
    }

    void usageAndRefusals() {
        requireNodeDeps();
        Project project("basic");
        const CliResult plan = runCli(project.root, {"plan", "--stage", "dev"});
        QCOMPARE(plan.exitCode, 2);
        QVERIFY2(plan.err.contains("an Alchemy program has no dry run"), qPrintable(plan.err));
        QCOMPARE(runCli(project.root, {"up", "--parallel", "2"}).exitCode, 2);

        QTemporaryDir empty;
        const CliResult nothing = runCli(empty.path().toStdString(), {"up", "--stage", "dev"});
        QCOMPARE(nothing.exitCode, 2);
        QVERIFY2(nothing.err.contains("alchemy.run.ts"), qPrintable(nothing.err));
        // Refused before anything ran, in a folder without state: no run history, no .alchemy folder made.
        const CliResult noState = runCli(empty.path().toStdString(), {"destroy", "--stage", "dev"});
        QCOMPARE(noState.exitCode, 1);
        QVERIFY(fs::is_empty(fs::path(empty.path().toStdString())));

        // The stage is locked: exit 3, nothing started, the refusal recorded.
        {
            StageLock held =
                StageLock::acquire(DotAlchemyLayout::forProject(project.root), "prog", "dev", "destroy");
            const CliResult locked = runCli(project.root, {"up", "--stage", "dev"});
            QCOMPARE(locked.exitCode, 3);
            QVERIFY2(locked.err.contains(QString("held by pid %1").arg(::getpid())), qPrintable(locked.err));
            QVERIFY(!fs::exists(project.root / "out"));
            QVERIFY(listRunHistory(project.root).front().summary.result == HistoryResult::Locked);
        }

        // A runtime that cannot run it: a clear message, exit 1.
        Project ts("basic-ts");
        const CliResult old = runCli(ts.root, {"up", "--stage", "dev", "--runtime", "/usr/bin/node"});
        QCOMPARE(old.exitCode, 1);
        QVERIFY2(old.err.contains("is TypeScript and node v"), qPrintable(old.err));
        const CliResult withBun = runCli(ts.root, {"up", "--stage", "dev", "--runtime",
                                                   QString::fromStdString(node_deps::bin("bun").string())});
        QVERIFY2(withBun.exitCode == 0, qPrintable(withBun.out + withBun.err));
    }

    // Secrets in state and no password: refused before anything starts, saying how to give one.
    void passwordNeeded() {
        requireNodeDeps();
        Project project("secrets");
        const QString bun = QString::fromStdString(node_deps::bin("bun").string());
        const CliResult up = runCli(project.root, {"up", "--stage", "dev", "--runtime", bun},
                                    {"ALCHEMY_PASSWORD=correct horse battery staple"});
        QVERIFY2(up.exitCode == 0, qPrintable(up.out + up.err));
        const CliResult refused = runCli(project.root, {"read", "--stage", "dev", "--runtime", bun});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("holds secrets (vaultprog/dev/session-key)"), qPrintable(refused.err));
        QVERIFY(refused.err.contains("--password-file"));
        QTemporaryDir dir;
        const fs::path passwordFile = fs::path(dir.path().toStdString()) / "pw";
        test_files::writeFile(passwordFile, "correct horse battery staple\n");
        const CliResult read =
            runCli(project.root, {"read", "--stage", "dev", "--runtime", bun, "--password-file",
                                  QString::fromStdString(passwordFile.string())});
        QVERIFY2(read.exitCode == 0, qPrintable(read.err));
        // Never in the output or in run history.
        for (const auto& run : listRunHistory(project.root)) {
            QVERIFY(test_files::readFile(run.summaryFile).find("horse battery") == std::string::npos);
            QVERIFY(test_files::readFile(run.logFile).find("horse battery") == std::string::npos);
        }
        QVERIFY(!read.err.contains("horse battery"));
    }

    // Ctrl-C: SIGINT to the program, exit 130; a second Ctrl-C kills what ignored the first. No process left.
    void interruptsEndCancelled() {
        requireNodeDeps();
        for (bool hang : {false, true}) {
            Project project("slow");
            QProcess cli;
            startCli(cli, project.root, {"up", "--stage", "dev"},
                     hang ? QStringList{"HANG_ON_EXIT=1"} : QStringList{});
            QVERIFY(waitFor([&] { return pidIn(project.root / "exec.pid") > 0; }));
            const long program = pidIn(project.root / "program.pid"),
                       command = pidIn(project.root / "exec.pid");
            ::kill(static_cast<pid_t>(cli.processId()), SIGINT);
            if (hang) {
                QTest::qWait(2000);
                QVERIFY(processAlive(program) && processAlive(command));
                ::kill(static_cast<pid_t>(cli.processId()), SIGINT);
            }
            const CliResult result = finish(cli);
            QCOMPARE(result.exitCode, 130);
            QVERIFY2(result.err.contains("Athanor: up prog/dev cancelled"), qPrintable(result.err));
            QVERIFY2(result.err.contains(hang ? "Aborting: the program" : "the program got SIGINT"),
                     qPrintable(result.err));
            QVERIFY(waitFor([&] { return !processAlive(program) && !processAlive(command); },
                            std::chrono::seconds(5)));
        }
    }

    // athanorctl killed outright (SIGKILL, no handler runs): the program and its command die with it.
    void noOrphansWhenAthanorctlIsKilled() {
        requireNodeDeps();
        Project project("slow");
        QProcess cli;
        startCli(cli, project.root, {"up", "--stage", "dev"});
        QVERIFY(waitFor([&] { return pidIn(project.root / "exec.pid") > 0; }));
        const long program = pidIn(project.root / "program.pid"), command = pidIn(project.root / "exec.pid");
        QVERIFY(processAlive(program) && processAlive(command));
        ::kill(static_cast<pid_t>(cli.processId()), SIGKILL);
        cli.waitForFinished(10000);
        QVERIFY(waitFor([&] { return !processAlive(program) && !processAlive(command); },
                        std::chrono::seconds(10)));
    }

    // Both a stack file and a program: the stack file runs (as before), and when the engine cannot destroy
    // what the program created, athanorctl says the program can.
    void engineDestroySuggestsTheProgram() {
        requireNodeDeps();
        Project project("basic");
        QCOMPARE(runCli(project.root, {"up", "--stage", "dev"}).exitCode, 0);
        test_files::writeFile(project.root / "alchemy.stack.json", R"({"app": "prog", "resources": {}})");
        const CliResult destroy = runCli(project.root, {"destroy", "--stage", "dev"});
        QVERIFY2(destroy.err.contains("this folder also has the Alchemy program alchemy.run.mjs"),
                 qPrintable(destroy.err));
        QCOMPARE(destroy.exitCode, 4); // refused before anything was deleted: kinds without a provider
        QVERIFY2(destroy.err.contains("athanorctl destroy " +
                                      QString::fromStdString((project.root / "alchemy.run.mjs").string())),
                 qPrintable(destroy.err));
        const CliResult program = runCli(project.root, {"destroy", "alchemy.run.mjs", "--stage", "dev"});
        QVERIFY2(program.exitCode == 0, qPrintable(program.out + program.err));
    }
};

QTEST_GUILESS_MAIN(TestCliProgram)
#include "tst_cli_program.moc"

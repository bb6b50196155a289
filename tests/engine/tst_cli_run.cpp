// athanorctl up / plan / read / destroy end to end: the built binary on a small stack in a temporary folder.
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

namespace {

const char* const kPassword = "correct horse battery staple";

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment cliEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NO_COLOR", "1");
    env.insert("ALCHEMY_PASSWORD", kPassword);
    env.remove("ALCHEMY_STAGE");
    return env;
}

void startCli(QProcess& process, const QString& workingDirectory, const QStringList& args) {
    process.setProgram(QString(ATHANOR_BIN_DIR) + "/athanorctl");
    process.setArguments(args);
    process.setWorkingDirectory(workingDirectory);
    process.setProcessEnvironment(cliEnvironment());
    process.start();
}

CliResult finish(QProcess& process) {
    if (!process.waitForFinished(60000))
        process.kill();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString recordStatus(const QString& root, const QString& id) {
    QFile file(root + "/.alchemy/shop/dev/" + id + ".json");
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no record)");
    return QJsonDocument::fromJson(file.readAll()).object().value("status").toString();
}

CliResult runCli(const QString& workingDirectory, const QStringList& args) {
    QProcess process;
    startCli(process, workingDirectory, args);
    return finish(process);
}

void writeFile(const QString& path, const QByteArray& content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Every file under `dir` with its bytes: "nothing changed" means this map is equal before and after. Run
// history
// (.alchemy/.athanor/runs) is left out: every run adds to it.
QMap<QString, QByteArray> treeBytes(const QString& dir) {
    QMap<QString, QByteArray> files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains("/.alchemy/.athanor/runs/"))
            files.insert(QDir(dir).relativeFilePath(path), readFile(path));
    }
    return files;
}

QStringList recordFiles(const QString& dir) {
    QStringList records;
    QDirIterator it(dir + "/.alchemy", {"*.json"}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains("/.athanor/"))
            records << QDir(dir).relativeFilePath(path);
    }
    records.sort();
    return records;
}

const QByteArray kStack = R"({
  "app": "shop",
  "resources": {
    "assets": {"kind": "fs::Folder", "props": {"path": "out/assets"}},
    "config": {"kind": "fs::File", "props": {"path": "out/config.json", "content": "v1"}},
    "key": {"kind": "random::String", "props": {"length": 8}},
    "copy": {"kind": "fs::CopyFile", "props": {"src": {"$ref": "config", "output": "path"}, "dest": "out/config.copy"}}
  },
  "scopes": {
    "storage": {"resources": {
      "seed": {"kind": "fs::File", "props": {"path": "out/seed.sql", "content": {"$ref": "config", "output": "content"}}}
    }}
  }
})";

} // namespace

class TestCliRun : public QObject {
    Q_OBJECT

private slots:
    void upPlanReadDestroy() {
        QTemporaryDir dir;
        const QString root = dir.path();
        writeFile(root + "/alchemy.stack.json", kStack);

        const CliResult up = runCli(root, {"up", "--stage", "dev"});
        QVERIFY2(up.exitCode == 0, qPrintable(up.out + up.err));
        const QStringList lines = up.out.split('\n');
        QCOMPARE(lines.mid(1, 3), (QStringList{"App: shop", "Phase: up", "Stage: dev"}));
        QVERIFY(lines.contains("[created]   config Created Resource"));
        QVERIFY(lines.contains("[created]   storage > seed Created Resource"));
        QVERIFY(up.out.contains("Athanor: up shop/dev succeeded"));
        QCOMPARE(readFile(root + "/out/config.json"), QByteArray("v1"));
        QCOMPARE(readFile(root + "/out/seed.sql"), QByteArray("v1"));
        QCOMPARE(readFile(root + "/out/config.copy"), QByteArray("v1"));
        QVERIFY(QFileInfo(root + "/out/assets").isDir());
        QVERIFY(recordFiles(root).contains(".alchemy/shop/dev/storage/seed.json"));

        // plan and a second up change nothing.
        const auto before = treeBytes(root);
        const CliResult plan = runCli(root, {"plan", "--stage", "dev"});
        QVERIFY2(plan.exitCode == 0, qPrintable(plan.out + plan.err));
        QVERIFY(plan.out.contains("Plan: 0 to create, 0 to update, 0 to replace, 0 to delete, 5 unchanged."));
        QCOMPARE(treeBytes(root), before);
        const CliResult again = runCli(root, {"up", "--stage", "dev"});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out.count("Skipped Resource (no changes)"), 5);
        QCOMPARE(treeBytes(root), before);

        // A changed prop: plan shows the diff; up updates exactly that resource (and its dependent).
        QByteArray changed = kStack;
        changed.replace("\"content\": \"v1\"", "\"content\": \"v2\"");
        writeFile(root + "/alchemy.stack.json", changed);
        const CliResult plan2 = runCli(root, {"plan", "--stage", "dev"});
        QCOMPARE(plan2.exitCode, 0);
        QVERIFY2(plan2.out.contains(QRegularExpression(R"(~\s+update\s+shop/dev/config \(fs::File\))")),
                 qPrintable(plan2.out));
        QVERIFY2(plan2.out.contains("~ /content = \"v2\""), qPrintable(plan2.out));
        const CliResult update = runCli(root, {"up", "--stage", "dev"});
        QCOMPARE(update.exitCode, 0);
        QVERIFY(update.out.contains("[updated]   config Updated Resource"));
        QVERIFY(update.out.contains("[skipped]   key Skipped Resource (no changes)"));
        QCOMPARE(readFile(root + "/out/config.json"), QByteArray("v2"));

        // read: outputs as JSON, the secret masked unless asked for.
        const CliResult read = runCli(root, {"read", "--stage", "dev"});
        QVERIFY2(read.exitCode == 0, qPrintable(read.err));
        const QJsonObject outputs = QJsonDocument::fromJson(read.out.toUtf8()).object();
        QCOMPARE(outputs["shop/dev/config"].toObject()["content"].toString(), QString("v2"));
        QCOMPARE(outputs["shop/dev/key"].toObject()["value"].toString(), QString("••••••"));
        QVERIFY(!outputs["shop/dev/config"].toObject().contains("Symbol(alchemy::ResourceKind)"));
        const CliResult revealed = runCli(root, {"read", "--stage", "dev", "--show-secrets"});
        const QJsonObject plain = QJsonDocument::fromJson(revealed.out.toUtf8()).object();
        QCOMPARE(plain["shop/dev/key"].toObject()["value"].toString().size(), 16);

        // destroy from state alone (no stack file given, none in the folder).
        QFile::remove(root + "/alchemy.stack.json");
        const CliResult destroy = runCli(root, {"destroy", "--stage", "dev"});
        QVERIFY2(destroy.exitCode == 0, qPrintable(destroy.out + destroy.err));
        QVERIFY(destroy.out.contains("[deleted]   storage > seed Deleted Resource"));
        QVERIFY(!QFileInfo::exists(root + "/out/config.json"));
        QVERIFY(!QFileInfo::exists(root + "/out/seed.sql"));
        QVERIFY(!QFileInfo::exists(root + "/out/config.copy"));
        QVERIFY(!QFileInfo::exists(root + "/out/assets"));
        QCOMPARE(recordFiles(root), QStringList());
    }

    // `athanorctl runs`: what the runs left, newest first; --keep bounds it per stage, now and at each run.
    void runsListsAndKeepsRunHistory() {
        QTemporaryDir dir;
        const QString root = dir.path();
        // No state folder: nothing to list, and --keep creates none.
        const CliResult empty = runCli(root, {"runs"});
        QCOMPARE(empty.exitCode, 0);
        QVERIFY2(empty.out.startsWith("no runs recorded in " + root + "/.alchemy/.athanor/runs"),
                 qPrintable(empty.out));
        const CliResult noState = runCli(root, {"runs", "--keep", "2"});
        QCOMPARE(noState.exitCode, 1);
        QVERIFY2(noState.err.contains("no Alchemy state here: " + root + "/.alchemy does not exist"),
                 qPrintable(noState.err));
        QVERIFY(!QFileInfo::exists(root + "/.alchemy"));

        writeFile(root + "/alchemy.stack.json",
                  R"({"app": "shop", "resources": {"a": {"kind": "fs::File", "props": {"content": "x"}}}})");
        for (const char* stage : {"dev", "dev", "prod", "dev"})
            QCOMPARE(runCli(root, {"up", "--stage", stage, "--quiet"}).exitCode, 0);
        const CliResult all = runCli(root, {"runs"});
        QCOMPARE(all.exitCode, 0);
        QStringList lines = all.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        QVERIFY2(
            lines[0].startsWith("4 runs in " + root + "/.alchemy/.athanor/runs (the last 100 of each stage"),
            qPrintable(lines[0]));
        QVERIFY2(
            lines[1].contains(QRegularExpression(
                R"(^  \d{4}-\d\d-\d\dT.*Z  up +shop/dev +succeeded .* s  1 unchanged  \d{8}-\d{6}-\d{3}-up-dev\.log\.jsonl$)")),
            qPrintable(lines[1]));
        QVERIFY2(lines[4].contains("  1 created  "), qPrintable(lines[4]));

        const CliResult prod = runCli(root, {"runs", "--stage", "prod", "--json"});
        QCOMPARE(prod.exitCode, 0);
        const QJsonObject only = QJsonDocument::fromJson(prod.out.trimmed().toUtf8()).object();
        QCOMPARE(only["stage"].toString(), QString("prod"));
        QCOMPARE(only["result"].toString(), QString("succeeded"));
        QVERIFY(QFileInfo::exists(only["logFile"].toString()));
        QVERIFY(QFileInfo::exists(only["summaryFile"].toString()));
        QCOMPARE(runCli(root, {"runs", "--limit", "1"}).out.trimmed().split('\n').size(), 2);

        // Keep 2 per stage: dev's oldest goes now, prod's one stays; the next dev run pushes out another.
        const CliResult keep = runCli(root, {"runs", "--keep", "2"});
        QCOMPARE(keep.exitCode, 0);
        QVERIFY2(keep.out.contains("keeps the last 2 runs of each stage (1 older removed)"),
                 qPrintable(keep.out));
        QCOMPARE(runCli(root, {"up", "--stage", "dev", "--quiet"}).exitCode, 0);
        QDir runs(root + "/.alchemy/.athanor/runs");
        QCOMPARE(runs.entryList({"*-dev.json"}, QDir::Files).size(), 2);
        QCOMPARE(runs.entryList({"*-dev.log.jsonl"}, QDir::Files).size(), 2);
        QCOMPARE(runs.entryList({"*-prod.json"}, QDir::Files).size(), 1);
        QVERIFY(runCli(root, {"runs"}).out.startsWith("3 runs in "));

        // Bad values are usage errors that change nothing.
        for (const char* bad : {"0", "-1", "many", ""}) {
            const CliResult refused = runCli(root, {"runs", "--keep", bad});
            QCOMPARE(refused.exitCode, 2);
            QVERIFY2(refused.err.contains("--keep needs a number of runs (1 or more)"),
                     qPrintable(refused.err));
        }
        QCOMPARE(readFile(runs.filePath("settings.json")), QByteArray("{\n  \"keep\": 2\n}\n"));
        QCOMPARE(runCli(root, {"runs", "dev"}).exitCode, 2);
    }

    void jsonLinesOutput() {
        QTemporaryDir dir;
        writeFile(dir.path() + "/alchemy.stack.json",
                  R"({"app": "shop", "resources": {"a": {"kind": "fs::File", "props": {"content": "x"}}}})");
        const CliResult up = runCli(dir.path(), {"up", "--stage", "dev", "--json"});
        QCOMPARE(up.exitCode, 0);
        const QStringList lines = up.out.trimmed().split('\n');
        QVERIFY(lines.size() >= 4);
        QStringList types;
        for (const QString& line : lines)
            types << QJsonDocument::fromJson(line.toUtf8()).object()["type"].toString();
        QCOMPARE(types.first(), QString("run-started"));
        QVERIFY(types.contains("creating"));
        QVERIFY(types.contains("created"));
        QCOMPARE(types.last(), QString("run-finished"));
    }

    void exitCodes() {
        QTemporaryDir dir;
        const QString root = dir.path();
        QCOMPARE(runCli(root, {"up", "--stage", "dev", "--frobnicate"}).exitCode, 2);
        QCOMPARE(runCli(root, {"up", "--parallel", "zero"}).exitCode, 2);
        const CliResult noStack = runCli(root, {"up", "--stage", "dev"});
        QCOMPARE(noStack.exitCode, 2);
        QVERIFY(noStack.err.contains("alchemy.stack.json does not exist"));

        writeFile(
            root + "/bad.stack.json",
            R"({"app": "shop", "resources": {"a": {"kind": "fs::File", "props": {"x": {"$ref": "nope"}}}}})");
        const CliResult bad = runCli(root, {"up", "bad.stack.json", "--stage", "dev"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("bad.stack.json: /resources/a/props/x: unknown reference \"nope\""),
                 qPrintable(bad.err));

        writeFile(root + "/fail.stack.json",
                  R"({"app": "shop", "resources": {"f": {"kind": "athanor::Command",
                      "props": {"create": "echo broken >&2; exit 4"}}}})");
        const CliResult failed = runCli(root, {"up", "fail.stack.json", "--stage", "dev"});
        QCOMPARE(failed.exitCode, 1);
        QVERIFY2(failed.err.contains("exit code 4"), qPrintable(failed.err));
        QVERIFY(failed.err.contains("broken"));
    }

    void destroyRefusesKindsWithoutAProviderBeforeAnyChange() {
        // Real Alchemy's app-stages tree holds custom kinds (test::Bundle, test::Manifest) from its program.
        QTemporaryDir dir;
        const QString root = dir.path();
        const QString fixture =
            QString(ATHANOR_TEST_DATA_DIR) + "/real-alchemy/app-stages/03-up-dev-again/.alchemy";
        QDirIterator it(fixture, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            writeFile(root + "/.alchemy/" + QDir(fixture).relativeFilePath(file), readFile(file));
        }
        const auto before = treeBytes(root);
        const CliResult destroy = runCli(root, {"destroy", "--stage", "dev"});
        QCOMPARE(destroy.exitCode, 4);
        QVERIFY2(destroy.err.contains("refused before anything was deleted"), qPrintable(destroy.err));
        QVERIFY2(destroy.err.contains("\"test::Bundle\""), qPrintable(destroy.err));
        QVERIFY2(destroy.err.contains("test::Manifest: 2 record(s)"), qPrintable(destroy.err));
        QVERIFY2(destroy.err.contains("--destroy --stage dev"), qPrintable(destroy.err));
        QVERIFY(!destroy.out.contains("[deleting]"));
        QCOMPARE(treeBytes(root), before);
    }

    // read prints exactly the bytes it printed before its outputs were written from the records' DOM
    // (expected files made by athanorctl at 0d9bce0, which built a Json of every output): real Alchemy's
    // trees with ids holding "/", "." and "*", secrets masked, shown, in a child scope with its own password,
    // the --json line, a custom kind's arrays.
    void readPrintsRealAlchemyOutputsByteForByte_data() {
        QTest::addColumn<QString>("app");
        QTest::addColumn<QString>("tree");
        QTest::newRow("shop") << "shop"
                              << "app-stages/04-read-dev";
        QTest::newRow("vault") << "vault"
                               << "secrets/02-read";
    }
    void readPrintsRealAlchemyOutputsByteForByte() {
        QFETCH(QString, app);
        QFETCH(QString, tree);
        QTemporaryDir dir;
        const QString root = dir.path();
        const QString data = QString(ATHANOR_TEST_DATA_DIR);
        const QString fixture = data + "/real-alchemy/" + tree + "/.alchemy";
        QDirIterator it(fixture, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            writeFile(root + "/.alchemy/" + QDir(fixture).relativeFilePath(file), readFile(file));
        }
        const QString expected = data + "/read-output/" + app;
        writeFile(root + "/alchemy.stack.json", readFile(expected + ".stack.json"));
        const auto before = treeBytes(root);

        const CliResult read = runCli(root, {"read", "--stage", "dev"});
        QVERIFY2(read.exitCode == 0, qPrintable(read.err));
        QCOMPARE(read.out.toUtf8(), readFile(expected + ".read.txt"));
        const CliResult shown = runCli(root, {"read", "--stage", "dev", "--show-secrets"});
        QVERIFY2(shown.exitCode == 0, qPrintable(shown.err));
        QCOMPARE(shown.out.toUtf8(), readFile(expected + ".read-show-secrets.txt"));
        const CliResult json = runCli(root, {"read", "--stage", "dev", "--json"});
        QVERIFY2(json.exitCode == 0, qPrintable(json.err));
        QByteArray outputsLine;
        for (const QString& line : json.out.split('\n'))
            if (line.startsWith("{\"type\":\"outputs\""))
                outputsLine = line.toUtf8() + "\n";
        QCOMPARE(outputsLine, readFile(expected + ".read-json.txt"));
        QCOMPARE(treeBytes(root), before);
    }

    void lockedStageAndCancel() {
        QTemporaryDir dir;
        const QString root = dir.path();
        writeFile(root + "/alchemy.stack.json",
                  R"({"app": "shop", "resources": {
                      "slow1": {"kind": "athanor::Command", "props": {"create": "touch started; sleep 2"}},
                      "slow2": {"kind": "athanor::Command", "props": {"create": "touch second; sleep 20"}}}})");
        QProcess first;
        startCli(first, root, {"up", "--stage", "dev", "--parallel", "1"});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(root + "/started"), 20000);

        // A second writer on the same stage is refused at once, naming the holder.
        const CliResult second = runCli(root, {"up", "--stage", "dev"});
        QCOMPARE(second.exitCode, 3);
        QVERIFY2(second.err.contains(QString("pid %1").arg(first.processId())), qPrintable(second.err));

        // Ctrl-C cancels: the running command finishes, the next one never starts, the run ends cancelled.
        ::kill(static_cast<pid_t>(first.processId()), SIGINT);
        const CliResult cancelled = finish(first);
        QCOMPARE(cancelled.exitCode, 130);
        QVERIFY2(cancelled.err.contains("cancelled"), qPrintable(cancelled.err));
        QVERIFY2(cancelled.err.contains("running ones finish"), qPrintable(cancelled.err));
        QCOMPARE(recordStatus(root, "slow1"), QString("created"));
        QVERIFY(!QFileInfo::exists(root + "/.alchemy/shop/dev/slow2.json"));
        QVERIFY(!QFileInfo::exists(root + "/second"));
    }

    void sqliteSourceIsLockedPerStage() {
        QTemporaryDir dir;
        const QString root = dir.path();
        writeFile(root + "/alchemy.stack.json",
                  R"({"app": "shop", "resources": {
                      "slow": {"kind": "athanor::Command", "props": {"create": "touch started; sleep 3", "delete": "true"}}}})");
        const QString db = "sqlite:" + root + "/state/athanor.sqlite";
        QProcess first;
        startCli(first, root, {"up", "--stage", "dev", "--state", db});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(root + "/started"), 20000);

        // The second run on the same stage of the same database is refused at once, naming the first.
        QElapsedTimer timer;
        timer.start();
        const CliResult second = runCli(root, {"up", "--stage", "dev", "--state", db});
        QCOMPARE(second.exitCode, 3);
        QVERIFY2(second.err.contains(QString("stage shop/dev is locked by pid %1").arg(first.processId())),
                 qPrintable(second.err));
        QVERIFY2(second.err.contains("athanor_locks"), qPrintable(second.err));
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));

        const CliResult done = finish(first);
        QVERIFY2(done.exitCode == 0, qPrintable(done.out + done.err));
        QVERIFY(!QFileInfo::exists(root + "/.alchemy")); // nothing went into files
        const CliResult list = runCli(root, {"state", "list", "--state", db});
        QCOMPARE(list.out, QString("shop/dev/slow\n"));
        // Read and destroy against the database; the stage is free again once a run ends.
        QCOMPARE(runCli(root, {"read", "--stage", "dev", "--state", db}).exitCode, 0);
        const CliResult destroy = runCli(root, {"destroy", "--stage", "dev", "--state", db});
        QVERIFY2(destroy.exitCode == 0, qPrintable(destroy.out + destroy.err));
        QCOMPARE(runCli(root, {"state", "list", "--state", db}).out, QString());
    }

    void runsOnAlchemysSqliteDatabase() {
        // A project whose .alchemy holds only the database real Alchemy wrote: runs use the database.
        QTemporaryDir dir;
        const QString root = dir.path();
        const QString fixture = QStringLiteral(ATHANOR_TEST_DATA_DIR) + "/real-alchemy-sqlite";
        writeFile(root + "/alchemy.stack.json", readFile(fixture + "/vault.stack.json"));
        writeFile(root + "/.alchemy/state.sqlite", readFile(fixture + "/state.sqlite"));
        const CliResult up = runCli(root, {"up", "--stage", "dev"}); // passwords: the stack file's
        QVERIFY2(up.exitCode == 0, qPrintable(up.out + up.err));
        QVERIFY2(up.out.contains("[skipped]   readme"), qPrintable(up.out));
        QVERIFY2(up.out.contains("[skipped]   token"), qPrintable(up.out));
        QVERIFY2(up.out.contains("[skipped]   storage > inner"), qPrintable(up.out));
        QVERIFY2(up.out.contains("[updated]   with-env"), qPrintable(up.out));
        QVERIFY2(up.out.contains("[updated]   team > team-exec"), qPrintable(up.out));
        QVERIFY2((up.out + up.err).contains("opened state.sqlite"), qPrintable(up.out + up.err));
        QVERIFY(!QFileInfo::exists(root + "/.alchemy/vault"));

        const CliResult read = runCli(root, {"read", "--stage", "dev", "--show-secrets"});
        QVERIFY2(read.exitCode == 0, qPrintable(read.out + read.err));
        const QString token = QJsonDocument::fromJson(readFile(fixture + "/plaintexts.json"))
                                  .object()["vault/dev/token"]
                                  .toObject()["/output/value"]
                                  .toString();
        QVERIFY2(read.out.contains(token), qPrintable(read.out));

        const CliResult destroy = runCli(root, {"destroy", "--stage", "dev"});
        QVERIFY2(destroy.exitCode == 0, qPrintable(destroy.out + destroy.err));
        QCOMPARE(runCli(root, {"state", "list"}).out, QString());
    }

    void secondInterruptAbortsRunningCommands() {
        QTemporaryDir dir;
        const QString root = dir.path();
        writeFile(root + "/alchemy.stack.json",
                  R"({"app": "shop", "resources": {
                      "stuck": {"kind": "athanor::Command",
                                "props": {"create": "touch started; test -f quick || sleep 30"}}}})");
        QProcess run;
        startCli(run, root, {"up", "--stage", "dev"});
        QVERIFY(run.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(root + "/started"), 20000);
        QElapsedTimer timer;
        timer.start();
        ::kill(static_cast<pid_t>(run.processId()), SIGINT);
        QTest::qWait(300);
        ::kill(static_cast<pid_t>(run.processId()), SIGINT);
        const CliResult aborted = finish(run);
        QCOMPARE(aborted.exitCode, 130);
        QVERIFY(timer.elapsed() < 15000);
        QVERIFY2(aborted.err.contains("Aborting"), qPrintable(aborted.err));
        QVERIFY2(aborted.err.contains("stopped by an abort"), qPrintable(aborted.err));
        // The killed resource's record says so, and the next up resumes (creates) it.
        QCOMPARE(recordStatus(root, "stuck"), QString("creating"));
        writeFile(root + "/quick", "");
        const CliResult resumed = runCli(root, {"up", "--stage", "dev"});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(recordStatus(root, "stuck"), QString("created"));
    }
};

QTEST_GUILESS_MAIN(TestCliRun)
#include "tst_cli_run.moc"

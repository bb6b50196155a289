// Athanor writes, real Alchemy reads: records of ids with a '\' that Athanor's up writes are where
// alchemy@0.94.0 looks for them (back\slash at <stage>/back/slash.json), so the same program run by Alchemy
// afterwards finds each one and skips it, changing no byte.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "providers/BuiltinProviders.h"
#include "tst_lifecycle_support.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace lifecycle_test;

class TestLifecycleAlchemy : public QObject {
    Q_OBJECT

private slots:
    void alchemyFindsTheBackslashIdsAthanorWrote() {
        requireNodeDeps();
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QVERIFY2(!node.isEmpty(), "node is not installed");
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const fs::path data = fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids";
        fs::copy_file(data / "backslash-ids.mjs", root / "backslash-ids.mjs");
        fs::create_directory_symlink(node_deps::nodeModules(), root / "node_modules");

        // The program of tests/data/alchemy-backslash-ids, as a stack file, applied by Athanor.
        auto registry = std::make_shared<ProviderRegistry>();
        registry->add(makeFileProvider());
        const auto file = [](const std::string& path, const std::string& content) {
            Json props = Json::object();
            props["path"] = path;
            props["content"] = content;
            return props;
        };
        const StackFile s = stack(
            root, "bs",
            {resource("plain", "fs::File", file("out/plain.txt", "plain\n")),
             resource("back\\slash", "fs::File",
                      file("out/back-slash.txt", "made by an id with a backslash\n"))},
            {scope("grp", {resource("a\\b\\c", "fs::File",
                                    file("out/grp-a-b-c.txt", "two backslashes in a child scope\n"))})});
        RunOptions o = options(Phase::Up, root, registry);
        RecordingSink sink;
        CancellationToken cancel;
        QVERIFY(runPhaseWithStack(o, &s, sink, cancel).result == RunResult::Succeeded);
        QVERIFY(fs::exists(root / ".alchemy/bs/dev/back/slash.json"));
        QVERIFY(fs::exists(root / ".alchemy/bs/dev/grp/a/b/c.json"));
        const auto before = filesBelow(root / ".alchemy");

        QProcess alchemy;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALCHEMY_TELEMETRY_DISABLED", "1");
        env.insert("DO_NOT_TRACK", "1");
        env.insert("NO_COLOR", "1");
        env.remove("CI");
        alchemy.setProcessEnvironment(env);
        alchemy.setWorkingDirectory(dir.path());
        alchemy.start(node, {"backslash-ids.mjs", "--stage", "dev"});
        QVERIFY(alchemy.waitForFinished(120000));
        const QString out = QString::fromUtf8(alchemy.readAllStandardOutput());
        const QString err = QString::fromUtf8(alchemy.readAllStandardError());
        QVERIFY2(alchemy.exitCode() == 0, qPrintable(out + err));
        for (const char* line : {"[skipped]   plain Skipped Resource (no changes)",
                                 "[skipped]   back\\slash Skipped Resource (no changes)",
                                 "[skipped]   grp > a\\b\\c Skipped Resource (no changes)"})
            QVERIFY2(out.contains(QString::fromUtf8(line)), qPrintable(out));
        QVERIFY2(!out.contains("[creat"), qPrintable(out));
        QCOMPARE(filesBelow(root / ".alchemy"), before);
    }
};

QTEST_GUILESS_MAIN(TestLifecycleAlchemy)
#include "tst_lifecycle_alchemy.moc"

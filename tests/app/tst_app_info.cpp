// What `athanor` and `athanorctl` answer to --help and --version: the text on standard output and exit code
// 0, with no display at all (ssh, CI, a package's smoke test), where the window could never open.
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int exitCode = -1; // -1: crashed (an abort without a display ends here)
    QString out;
    QString err;
};

// Runs a built program with no DISPLAY, no WAYLAND_DISPLAY and no QT_QPA_PLATFORM, as on a headless machine,
// with its settings and data in `home` (a window that opens records its recent projects and geometry: never
// in the settings of whoever runs the tests).
Run runHeadless(const QString& program, const QStringList& args, const QStringList& extraEnv = {},
                const QString& home = {}) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QString::fromLatin1(name));
    if (!home.isEmpty()) {
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
        env.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/state"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), home + QStringLiteral("/cache"));
    }
    for (const QString& assignment : extraEnv)
        env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(ATHANOR_BIN_DIR "/") + program, args);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
    }
    Run run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

const QString kVersion = QStringLiteral(ATHANOR_VERSION);

} // namespace

class TestAppInfo : public QObject {
    Q_OBJECT

private slots:
    void athanorctlVersion() {
        const Run run = runHeadless(QStringLiteral("athanorctl"), {QStringLiteral("--version")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(run.out, QStringLiteral("athanorctl ") + kVersion + QLatin1Char('\n'));
        QCOMPARE(run.err, QString());
    }

    void athanorctlHelp_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("--help") << QStringList{QStringLiteral("--help")};
        QTest::newRow("-h") << QStringList{QStringLiteral("-h")};
        QTest::newRow("help") << QStringList{QStringLiteral("help")};
        QTest::newRow("state --help") << QStringList{QStringLiteral("state"), QStringLiteral("--help")};
        QTest::newRow("up --help") << QStringList{QStringLiteral("up"), QStringLiteral("--help")};
        QTest::newRow("state get --help")
            << QStringList{QStringLiteral("state"), QStringLiteral("get"), QStringLiteral("--help")};
    }

    // Asked for, the usage goes to standard output with status 0, and nothing runs.
    void athanorctlHelp() {
        QFETCH(QStringList, args);
        const Run run = runHeadless(QStringLiteral("athanorctl"), args);
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.startsWith(QStringLiteral("usage:\n")), qPrintable(run.out));
        for (const char* line : {"athanorctl state list", "athanorctl up ", "athanorctl --help | --version"})
            QVERIFY2(run.out.contains(QLatin1String(line)), line);
        QCOMPARE(run.err, QString());
    }

    // Not asked for (no arguments, a wrong one), the usage is an error: standard error, status 2.
    void athanorctlUsageError() {
        for (const QStringList& args : {QStringList{}, QStringList{QStringLiteral("--verison")}}) {
            const Run run = runHeadless(QStringLiteral("athanorctl"), args);
            QCOMPARE(run.exitCode, 2);
            QCOMPARE(run.out, QString());
            QVERIFY2(run.err.contains(QLatin1String("usage:\n")), qPrintable(run.err));
        }
    }

#ifdef ATHANOR_WITH_GUI
    void athanorVersionWithoutDisplay_data() {
        QTest::addColumn<QString>("option");
        QTest::newRow("--version") << QStringLiteral("--version");
        QTest::newRow("-v") << QStringLiteral("-v");
    }

    void athanorVersionWithoutDisplay() {
        QFETCH(QString, option);
        const Run run = runHeadless(QStringLiteral("athanor"), {option});
        QVERIFY2(run.exitCode == 0, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QCOMPARE(run.out, QStringLiteral("Athanor ") + kVersion + QLatin1Char('\n'));
    }

    void athanorHelpWithoutDisplay_data() {
        QTest::addColumn<QString>("option");
        QTest::newRow("--help") << QStringLiteral("--help");
        QTest::newRow("-h") << QStringLiteral("-h");
        QTest::newRow("--help-all") << QStringLiteral("--help-all");
    }

    void athanorHelpWithoutDisplay() {
        QFETCH(QString, option);
        const Run run = runHeadless(QStringLiteral("athanor"), {option, QStringLiteral("/some/project")});
        QVERIFY2(run.exitCode == 0, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(run.out.startsWith(QStringLiteral("Usage: ")), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral("/athanor [options] [DIR]\n")), qPrintable(run.out));
        for (const char* text :
             {"--read-only", "--theme <name>", "--version", "State inspector and deploy console"})
            QVERIFY2(run.out.contains(QLatin1String(text)), text);
    }

    // A wrong option beside --help is a usage error on standard error (status 1), also without a display: the
    // command-line parser, not a search for "--help", decides what was asked.
    void athanorBadOptionBesideHelp() {
        const Run run =
            runHeadless(QStringLiteral("athanor"), {QStringLiteral("--bogus"), QStringLiteral("--help")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QLatin1String("Unknown option 'bogus'")), qPrintable(run.err));
    }

    // "--help" as the value of another option is that value, not a request for help: the window opens (here
    // on the offscreen platform) and exits once the tree is painted.
    void athanorHelpAsOptionValueOpensTheWindow() {
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString tree = QStringLiteral(ATHANOR_TEST_DATA_DIR "/real-alchemy/app-stages/01-up-dev");
        const Run run = runHeadless(QStringLiteral("athanor"),
                                    {QStringLiteral("--filter"), QStringLiteral("--help"),
                                     QStringLiteral("--exit-when-loaded"), tree},
                                    {QStringLiteral("QT_QPA_PLATFORM=offscreen")}, home.path());
        QVERIFY2(run.exitCode == 0, qPrintable(QStringLiteral("exit %1: %2").arg(run.exitCode).arg(run.err)));
        QVERIFY2(!run.out.contains(QLatin1String("Usage:")), qPrintable(run.out));
        // The window remembered the folder in the test's own settings (the runner's recent projects stay
        // as they were).
        QFile settings(home.path() + QStringLiteral("/config/Athanor/Athanor.conf"));
        QVERIFY2(settings.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
        QVERIFY(settings.readAll().contains(QFileInfo(tree).canonicalFilePath().toUtf8()));
    }
#endif
};

QTEST_GUILESS_MAIN(TestAppInfo)
#include "tst_app_info.moc"

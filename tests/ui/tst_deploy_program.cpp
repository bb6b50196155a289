// The deploy dock running the project's own Alchemy program (alchemy.run.ts) with real alchemy@0.94.0 and a
// real runtime (bun from the pinned npm packages, node 20 from the machine), on the offscreen platform:
// finding the program, Up / Read / Destroy, a failing handler pinned, cancel then Stop now (no process left),
// TypeScript on node 20 refused with bun offered, no runtime at all, a folder with both a stack file and a
// program, and the built-in engine's destroy refused over kinds only the program knows.
#include "../engine/ProgramTestSupport.h"
#include "NodeDeps.h"
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/DestroyConfirmDialog.h"
#include "deploy/OutputsModel.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryModel.h"
#include "deploy/RunSummaryWidget.h"
#include "deploy/RunTargetWidget.h"
#include "deploy/TaskListModel.h"
#include "log/LogModel.h"

#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kRunTimeout = 120000;

QString bunDir() {
    return QString::fromStdString(node_deps::bin("bun").parent_path().string());
}

// Every file under `dir` with its content hash: "did anything change?"
QMap<QString, QByteArray> treeHash(const QString& dir) {
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        if (file.contains(QStringLiteral("/node_modules/")) || file.contains(QStringLiteral("/.athanor/")))
            continue; // run history and locks are Athanor's own bookkeeping
        out.insert(file, QCryptographicHash::hash(test::readFile(file), QCryptographicHash::Sha256));
    }
    return out;
}

} // namespace

class TestDeployProgram : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

    using Harness = test::DeployWindow;

    Harness open(const QString& project) {
        return test::openDeployWindow(m_theme.get(), project, {1400, 900});
    }

    // A scratch project holding tests/data/programs/<program>, node_modules linked to the real Alchemy.
    static QString project(const QTemporaryDir& tmp, const std::string& program) {
        const QString dir = tmp.filePath(QStringLiteral("project"));
        program_test::setUpProject(dir.toStdString(), program, node_deps::nodeModules());
        return dir;
    }

    static bool confirmDestroy(DeployConsole* c, const QString& stage) {
        auto* confirm = qobject_cast<DestroyConfirmDialog*>(c->pendingDialog());
        if (!confirm)
            return false;
        QTest::keyClicks(confirm->nameEdit(), stage);
        if (!confirm->destroyButton()->isEnabled())
            return false;
        QTest::mouseClick(confirm->destroyButton(), Qt::LeftButton);
        return true;
    }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_deploy_program"));
        qputenv("ALCHEMY_STAGE", "dev");
        qunsetenv("ALCHEMY_PASSWORD");
        qunsetenv("ATHANOR_RUNTIME");
        qunsetenv("HANG_ON_EXIT");
    }

    // The TypeScript program under bun (the project has bun.lock): found, shown with its runtime, Plan
    // disabled, Up / Read / Destroy run it; the task list, files, outputs and history follow Alchemy.
    void programUpReadDestroy() {
        requireNodeDeps();
        QTemporaryDir tmp;
        const QString dir = project(tmp, "basic-ts");
        QVERIFY(test::writeFile(dir + QStringLiteral("/bun.lock"), "{}"));
        test::ScopedEnv path("PATH",
                             (bunDir() + QLatin1Char(':') + qEnvironmentVariable("PATH")).toStdString());
        Harness h = open(dir);
        DeployConsole* c = h.console;
        QAbstractItemModelTester tasksTester(c->controller()->taskModel());
        QVERIFY(c->target()->isProgram());
        QTRY_VERIFY_WITH_TIMEOUT(!c->target()->runtimeText().isEmpty(), 20000);
        QVERIFY2(c->target()->label().startsWith(QStringLiteral("Program: alchemy.run.ts (bun 1.")),
                 qPrintable(c->target()->label()));
        QTRY_VERIFY(c->upButton()->isEnabled());
        QVERIFY(!c->planButton()->isEnabled());
        QVERIFY2(c->planButton()->toolTip().contains(QStringLiteral("no dry run")),
                 qPrintable(c->planButton()->toolTip()));

        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        QVERIFY(c->controller()->isRunning());
        QCOMPARE(c->controller()->currentRequest().program, dir + QStringLiteral("/alchemy.run.ts"));
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        test::saveScreenshot(h.window.get(), QStringLiteral("deploy-program-finished-light"));
        QCOMPARE(QString::fromUtf8(test::readFile(dir + QStringLiteral("/out/config.txt"))),
                 QStringLiteral("v1"));
        TaskListModel* tasks = c->controller()->taskModel();
        for (const char* fqn :
             {"prog/dev/config", "prog/dev/routes/api", "prog/dev/note", "prog/dev/grp/inner"}) {
            const int row = tasks->row(QString::fromLatin1(fqn));
            QVERIFY2(row >= 0, fqn);
            QCOMPARE(tasks->state(row), TaskListModel::State::Done);
        }
        QVERIFY(c->summary()->text().contains(QStringLiteral("Up succeeded")));
        QVERIFY(test::hasLogLine(c->controller()->logModel(), QStringLiteral("prog/dev/config")) ||
                test::hasLogLine(c->controller()->logModel(), QStringLiteral("config")));
        c->reloadHistory();
        QTRY_VERIFY(c->historyModel()->rowCount() >= 1);

        // Read: the stage's outputs after the program ran with --read.
        QTRY_VERIFY_WITH_TIMEOUT(c->readButton()->isEnabled(), 20000);
        QTest::mouseClick(c->readButton(), Qt::LeftButton);
        auto read = test::waitRun(c, kRunTimeout);
        QVERIFY(read);
        QVERIFY2(read->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QVERIFY(c->outputsModel()->resourceCount() >= 5);

        // Destroy: the typed stage name, then the program with --destroy removes its files.
        QTRY_VERIFY(c->destroyButton()->isEnabled());
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        QVERIFY(confirmDestroy(c, QStringLiteral("dev")));
        auto destroyed = test::waitRun(c, kRunTimeout);
        QVERIFY(destroyed);
        QVERIFY2(destroyed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QVERIFY(destroyed->request.isProgram());
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/out/config.txt")));
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/out/note.txt")));
    }

    // A handler that throws: failed, with the resource and Alchemy's message pinned in the banner.
    void failingHandlerIsPinned() {
        requireNodeDeps();
        QTemporaryDir tmp;
        const QString dir = project(tmp, "throws");
        Harness h = open(dir);
        DeployConsole* c = h.console;
        QCOMPARE(c->target()->program(), dir + QStringLiteral("/alchemy.run.mjs"));
        QTRY_VERIFY(c->upButton()->isEnabled());
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QCOMPARE(up->end, RunEnd::Failed);
        test::saveScreenshot(h.window.get(), QStringLiteral("deploy-program-failed-light"));
        const QString summary = c->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("First failure: bad-thing")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("quota exceeded for bad-thing")), qPrintable(summary));
        TaskListModel* tasks = c->controller()->taskModel();
        QCOMPARE(tasks->state(tasks->row(QStringLiteral("prog/dev/bad-thing"))),
                 TaskListModel::State::Failed);
        QCOMPARE(tasks->state(tasks->row(QStringLiteral("prog/dev/before"))), TaskListModel::State::Done);
    }

    // Cancel sends SIGINT; the button becomes Stop now; a program that ignores SIGINT (a cleanup that never
    // ends, a command that traps INT) is killed with its whole group. Progress is a busy bar with a count.
    void cancelThenStopNow() {
        requireNodeDeps();
        QTemporaryDir tmp;
        const QString dir = project(tmp, "slow");
        test::ScopedEnv hang("HANG_ON_EXIT", "1");
        Harness h = open(dir);
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        QSignalSpy finished(c, &DeployConsole::runFinished);
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        const std::filesystem::path root = dir.toStdString();
        QTRY_VERIFY_WITH_TIMEOUT(program_test::pidIn(root / "exec.pid") > 0, 60000);
        const long program = program_test::pidIn(root / "program.pid");
        const long command = program_test::pidIn(root / "exec.pid");
        QVERIFY(program_test::processAlive(program));
        QVERIFY(program_test::processAlive(command));
        QVERIFY(c->controller()->isIndeterminate());
        QCOMPARE(c->progressBar()->maximum(), 0); // busy: the program has no total
        QTRY_VERIFY2(c->statusLabel()->text().contains(QStringLiteral("done")),
                     qPrintable(c->statusLabel()->text()));
        test::saveScreenshot(h.window.get(), QStringLiteral("deploy-program-running-light"));

        QVERIFY(c->cancelButton()->toolTip().contains(QStringLiteral("SIGINT")));
        QTest::mouseClick(c->cancelButton(), Qt::LeftButton);
        QCOMPARE(c->cancelButton()->text(), QStringLiteral("Stop now"));
        QVERIFY(c->cancelButton()->toolTip().contains(QStringLiteral("SIGKILL")));
        QVERIFY(c->cancelButton()->isEnabled());
        QVERIFY(test::hasLogLine(c->controller()->logModel(), QStringLiteral("SIGINT")) ||
                QTest::qWaitFor(
                    [&] { return test::hasLogLine(c->controller()->logModel(), QStringLiteral("SIGINT")); }));
        QTest::qWait(1500);
        QVERIFY(finished.isEmpty()); // SIGINT alone does not stop this program
        QTest::mouseClick(c->cancelButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).value<std::shared_ptr<const RunOutcome>>()->end, RunEnd::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(!program_test::processAlive(program) && !program_test::processAlive(command),
                                 10000);
        QVERIFY(c->summary()->text().contains(QStringLiteral("cancelled")));
    }

    // TypeScript on node 20: refused before anything ran, the banner says why and offers bun; pressing it
    // makes the next Up run under bun. With no runtime at all the banner names what to install.
    void oldNodeOffersBunAndNoRuntimeSaysWhatToInstall() {
        requireNodeDeps();
        QTemporaryDir tmp;
        const QString dir = project(tmp, "basic-ts");
        {
            QTemporaryDir empty;
            test::ScopedEnv path("PATH", empty.path().toStdString());
            Harness h = open(dir);
            DeployConsole* c = h.console;
            QTRY_VERIFY_WITH_TIMEOUT(!c->target()->runtimeProblem().isEmpty(), 20000);
            QVERIFY2(c->target()->label().contains(QStringLiteral("no runtime")),
                     qPrintable(c->target()->label()));
            QTRY_VERIFY(c->upButton()->isEnabled());
            QTest::mouseClick(c->upButton(), Qt::LeftButton);
            auto up = test::waitRun(c, kRunTimeout);
            QVERIFY(up);
            QCOMPARE(up->end, RunEnd::Error);
            const QString summary = c->summary()->text();
            QVERIFY2(summary.contains(QStringLiteral("Up refused")) &&
                         summary.contains(QStringLiteral("install")),
                     qPrintable(summary));
            QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/.alchemy/prog")));
        }
        test::ScopedEnv path("PATH",
                             (bunDir() + QLatin1Char(':') + qEnvironmentVariable("PATH")).toStdString());
        Harness h = open(dir);
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        auto refused = test::waitRun(c, kRunTimeout);
        QVERIFY(refused);
        QCOMPARE(refused->end, RunEnd::Error);
        QVERIFY2(refused->runtimeAlternative.endsWith(QStringLiteral("/bun")), qPrintable(refused->error));
        QVERIFY2(c->summary()->text().contains(QStringLiteral("node v20")), qPrintable(c->summary()->text()));
        QVERIFY(c->summary()->actionButton()->isVisible());
        QCOMPARE(c->summary()->actionButton()->text(), QStringLiteral("Run with bun"));
        QTest::mouseClick(c->summary()->actionButton(), Qt::LeftButton);
        QCOMPARE(c->target()->runtimeOverride(), refused->runtimeAlternative);
        QTRY_VERIFY_WITH_TIMEOUT(c->target()->label().contains(QStringLiteral("(bun 1.")), 20000);
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QVERIFY(QFileInfo::exists(dir + QStringLiteral("/out/config.txt")));
    }

    // The password the user gives goes to the program (its environment only): asked once before the first Up
    // of a program that declares secrets, then used; never in settings, history or the log. A new session
    // asks again before Read of a stage holding secrets, and a cancelled prompt runs nothing.
    void passwordGoesToTheProgramOnly() {
        requireNodeDeps();
        const QString password = QStringLiteral("correct horse battery staple");
        QTemporaryDir tmp;
        const QString dir = project(tmp, "secrets");
        test::ScopedEnv runtime("ATHANOR_RUNTIME", node_deps::bin("bun").string());
        {
            Harness h = open(dir);
            DeployConsole* c = h.console;
            QStringList reasons;
            c->setPasswordPrompt([&](QWidget*, const QString& reason) -> std::optional<SecureString> {
                reasons << reason;
                return SecureString(password.toStdString());
            });
            QTRY_VERIFY(c->upButton()->isEnabled());
            QTest::mouseClick(c->upButton(), Qt::LeftButton);
            QCOMPARE(reasons.size(), 1);
            QVERIFY2(reasons.front().contains(QStringLiteral("program declares secrets")),
                     qPrintable(reasons.front()));
            auto up = test::waitRun(c, kRunTimeout);
            QVERIFY(up);
            QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
            const QByteArray token = test::readFile(dir + QStringLiteral("/out/token.txt"));
            QCOMPARE(token.size(), 32);
            // Read in the same session: no second question, the secret opens with the same password.
            QTRY_VERIFY_WITH_TIMEOUT(c->readButton()->isEnabled(), 20000);
            QTest::mouseClick(c->readButton(), Qt::LeftButton);
            auto read = test::waitRun(c, kRunTimeout);
            QVERIFY(read);
            QVERIFY2(read->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
            QCOMPARE(reasons.size(), 1);
            QCOMPARE(QByteArray::fromStdString(
                         read->report.outputs.at("vaultprog/dev/session-key")["value"]["@secret"]
                             .get<std::string>()),
                     token);
            QVERIFY(!test::hasLogLine(c->controller()->logModel(), password));
        }
        // Nowhere on disk but in the sealed state: not in settings, not in run history.
        QSettings settings;
        for (const QString& key : settings.allKeys())
            QVERIFY(!settings.value(key).toString().contains(password));
        QDirIterator it(dir + QStringLiteral("/.alchemy"), QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            QVERIFY2(!test::readFile(file).contains(password.toUtf8()), qPrintable(file));
        }

        Harness h = open(dir);
        DeployConsole* c = h.console;
        int asked = 0;
        c->setPasswordPrompt([&](QWidget*, const QString& reason) -> std::optional<SecureString> {
            ++asked;
            if (!reason.contains(QStringLiteral("holds encrypted secrets")))
                return SecureString(std::string("unexpected"));
            return std::nullopt;
        });
        QTRY_VERIFY_WITH_TIMEOUT(c->readButton()->isEnabled(), 20000);
        QTest::mouseClick(c->readButton(), Qt::LeftButton);
        QCOMPARE(asked, 1);
        QVERIFY(!c->controller()->isRunning());
        QVERIFY2(c->summary()->text().contains(QStringLiteral("needs a password")),
                 qPrintable(c->summary()->text()));
    }

    // A folder with both asks once which one the dock drives, and remembers the answer for the project.
    void bothAsksOnceAndRemembers() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        QVERIFY(test::writeFile(dir + QStringLiteral("/alchemy.stack.json"),
                                "{\"app\": \"prog\", \"resources\": {}}"));
        QVERIFY(test::writeFile(dir + QStringLiteral("/alchemy.run.mjs"), "await 0;\n"));
        {
            Harness h = open(dir);
            DeployConsole* c = h.console;
            QTRY_VERIFY(c->target()->pendingChoice());
            QCOMPARE(c->target()->kind(), RunTargetWidget::Kind::Stack);
            auto* program =
                c->target()->pendingChoice()->findChild<QPushButton*>(QStringLiteral("chooseProgram"));
            QVERIFY(program);
            QTest::mouseClick(program, Qt::LeftButton);
            QTRY_VERIFY(c->target()->isProgram());
            QVERIFY(c->target()->label().startsWith(QStringLiteral("Program: alchemy.run.mjs")));
            QVERIFY(c->stackFile().isEmpty());
        }
        const QString key = RunTargetWidget::settingsKey(QDir(dir).absolutePath());
        QCOMPARE(QSettings().value(key).toString(), QStringLiteral("program"));
        Harness again = open(dir);
        QVERIFY(again.console->target()->isProgram());
        QTest::qWait(100);
        QVERIFY(!again.console->target()->pendingChoice());
        // Choose… picks a stack file again (the file dialog filters accept both kinds).
        again.console->setStackFile(dir + QStringLiteral("/alchemy.stack.json"));
        QCOMPARE(again.console->target()->kind(), RunTargetWidget::Kind::Stack);
        again.console->setStackFile(dir + QStringLiteral("/alchemy.run.mjs"));
        QVERIFY(again.console->target()->isProgram());
    }

    // The built-in engine's destroy of a stage holding a custom kind only the program knows: refused by the
    // engine's dry run before the confirmation (no dialog, no file changes), the kinds named, and "Destroy
    // with alchemy.run.ts" asks for the stage name and runs the program's destroy.
    void engineDestroyRefusedOffersProgram() {
        requireNodeDeps();
        QTemporaryDir tmp;
        const QString dir = project(tmp, "basic-ts");
        QVERIFY(test::writeFile(dir + QStringLiteral("/bun.lock"), "{}"));
        test::ScopedEnv path("PATH",
                             (bunDir() + QLatin1Char(':') + qEnvironmentVariable("PATH")).toStdString());
        {
            Harness h = open(dir);
            QTRY_VERIFY(h.console->upButton()->isEnabled());
            QTest::mouseClick(h.console->upButton(), Qt::LeftButton);
            auto up = test::waitRun(h.console, kRunTimeout);
            QVERIFY(up && up->end == RunEnd::Succeeded);
        }
        QVERIFY(test::writeFile(dir + QStringLiteral("/alchemy.stack.json"),
                                "{\"app\": \"prog\", \"resources\": {}}"));
        QSettings().setValue(RunTargetWidget::settingsKey(QDir(dir).absolutePath()), QStringLiteral("stack"));
        Harness h = open(dir);
        DeployConsole* c = h.console;
        QCOMPARE(c->target()->kind(), RunTargetWidget::Kind::Stack);
        QTRY_VERIFY(c->destroyButton()->isEnabled());
        const auto before = treeHash(dir);
        QVERIFY(before.size() > 5);
        QSignalSpy started(c, &DeployConsole::runStarted);
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        // The engine's dry run refuses before the confirmation: no dialog, no run, the kinds named.
        QTRY_VERIFY_WITH_TIMEOUT(c->summary()->actionButton()->isVisible(), kRunTimeout);
        QVERIFY(!c->pendingDialog());
        QCOMPARE(started.count(), 0);
        QCOMPARE(treeHash(dir), before);
        const QString summary = c->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("Destroy refused")) &&
                     summary.contains(QStringLiteral("test::Note")),
                 qPrintable(summary));
        QCOMPARE(c->summary()->actionButton()->text(), QStringLiteral("Destroy with alchemy.run.ts"));
        test::saveScreenshot(h.window.get(), QStringLiteral("deploy-program-destroy-refused-light"));

        // The program's destroy is confirmed like any other: the typed stage name first.
        QTest::mouseClick(c->summary()->actionButton(), Qt::LeftButton);
        QVERIFY(c->target()->isProgram());
        // The confirmation opens once the program is read (off the GUI thread).
        QTRY_VERIFY(qobject_cast<DestroyConfirmDialog*>(c->pendingDialog()));
        QVERIFY(confirmDestroy(c, QStringLiteral("dev")));
        auto destroyed = test::waitRun(c, kRunTimeout);
        QVERIFY(destroyed);
        QVERIFY(destroyed->request.isProgram());
        QVERIFY2(destroyed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/out/note.txt")));
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("/out/config.txt")));
    }
};

QTEST_MAIN(TestDeployProgram)
#include "tst_deploy_program.moc"

// The deploy console end to end on the offscreen platform: the demo stack through Up (with the plan
// confirmed), Read and Destroy (typed stage name), cancelling a run of slow resources, a second writer on a
// locked stage, closing the window during a run, read-only mode, and the console's models under
// QAbstractItemModelTester.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "deploy/DeployActionBar.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/DestroyConfirmDialog.h"
#include "deploy/OutputsModel.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryModel.h"
#include "deploy/RunHistoryStore.h"
#include "deploy/RunHistoryTab.h"
#include "deploy/RunSummaryWidget.h"
#include "deploy/StageNames.h"
#include "deploy/TaskListModel.h"
#include "history/RunHistory.h"
#include "inspector/DetailsPane.h"
#include "inspector/RecordHeader.h"
#include "inspector/ScopeSummaryView.h"
#include "log/LogModel.h"
#include "log/LogPane.h"
#include "models/StateTreeModel.h"
#include "snapshot/SnapshotLoader.h"
#include "widgets/ThemeColors.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextDocumentFragment>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kRunTimeout = 60000;

// A stack of `count` independent commands that each take `seconds`.
QByteArray slowStack(const QString& app, int count, double seconds) {
    QByteArray json = "{\"app\": \"" + app.toUtf8() + "\", \"resources\": {";
    for (int i = 0; i < count; ++i) {
        if (i > 0)
            json += ",";
        json += QStringLiteral("\"step%1\": {\"kind\": \"athanor::Command\", \"props\": {\"create\": "
                               "\"sleep %2; echo '{\\\"step\\\": %1}'\", \"delete\": \"true\"}}")
                    .arg(i)
                    .arg(seconds)
                    .toUtf8();
    }
    return json + "}}";
}

// What the scope tree's Status column says for a node.
QString treeText(MainWindow* window, const QString& fqn) {
    return window->treeModel()
        ->indexForFqn(fqn)
        .siblingAtColumn(StateTreeModel::StatusColumn)
        .data()
        .toString();
}

} // namespace

class TestDeploy : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

    using Harness = test::DeployWindow;

    Harness open(const QString& project, bool readOnly = false) {
        return test::openDeployWindow(m_theme.get(), project, {1300, 900}, readOnly);
    }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_deploy"));
        qputenv("ALCHEMY_STAGE", "dev");
        qunsetenv("ALCHEMY_PASSWORD");
        qunsetenv("DEMO_FAIL");
    }

    void demoUpReadDestroy() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        Harness h = open(project);
        DeployConsole* c = h.console;
        QTRY_VERIFY(!c->projectRoot().isEmpty());
        QCOMPARE(c->stage(), QStringLiteral("dev"));
        QVERIFY2(c->upButton()->isEnabled(), qPrintable(c->upButton()->toolTip()));
        QVERIFY(!c->destroyButton()->isEnabled()); // nothing in state yet
        QVERIFY(c->destroyButton()->toolTip().contains(QStringLiteral("nothing in state")));
        QVERIFY(!c->readButton()->isEnabled());
        QVERIFY(!c->cancelButton()->isEnabled());

        // Up: the plan first, then only on confirmation.
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        auto plan = test::waitRun(c, kRunTimeout);
        QVERIFY(plan);
        QCOMPARE(int(plan->request.phase), int(Phase::Plan));
        QCOMPARE(plan->end, RunEnd::Succeeded);
        auto* dialog = qobject_cast<PlanDialog*>(c->pendingDialog());
        QVERIFY(dialog);
        QCOMPARE(dialog->changeCount(), 8);
        QCOMPARE(dialog->tree()->topLevelItemCount(), 8);
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/out"))); // nothing applied yet
        // Plan changes nothing: a project without state gets no state folder (not even for run history).
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/.alchemy")));
        QVERIFY(!c->upButton()->isEnabled()); // the confirmation is open
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QCOMPARE(int(up->request.phase), int(Phase::Up));
        QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(up->report.counts.created, 8);

        // Files on disk.
        QCOMPARE(test::readFile(project + QStringLiteral("/out/README.txt")).left(21),
                 QByteArray("Made by the Athanor d"));
        QVERIFY(test::readFile(project + QStringLiteral("/out/site/version.txt")).startsWith("1.0."));
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/out/NOTES.txt")));
        QCOMPARE(test::readFile(project + QStringLiteral("/out/site/key.fingerprint")).trimmed().size(), 16);

        // The tree shows the new records, the task list and the log tell the story.
        QTRY_COMPARE_WITH_TIMEOUT(test::treeStatus(h.window.get(), QStringLiteral("demo/dev/build")),
                                  StatusCategory::Created, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(
            test::treeStatus(h.window.get(), QStringLiteral("demo/dev/site/smoke-test")),
            StatusCategory::Created, 10000);
        TaskListModel* tasks = c->controller()->taskModel();
        QAbstractItemModelTester taskTester(tasks, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(tasks->rowCount(), 8);
        for (int r = 0; r < tasks->rowCount(); ++r)
            QCOMPARE(tasks->state(r), TaskListModel::State::Done);
        QCOMPARE(c->progressBar()->value(), 8);
        const LogModel* log = c->controller()->logModel();
        QVERIFY(test::hasLogLine(log, QStringLiteral("[created]   build Created Resource")));
        QVERIFY(test::hasLogLine(log, QStringLiteral("[created]   site > version Created Resource")));
        QVERIFY(test::hasLogLine(log, QStringLiteral("Up succeeded")));
        QVERIFY(c->summary()->text().contains(QStringLiteral("Up succeeded")));

        // Read: every declared resource's outputs, the secret masked until revealed.
        QTRY_VERIFY(c->readButton()->isEnabled());
        QTest::mouseClick(c->readButton(), Qt::LeftButton);
        auto read = test::waitRun(c, kRunTimeout);
        QVERIFY(read);
        QVERIFY2(read->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        OutputsModel* outputs = c->outputsModel();
        QAbstractItemModelTester outputsTester(outputs,
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(outputs->resourceCount(), 8);
        QVERIFY(outputs->secretCount() >= 1);
        int secretRow = -1;
        for (int r = 0; r < outputs->rowCount(); ++r)
            if (outputs->index(r, 0).data(OutputsModel::FqnRole).toString() ==
                    QStringLiteral("demo/dev/api-key") &&
                outputs->index(r, OutputsModel::PropertyColumn).data().toString() == QStringLiteral("value"))
                secretRow = r;
        QVERIFY(secretRow >= 0);
        QCOMPARE(outputs->index(secretRow, OutputsModel::ValueColumn).data().toString(),
                 OutputsModel::maskedText());
        const std::string exported = outputs->exportJson().dump();
        QVERIFY(exported.find("demo/dev/api-key") != std::string::npos);
        outputs->setRevealSecrets(true);
        const QString plaintext = outputs->index(secretRow, OutputsModel::ValueColumn).data().toString();
        QCOMPARE(plaintext.size(), 32);
        QVERIFY(exported.find(plaintext.toStdString()) == std::string::npos); // exported while masked
        QVERIFY(outputs->exportJson().dump().find(plaintext.toStdString()) != std::string::npos);
        outputs->setRevealSecrets(false);
        QCOMPARE(outputs->index(secretRow, OutputsModel::ValueColumn).data().toString(),
                 OutputsModel::maskedText());

        // Run history: up, read (the first plan ran before any state existed, so it left no record); a past
        // run's log reopens in the log pane.
        RunHistoryModel* history = c->historyModel();
        QAbstractItemModelTester historyTester(history,
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(history->rowCount(), 2); // listed off the GUI thread after each run
        int upRow = -1;
        for (int r = 0; r < history->rowCount(); ++r)
            if (history->entry(r).phase == Phase::Up)
                upRow = r;
        QVERIFY(upRow >= 0);
        // The plan run says what Up would have done, not "nothing changed".
        for (int r = 0; r < history->rowCount(); ++r)
            if (history->entry(r).phase == Phase::Plan)
                QCOMPARE(history->index(r, RunHistoryModel::CountsColumn).data().toString(),
                         QStringLiteral("8 to create"));
        QCOMPARE(history->entry(upRow).end, RunEnd::Succeeded);
        QCOMPARE(history->entry(upRow).counts.created, 8);
        c->openHistoryLog(upRow);
        QTRY_VERIFY(c->logPane()->showingArchive()); // read off the GUI thread
        QVERIFY(test::hasLogLine(c->logPane()->shownModel(),
                                 QStringLiteral("[created]   build Created Resource")));
        // Beside the past log, the past run's task list: all eight created.
        auto* taskView = c->findChild<QTreeView*>(QStringLiteral("taskView"));
        QVERIFY(taskView);
        auto* pastTasks = qobject_cast<TaskListModel*>(taskView->model());
        QVERIFY(pastTasks && pastTasks != c->controller()->taskModel());
        QCOMPARE(pastTasks->rowCount(), 8);
        QCOMPARE(pastTasks->doneCount(), 8);
        c->logPane()->showLive();
        QCOMPARE(taskView->model(), c->controller()->taskModel());

        // How many runs of a stage are kept: 1 removes the Up now, and the Destroy below replaces the Read.
        RunHistoryTab* historyTab = c->historyTab();
        QCOMPARE(historyTab->keepBox()->value(), 100);
        historyTab->keepBox()->setValue(1);
        QTRY_COMPARE(history->rowCount(), 1);
        QVERIFY(history->entry(0).phase == Phase::Read);
        QCOMPARE(athanor::runHistorySettingsIn((project + QStringLiteral("/.alchemy/.athanor")).toStdString())
                     .keep,
                 1);

        // Destroy: a wrong name refuses, the right one removes everything.
        QTRY_VERIFY(c->destroyButton()->isEnabled());
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        // The engine's dry run first (off the GUI thread), then the dialog with what it will delete.
        QTRY_VERIFY(qobject_cast<DestroyConfirmDialog*>(c->pendingDialog()));
        auto* confirm = qobject_cast<DestroyConfirmDialog*>(c->pendingDialog());
        QCOMPARE(confirm->list()->topLevelItemCount(), 8);
        QVERIFY(!confirm->isProductionWarningShown());
        QTest::keyClicks(confirm->nameEdit(), QStringLiteral("Dev"));
        QVERIFY(!confirm->destroyButton()->isEnabled());
        confirm->accept(); // even forced, a wrong name is refused
        QVERIFY(confirm->isVisible());
        QVERIFY(!c->controller()->isRunning());
        QVERIFY(QFileInfo::exists(project + QStringLiteral("/out/README.txt")));
        confirm->nameEdit()->clear();
        QTest::keyClicks(confirm->nameEdit(), QStringLiteral("dev"));
        QVERIFY(confirm->destroyButton()->isEnabled());
        QTest::mouseClick(confirm->destroyButton(), Qt::LeftButton);
        auto destroyed = test::waitRun(c, kRunTimeout);
        QVERIFY(destroyed);
        QCOMPARE(int(destroyed->request.phase), int(Phase::Destroy));
        QVERIFY2(destroyed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(destroyed->report.counts.deleted, 8);
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/out")));
        const auto snapshot = loadSnapshot(project.toStdString());
        for (const auto& r : snapshot->records)
            QVERIFY2(r.fqn.rfind("demo/dev/", 0) != 0, r.fqn.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(test::treeStatus(h.window.get(), QStringLiteral("demo/dev/build")),
                                  StatusCategory::None, 10000);
        QTRY_VERIFY(!c->destroyButton()->isEnabled());
        // The Destroy was recorded and the Read before it removed: one run, its summary and log on disk.
        QTRY_VERIFY(history->rowCount() == 1 && history->entry(0).phase == Phase::Destroy);
        QCOMPARE(QDir(project + QStringLiteral("/.alchemy/.athanor/runs")).entryList(QDir::Files).size(), 3);
        QVERIFY(historyTab->statusText().startsWith(QStringLiteral("1 run kept in ")));
    }

    // Issue 10: the built-in engine's Destroy on a stage holding kinds it has no provider for (real Alchemy's
    // custom test::Bundle / test::Manifest) is refused before the confirmation: the engine's dry run runs off
    // the GUI thread, no dialog promises deletions, the banner names the kinds, and nothing on disk changes.
    void destroyOfUnknownKindsIsRefusedBeforeTheConfirmation() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("shop"));
        test::copyTree(test::fixture(QStringLiteral("app-stages/03-up-dev-again")), project);
        const auto before = test::treeHash(project);
        QVERIFY(before.size() > 20);
        Harness h = open(project);
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->destroyButton()->isEnabled());
        QCOMPARE(c->stage(), QStringLiteral("dev"));
        QSignalSpy started(c, &DeployConsole::runStarted);
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        QVERIFY(!c->pendingDialog()); // the engine looks first; nothing is promised yet
        QTRY_VERIFY_WITH_TIMEOUT(c->summary()->isVisible(), kRunTimeout);
        const QString text = c->summary()->text();
        QVERIFY2(text.contains(QStringLiteral("Destroy refused")) && text.contains(QStringLiteral("dev")) &&
                     text.contains(QStringLiteral("test::Bundle")) &&
                     text.contains(QStringLiteral("test::Manifest")),
                 qPrintable(text));
        QCOMPARE(c->summary()->tone(), RunSummaryWidget::Tone::Danger);
        QVERIFY(c->summary()->actionButton()->isHidden()); // no program in this folder to offer
        QVERIFY(!c->pendingDialog());
        for (QWidget* w : QApplication::topLevelWidgets())
            QVERIFY2(!qobject_cast<QDialog*>(w) || !w->isVisible(), qPrintable(w->objectName()));
        QCOMPARE(started.count(), 0);
        QTRY_VERIFY(c->destroyButton()->isEnabled()); // the gate opens again
        QCOMPARE(test::treeHash(project), before);
        test::saveScreenshot(h.window.get(), QStringLiteral("deploy-destroy-refused-before-confirm-light"));
    }

    // Issue 10: what the destroy dialog lists is the engine's dry run of that destroy, so it promises what
    // runs: a replaced copy awaiting cleanup (in a scope's pendingDeletions, not a record of its own) is
    // listed, and the list is the order the run deletes in.
    void destroyDialogListsWhatTheEngineDeletes() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        Harness h = open(project);
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 8);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up && up->end == RunEnd::Succeeded);
        const QString site = project + QStringLiteral("/.alchemy/demo/dev/site.json");
        QByteArray record = test::readFile(site);
        QVERIFY2(record.contains("\"data\": {}"), record.constData());
        record.replace("\"data\": {}",
                       "\"data\": {\"pendingDeletions\": [{\"resource\": {\"Symbol(alchemy::ResourceKind)\": "
                       "\"fs::File\", \"Symbol(alchemy::ResourceID)\": \"old-notes\", "
                       "\"Symbol(alchemy::ResourceFQN)\": \"demo/dev/site/old-notes\", "
                       "\"Symbol(alchemy::ResourceSeq)\": 0, \"path\": \"out/old-notes.txt\"}, "
                       "\"oldProps\": {\"path\": \"out/old-notes.txt\"}}]}");
        QVERIFY(test::writeFile(site, record));
        QVERIFY(test::writeFile(project + QStringLiteral("/out/old-notes.txt"), "replaced\n"));

        c->setParallel(1); // one deletion at a time: the order they start is the order they run
        QTRY_VERIFY(c->destroyButton()->isEnabled());
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<DestroyConfirmDialog*>(c->pendingDialog()), kRunTimeout);
        auto* confirm = qobject_cast<DestroyConfirmDialog*>(c->pendingDialog());
        QStringList promised;
        for (int i = 0; i < confirm->list()->topLevelItemCount(); ++i)
            promised << confirm->list()->topLevelItem(i)->text(0);
        QVERIFY2(promised.contains(QStringLiteral("site/old-notes")), qPrintable(promised.join(", ")));
        QCOMPARE(promised.size(), 9);

        QStringList deleting;
        connect(c->controller(), &RunController::eventsApplied, this,
                [&deleting](const std::vector<EngineEvent>& events) {
                    for (const auto& e : events)
                        if (e.type == EventType::Deleting || e.type == EventType::Cleanup) // a replaced copy
                            deleting << QString::fromStdString(e.fqn).section(QLatin1Char('/'), 2);
                });
        QTest::keyClicks(confirm->nameEdit(), QStringLiteral("dev"));
        QTest::mouseClick(confirm->destroyButton(), Qt::LeftButton);
        auto destroyed = test::waitRun(c, kRunTimeout);
        QVERIFY(destroyed);
        QVERIFY2(destroyed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(deleting, promised);
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/out")));
    }

    // The action bar's rules as a pure function of what the console knows: testable without a window.
    void availabilityWithoutAWindow() {
        const auto why = [](Phase phase, const DeployFacts& facts) {
            return DeployActionBar::whyNot(phase, facts);
        };
        const Phase all[] = {Phase::Plan, Phase::Up, Phase::Read, Phase::Destroy};
        DeployFacts f;
        for (Phase p : all)
            QVERIFY(why(p, f).contains(QStringLiteral("Open a project folder")));
        f.projectRoot = QStringLiteral("/work/shop");
        f.stage = QStringLiteral("dev");
        f.stackFile = QStringLiteral("/work/shop/alchemy.stack.json");
        f.resources = 3;
        for (Phase p : all)
            QVERIFY2(why(p, f).isEmpty(), qPrintable(why(p, f)));

        DeployFacts readOnly = f;
        readOnly.readOnly = true;
        QVERIFY(why(Phase::Up, readOnly).contains(QStringLiteral("read-only")));
        QVERIFY(why(Phase::Destroy, readOnly).contains(QStringLiteral("read-only")));
        QVERIFY(why(Phase::Plan, readOnly).isEmpty());
        QVERIFY(why(Phase::Read, readOnly).isEmpty());

        DeployFacts running = f;
        running.running = true;
        running.runningPhase = Phase::Destroy;
        running.runningStage = QStringLiteral("prod");
        QCOMPARE(why(Phase::Up, running),
                 QStringLiteral("Destroy is running on stage prod; wait for it or cancel it."));

        DeployFacts asking = f;
        asking.confirmationOpen = true;
        QCOMPARE(why(Phase::Read, asking), QStringLiteral("Answer the open confirmation first."));
        DeployFacts checking = f;
        checking.checkingDestroy = true;
        for (Phase p : all)
            QCOMPARE(why(p, checking), QStringLiteral("Checking what Destroy would delete on stage dev…"));

        DeployFacts noStage = f;
        noStage.stage.clear();
        QCOMPARE(why(Phase::Destroy, noStage), QStringLiteral("Choose a stage."));

        DeployFacts program = f;
        program.program = true;
        program.stackFile.clear();
        QVERIFY(why(Phase::Plan, program).contains(QStringLiteral("no dry run")));
        QVERIFY(why(Phase::Up, program).isEmpty());

        DeployFacts noStack = f;
        noStack.stackFile.clear();
        QVERIFY(why(Phase::Up, noStack).contains(QStringLiteral("No stack file")));
        QVERIFY(why(Phase::Destroy, noStack).isEmpty()); // destroy works from state alone
        DeployFacts brokenStack = f;
        brokenStack.stackError = QStringLiteral("line 3: expected ','");
        QCOMPARE(why(Phase::Read, brokenStack),
                 QStringLiteral("The stack file cannot be used: line 3: expected ','"));
        QVERIFY(why(Phase::Destroy, brokenStack).isEmpty());

        DeployFacts empty = f;
        empty.resources = 0;
        QVERIFY(why(Phase::Read, empty).contains(QStringLiteral("run Up first")));
        QVERIFY(why(Phase::Destroy, empty).contains(QStringLiteral("nothing in state")));
        QVERIFY(why(Phase::Up, empty).isEmpty());
    }

    void failureIsPinned() {
        QTemporaryDir tmp;
        QVERIFY(test::writeFile(
            tmp.filePath(QStringLiteral("alchemy.stack.json")),
            "{\"app\": \"pin\", \"resources\": {"
            "\"ok\": {\"kind\": \"fs::File\", \"props\": {\"path\": \"ok.txt\", \"content\": \"x\"}},"
            "\"broken\": {\"kind\": \"athanor::Command\", \"props\": {\"create\": "
            "\"echo 'disk on fire' >&2; exit 3\"}}}}"));
        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        c->setParallel(1);
        QVERIFY(test::pressUpAndConfirm(c, kRunTimeout) == 2);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QCOMPARE(up->end, RunEnd::Failed);
        QCOMPARE(QString::fromStdString(up->report.firstFailureFqn), QStringLiteral("pin/dev/broken"));
        const QString summary = c->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("First failure: broken")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("disk on fire")), qPrintable(summary));
        TaskListModel* tasks = c->controller()->taskModel();
        QCOMPARE(tasks->state(tasks->row(QStringLiteral("pin/dev/broken"))), TaskListModel::State::Failed);
        QCOMPARE(tasks->state(tasks->row(QStringLiteral("pin/dev/ok"))), TaskListModel::State::Done);
    }

    // Issue 9.7: running now, failed in the last run (with its error and a link to that run) and
    // interrupted are three things, in the tree, the stage summary and the record header, and the failure is
    // still known after a restart (run history).
    void runningFailedAndInterruptedAreTold() {
        QTemporaryDir tmp;
        const QString stack = tmp.filePath(QStringLiteral("alchemy.stack.json"));
        QVERIFY(test::writeFile(stack, slowStack(QStringLiteral("three"), 2, 2.5)));
        std::shared_ptr<const RunOutcome> failedUp;
        {
            Harness h = open(tmp.path());
            DeployConsole* c = h.console;
            QTRY_VERIFY(c->upButton()->isEnabled());
            c->setParallel(2);
            QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 2);
            // Both running: their records say "creating" on disk, the tree says running, never interrupted.
            QTRY_COMPARE_WITH_TIMEOUT(treeText(h.window.get(), QStringLiteral("three/dev")),
                                      QStringLiteral("2 running"), 20000);
            QCOMPARE(treeText(h.window.get(), QStringLiteral("three/dev/step0")), QStringLiteral("running"));
            QCOMPARE(test::treeStatus(h.window.get(), QStringLiteral("three/dev/step0")),
                     StatusCategory::Creating);
            QVERIFY(!h.window->findChild<QLabel*>(QStringLiteral("countsLabel"))
                         ->text()
                         .contains(QStringLiteral("interrupted")));
            auto up = test::waitRun(c, kRunTimeout);
            QVERIFY(up && up->end == RunEnd::Succeeded);
            QTRY_COMPARE_WITH_TIMEOUT(treeText(h.window.get(), QStringLiteral("three/dev/step1")),
                                      QStringLiteral("created"), 10000);
            QCOMPARE(treeText(h.window.get(), QStringLiteral("three/dev")), QString());

            // Now one that fails.
            QVERIFY(test::writeFile(
                stack,
                "{\"app\": \"three\", \"resources\": {"
                "\"ok\": {\"kind\": \"fs::File\", \"props\": {\"path\": \"ok.txt\", \"content\": \"x\"}},"
                "\"broken\": {\"kind\": \"athanor::Command\", \"props\": {\"create\": "
                "\"echo 'disk on fire' >&2; exit 3\"}}}}"));
            c->setStackFile(stack);
            QTRY_VERIFY(c->upButton()->isEnabled());
            QVERIFY(test::pressUpAndConfirm(c, kRunTimeout) >= 1);
            failedUp = test::waitRun(c, kRunTimeout);
            QVERIFY(failedUp && failedUp->end == RunEnd::Failed);
            QTRY_COMPARE_WITH_TIMEOUT(treeText(h.window.get(), QStringLiteral("three/dev/broken")),
                                      QStringLiteral("failed"), 10000);
            QTRY_COMPARE(treeText(h.window.get(), QStringLiteral("three/dev")), QStringLiteral("1 failed"));
        }

        // After a restart the failure comes back from run history.
        Harness h = open(tmp.path());
        MainWindow* w = h.window.get();
        QTRY_COMPARE_WITH_TIMEOUT(treeText(w, QStringLiteral("three/dev/broken")), QStringLiteral("failed"),
                                  10000);
        QVERIFY(w->treeModel()
                    ->indexForFqn(QStringLiteral("three/dev/broken"))
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("disk on fire")));
        QVERIFY(w->selectFqn(QStringLiteral("three/dev/broken")));
        RecordHeader* header = w->details()->header();
        QTRY_COMPARE(header->badgeText(), QStringLiteral("creating — failed in the last run"));
        QVERIFY2(header->noteText().contains(QStringLiteral("disk on fire")), qPrintable(header->noteText()));
        // The link opens that run's log beside its task list.
        auto* note = header->findChild<QLabel*>(QStringLiteral("headerNote"));
        QVERIFY(note && note->isVisible());
        const QString text = note->text();
        const qsizetype href = text.indexOf(QStringLiteral("href=\""));
        QVERIFY(href >= 0);
        const QString link = text.mid(href + 6, text.indexOf(QLatin1Char('"'), href + 6) - href - 6);
        emit note->linkActivated(QTextDocumentFragment::fromHtml(link).toPlainText());
        QTRY_VERIFY(h.console->logPane()->showingArchive()); // the log is read off the GUI thread
        QVERIFY(test::hasLogLine(h.console->logPane()->shownModel(), QStringLiteral("disk on fire")));
        QCOMPARE(QFileInfo(failedUp->logFile).fileName(),
                 QFileInfo(QTextDocumentFragment::fromHtml(link).toPlainText()).fileName());

        // A record left in flight that no run explains (its process died) is interrupted.
        const QString okFile = tmp.filePath(QStringLiteral(".alchemy/three/dev/ok.json"));
        QByteArray ok = test::readFile(okFile);
        QVERIFY(ok.contains("\"status\": \"created\""));
        ok.replace("\"status\": \"created\"", "\"status\": \"updating\"");
        QVERIFY(test::writeFile(okFile, ok));
        QTRY_COMPARE_WITH_TIMEOUT(treeText(w, QStringLiteral("three/dev/ok")), QStringLiteral("interrupted"),
                                  10000);
        QCOMPARE(treeText(w, QStringLiteral("three/dev")), QStringLiteral("1 failed · 1 interrupted"));
        QVERIFY(w->findChild<QLabel*>(QStringLiteral("countsLabel"))
                    ->text()
                    .contains(QStringLiteral("1 failed · 1 interrupted")));
        QVERIFY(w->selectFqn(QStringLiteral("three/dev/ok")));
        QTRY_COMPARE(header->badgeText(), QStringLiteral("updating — interrupted"));
        // The stage summary counts and lists them apart.
        QVERIFY(w->selectFqn(QStringLiteral("three/dev")));
        QTRY_VERIFY(w->details()->isShowingSummary());
        const QString summary = w->details()->summaryView()->toPlainText();
        const QString attention =
            summary.section(QStringLiteral("Needs attention"), 1).section(QStringLiteral("By status"), 0, 0);
        const QString failedLine = attention.section(QStringLiteral("failed"), 1);
        QVERIFY2(failedLine.contains(QStringLiteral("three/dev/broken")) &&
                     failedLine.contains(QStringLiteral("disk on fire")),
                 qPrintable(summary));
        QVERIFY2(attention.section(QStringLiteral("interrupted"), 1).contains(QStringLiteral("three/dev/ok")),
                 qPrintable(summary));
        const QString byStatus = summary.section(QStringLiteral("By status"), 1);
        for (const char* pill : {"created", "failed", "interrupted"})
            QVERIFY2(byStatus.contains(QLatin1String(pill)), qPrintable(summary));
        QVERIFY(!byStatus.contains(QStringLiteral("creating")) &&
                !byStatus.contains(QStringLiteral("updating")));
    }

    void cancelLeavesEveryRecordConsistent() {
        QTemporaryDir tmp;
        QVERIFY(test::writeFile(tmp.filePath(QStringLiteral("alchemy.stack.json")),
                                slowStack(QStringLiteral("slow"), 6, 0.6)));
        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        c->setParallel(1);
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 6);
        QSignalSpy finished(c, &DeployConsole::runFinished);
        TaskListModel* tasks = c->controller()->taskModel();
        QTRY_VERIFY_WITH_TIMEOUT(tasks->doneCount() >= 1, 20000);
        QVERIFY(c->cancelButton()->isEnabled());
        QTest::mouseClick(c->cancelButton(), Qt::LeftButton);
        // Still enabled, as the second step: "Stop now" would kill the running command.
        QCOMPARE(c->cancelButton()->text(), QStringLiteral("Stop now"));
        QVERIFY(c->cancelButton()->isEnabled());
        QVERIFY(finished.wait(kRunTimeout));
        auto outcome = finished.at(0).at(0).value<std::shared_ptr<const RunOutcome>>();
        QCOMPARE(outcome->end, RunEnd::Cancelled);
        QVERIFY(c->summary()->text().contains(QStringLiteral("cancelled")));
        QCOMPARE(c->cancelButton()->text(), QStringLiteral("Cancel run"));
        QVERIFY(!c->cancelButton()->isEnabled());

        // Every record is created or was never started: the resource running at cancel time finished.
        const auto snapshot = loadSnapshot(tmp.path().toStdString());
        int created = 0, absent = 0;
        for (int i = 0; i < 6; ++i) {
            const std::string fqn = "slow/dev/step" + std::to_string(i);
            const SnapshotRecord* r = snapshot->findRecord(fqn);
            if (!r) {
                ++absent;
                continue;
            }
            QVERIFY2(r->ok(), r->error.c_str());
            QCOMPARE(QString::fromStdString(r->status), QStringLiteral("created"));
            QCOMPARE(tasks->state(tasks->row(QString::fromStdString(fqn))), TaskListModel::State::Done);
            ++created;
        }
        QVERIFY(created >= 2); // the one done before the cancel and the one running at the time
        QVERIFY(absent >= 1);
        QCOMPARE(outcome->report.counts.created, created);
        int notStarted = 0;
        for (int r = 0; r < tasks->rowCount(); ++r) {
            QVERIFY(tasks->state(r) != TaskListModel::State::Running);
            notStarted += tasks->state(r) == TaskListModel::State::NotStarted ? 1 : 0;
        }
        QCOMPARE(notStarted, absent);

        // Consistent means resumable: the next Up finishes the job.
        c->setParallel(6);
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), absent);
        auto resumed = test::waitRun(c, kRunTimeout);
        QVERIFY(resumed);
        QVERIFY2(resumed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(resumed->report.counts.created, absent);
    }

    void stopNowKillsTheRunningCommand() {
        QTemporaryDir tmp;
        QVERIFY(test::writeFile(tmp.filePath(QStringLiteral("alchemy.stack.json")),
                                slowStack(QStringLiteral("stuck"), 2, 30)));
        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        c->setParallel(1);
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 2);
        QSignalSpy finished(c, &DeployConsole::runFinished);
        TaskListModel* tasks = c->controller()->taskModel();
        QTRY_VERIFY_WITH_TIMEOUT(tasks->state(tasks->row(QStringLiteral("stuck/dev/step0"))) ==
                                     TaskListModel::State::Running,
                                 20000);
        QElapsedTimer timer;
        timer.start();
        QTest::mouseClick(c->cancelButton(), Qt::LeftButton); // cancel: step0 would still run for 30 s
        QTest::mouseClick(c->cancelButton(), Qt::LeftButton); // stop now
        QVERIFY(!c->cancelButton()->isEnabled());
        QVERIFY(finished.wait(kRunTimeout));
        QVERIFY(timer.elapsed() < 15000);
        QCOMPARE(finished.at(0).at(0).value<std::shared_ptr<const RunOutcome>>()->end, RunEnd::Cancelled);
        QVERIFY(test::hasLogLine(c->controller()->logModel(), QStringLiteral("Stop requested")));
        // The killed resource says so in state (the next Up resumes it); the other never started.
        const auto snapshot = loadSnapshot(tmp.path().toStdString());
        const SnapshotRecord* step0 = snapshot->findRecord("stuck/dev/step0");
        QVERIFY(step0);
        QCOMPARE(QString::fromStdString(step0->status), QStringLiteral("creating"));
        QVERIFY(!snapshot->findRecord("stuck/dev/step1"));
        QCOMPARE(tasks->state(tasks->row(QStringLiteral("stuck/dev/step0"))), TaskListModel::State::Failed);
    }

    void lockedStageNamesTheHolder() {
        const QString ctl = QStringLiteral(ATHANOR_BIN_DIR) + QStringLiteral("/athanorctl");
        if (!QFileInfo::exists(ctl))
            QFAIL("athanorctl is not built (tst_deploy depends on it: build the whole tree)");
        QTemporaryDir tmp;
        const QString stack = tmp.filePath(QStringLiteral("alchemy.stack.json"));
        QVERIFY(test::writeFile(stack, slowStack(QStringLiteral("locked"), 1, 5)));
        QProcess other;
        other.setProgram(ctl);
        other.setArguments({QStringLiteral("up"), stack, QStringLiteral("--stage"), QStringLiteral("dev")});
        other.setProcessChannelMode(QProcess::MergedChannels);
        other.start();
        QVERIFY(other.waitForStarted());
        const QString lockFile = tmp.filePath(QStringLiteral(".alchemy/.athanor/locks/locked/dev.lock"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(lockFile), 20000);

        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        QVERIFY(test::pressUpAndConfirm(c, kRunTimeout) >= 0); // plan takes no lock
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QCOMPARE(up->end, RunEnd::LockHeld);
        QVERIFY(up->lock);
        QCOMPARE(up->lock->pid, other.processId());
        QCOMPARE(up->lock->operation, QStringLiteral("up"));
        const QString summary = c->summary()->text();
        QVERIFY2(summary.contains(QStringLiteral("pid %1").arg(other.processId())), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("locked")));
        QVERIFY(test::hasLogLine(c->controller()->logModel(),
                                 QStringLiteral("is locked by pid %1").arg(other.processId())));
        QVERIFY(other.waitForFinished(30000));
        QCOMPARE(other.exitCode(), 0);
    }

    // The tree's "failed in the last run" marks come from the run history's logs: the last up or destroy of
    // each stage decides (plan and read, which write no records, are passed over by their file names).
    void lastRunFailuresComeFromTheLastWritingRun() {
        const QString ctl = QStringLiteral(ATHANOR_BIN_DIR) + QStringLiteral("/athanorctl");
        if (!QFileInfo::exists(ctl))
            QFAIL("athanorctl is not built (tst_deploy depends on it: build the whole tree)");
        QTemporaryDir tmp;
        const QString stack = tmp.filePath(QStringLiteral("alchemy.stack.json"));
        QVERIFY(test::writeFile(stack, R"({"app": "marks", "resources": {
            "good": {"kind": "fs::File", "props": {"path": "out/good.txt", "content": "g"}},
            "bad": {"kind": "fs::File", "props": {"path": "blocker/bad.txt", "content": "b"}}}})"));
        QVERIFY(test::writeFile(tmp.filePath(QStringLiteral("blocker")), "a file where a folder must be"));
        const auto athanorctl = [&](const QString& phase) {
            QProcess run;
            run.setWorkingDirectory(tmp.path());
            run.start(ctl, {phase, stack, QStringLiteral("--stage"), QStringLiteral("dev"),
                            QStringLiteral("--quiet")});
            return run.waitForFinished(60000) ? run.exitCode() : -1;
        };
        const QString home = tmp.filePath(QStringLiteral(".alchemy/.athanor"));
        QCOMPARE(athanorctl(QStringLiteral("up")), 1);
        // A read after it touches every resource: were it taken for the last run, it would clear the marks.
        QCOMPARE(athanorctl(QStringLiteral("read")), 0);
        QCOMPARE(athanorctl(QStringLiteral("plan")), 0);
        auto failures = RunHistoryStore::lastRunFailures(home);
        QCOMPARE(failures.keys(), QList<QString>{QStringLiteral("marks/dev/bad")});
        QVERIFY(failures.value(QStringLiteral("marks/dev/bad")).phase == Phase::Up);
        QVERIFY2(failures.value(QStringLiteral("marks/dev/bad")).error.contains(QStringLiteral("blocker")),
                 qPrintable(failures.value(QStringLiteral("marks/dev/bad")).error));

        QVERIFY(QFile::remove(tmp.filePath(QStringLiteral("blocker"))));
        QCOMPARE(athanorctl(QStringLiteral("up")), 0);
        QVERIFY(RunHistoryStore::lastRunFailures(home).isEmpty());
    }

    void closingDuringARunAsksThenCancels() {
        QTemporaryDir tmp;
        QVERIFY(test::writeFile(tmp.filePath(QStringLiteral("alchemy.stack.json")),
                                slowStack(QStringLiteral("closing"), 5, 0.7)));
        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(c->upButton()->isEnabled());
        c->setParallel(1);
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 5);
        QTRY_VERIFY(c->controller()->isRunning());
        QSignalSpy finished(c, &DeployConsole::runFinished);
        QVERIFY(!h.window->close()); // refused while running: it asks first
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = h.window->findChild<QMessageBox*>(QStringLiteral("closeDuringRun"))) != nullptr);
        box->button(QMessageBox::Yes)->click();
        QVERIFY(finished.wait(kRunTimeout));
        QCOMPARE(finished.at(0).at(0).value<std::shared_ptr<const RunOutcome>>()->end, RunEnd::Cancelled);
        QTRY_VERIFY(!h.window->isVisible());
    }

    void readOnlyHidesUpAndDestroy() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        Harness h = open(project, true);
        DeployConsole* c = h.console;
        QTRY_VERIFY(!c->projectRoot().isEmpty());
        QVERIFY(c->upButton()->isHidden());
        QVERIFY(c->destroyButton()->isHidden());
        QVERIFY(!c->planButton()->isHidden());
        QVERIFY(!c->whyNot(Phase::Up).isEmpty());
        c->up();
        QVERIFY(!c->controller()->isRunning());
    }

    void productionStagesAreFlagged() {
        QVERIFY(looksLikeProduction(QStringLiteral("prod")));
        QVERIFY(looksLikeProduction(QStringLiteral("Production")));
        QVERIFY(looksLikeProduction(QStringLiteral("live")));
        QVERIFY(looksLikeProduction(QStringLiteral("eu-prod")));
        QVERIFY(!looksLikeProduction(QStringLiteral("dev")));
        QVERIFY(!looksLikeProduction(QStringLiteral("product-demo")));
        DestroyConfirmDialog prod(
            QStringLiteral("shop"), QStringLiteral("prod"),
            {{QStringLiteral("shop/prod/db"), QStringLiteral("fs::File"), QStringLiteral("created")}});
        QVERIFY(prod.isProductionWarningShown());
        QVERIFY(!prod.destroyButton()->isEnabled());
        DestroyConfirmDialog dev(QStringLiteral("shop"), QStringLiteral("dev"), {});
        QVERIFY(!dev.isProductionWarningShown());
    }

    // Issue 9.21: the banner's colour comes from the palette in use. Showing it again and again never darkens
    // it (mixing from its own painted background did), and a theme switch repaints a banner already shown.
    void runBannerFollowsThePalette() {
        m_theme->apply(Theme::Mode::Light);
        QWidget host;
        auto* layout = new QVBoxLayout(&host);
        auto* banner = new RunSummaryWidget(&host);
        layout->addWidget(banner);
        host.resize(600, 80);
        host.show();
        QVERIFY(QTest::qWaitForWindowExposed(&host));
        // The colour users see: a pixel of the banner's background, away from its text and borders.
        auto background = [banner] {
            const QImage image = banner->grab().toImage();
            return image.pixelColor(image.width() - 12, image.height() / 2);
        };
        auto expected = [](RunSummaryWidget::Tone tone) {
            const ThemeColors colors(QApplication::palette());
            const QColor fg = tone == RunSummaryWidget::Tone::Success   ? colors.success()
                              : tone == RunSummaryWidget::Tone::Warning ? colors.warning()
                                                                        : colors.danger();
            return colors.badgeBackground(fg);
        };
        auto near = [](const QColor& a, const QColor& b) {
            return std::abs(a.red() - b.red()) <= 2 && std::abs(a.green() - b.green()) <= 2 &&
                   std::abs(a.blue() - b.blue()) <= 2;
        };
        for (int run = 0; run < 6; ++run) {
            banner->showMessage(QStringLiteral("Up succeeded"), RunSummaryWidget::Tone::Success);
            QVERIFY2(
                near(background(), expected(RunSummaryWidget::Tone::Success)),
                qPrintable(QStringLiteral("run %1: %2, expected %3")
                               .arg(run)
                               .arg(background().name(), expected(RunSummaryWidget::Tone::Success).name())));
        }
        banner->showMessage(QStringLiteral("Up cancelled"), RunSummaryWidget::Tone::Warning);
        QVERIFY2(near(background(), expected(RunSummaryWidget::Tone::Warning)),
                 qPrintable(background().name() + QStringLiteral(" vs ") +
                            expected(RunSummaryWidget::Tone::Warning).name()));

        // Dark theme: the banner shown before the switch takes the dark palette's colours.
        const QColor light = background();
        m_theme->apply(Theme::Mode::Dark);
        QTRY_VERIFY2(near(background(), expected(RunSummaryWidget::Tone::Warning)),
                     qPrintable(background().name() + QStringLiteral(" vs ") +
                                expected(RunSummaryWidget::Tone::Warning).name()));
        QVERIFY(background().lightness() < light.lightness());
        for (int run = 0; run < 4; ++run)
            banner->showMessage(QStringLiteral("Destroy failed"), RunSummaryWidget::Tone::Danger);
        QVERIFY(near(background(), expected(RunSummaryWidget::Tone::Danger)));
        m_theme->apply(Theme::Mode::Light);
        QTRY_VERIFY(near(background(), expected(RunSummaryWidget::Tone::Danger)));
    }

    // Issue 9.23: a project whose state holds only another stage than the default one starts on that stage,
    // not on "dev (new)".
    void stageSelectorPrefersAnExistingStage() {
        QTemporaryDir tmp;
        test::copyTree(test::fixture(QStringLiteral("app-stages/02-up-prod/.alchemy")),
                       tmp.filePath(QStringLiteral(".alchemy")));
        QVERIFY(QDir(tmp.filePath(QStringLiteral(".alchemy/shop/dev"))).removeRecursively());
        QVERIFY(QFile::remove(tmp.filePath(QStringLiteral(".alchemy/shop/dev.json"))) ||
                !QFileInfo::exists(tmp.filePath(QStringLiteral(".alchemy/shop/dev.json"))));
        Harness h = open(tmp.path());
        DeployConsole* c = h.console;
        QTRY_VERIFY(!c->projectRoot().isEmpty());
        QComboBox* stages = c->stageSelector();
        auto listsProd = [stages] {
            for (int i = 0; i < stages->count(); ++i)
                if (stages->itemText(i).startsWith(QStringLiteral("prod  (")))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(listsProd(), 10000); // the snapshot has arrived
        QCOMPARE(c->stage(), QStringLiteral("prod"));
        QVERIFY2(!stages->currentText().contains(QStringLiteral("(new)")), qPrintable(stages->currentText()));
        for (int i = 0; i < stages->count(); ++i)
            QVERIFY2(!stages->itemText(i).contains(QStringLiteral("dev")), qPrintable(stages->itemText(i)));
        // A stage the user asks for is still offered as new.
        c->setStage(QStringLiteral("dev"));
        QCOMPARE(c->stage(), QStringLiteral("dev"));
        QVERIFY(stages->currentText().contains(QStringLiteral("(new)")));
    }

    // Issue 9.26: Enter after typing the stage name destroys (it used to press the default Cancel silently);
    // Enter with a wrong name keeps the dialog open and says why.
    void enterInDestroyDialogConfirms() {
        DestroyConfirmDialog dialog(
            QStringLiteral("shop"), QStringLiteral("dev"),
            {{QStringLiteral("shop/dev/db"), QStringLiteral("fs::File"), QStringLiteral("created")}});
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        QSignalSpy rejected(&dialog, &QDialog::rejected);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.activateWindow();
        dialog.nameEdit()->setFocus();
        QTRY_COMPARE(dialog.focusWidget(), static_cast<QWidget*>(dialog.nameEdit()));
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("de"));
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Return);
        QVERIFY(dialog.isVisible());
        QCOMPARE(rejected.count(), 0);
        QCOMPARE(accepted.count(), 0);
        auto* hint = dialog.findChild<QLabel*>(QStringLiteral("destroyHint"));
        QVERIFY(hint);
        QVERIFY2(hint->text().contains(QStringLiteral("dev")), qPrintable(hint->text()));
        QTest::keyClicks(dialog.nameEdit(), QStringLiteral("v"));
        QTest::keyClick(dialog.nameEdit(), Qt::Key_Enter, Qt::KeypadModifier);
        QCOMPARE(rejected.count(), 0);
        QCOMPARE(accepted.count(), 1);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(!dialog.isVisible());
    }

    // Issue 9.26: Plan's dialog says Plan (what Up would do); only the confirmation in front of Up says Up.
    void planDialogIsTitledPlan() {
        PlannedChange create;
        create.action = PlannedChange::Action::Create;
        create.fqn = "shop/dev/db";
        create.kind = "fs::File";
        const std::vector<PlannedChange> plan{create};
        auto headingOf = [](const PlanDialog& dialog) {
            auto* heading = dialog.findChild<QLabel*>(QStringLiteral("planHeading"));
            return heading ? QTextDocumentFragment::fromHtml(heading->text()).toPlainText() : QString();
        };
        PlanDialog review(PlanDialog::Mode::Review, QStringLiteral("shop"), QStringLiteral("dev"), plan);
        QCOMPARE(review.windowTitle(), QStringLiteral("Plan for dev"));
        QVERIFY2(headingOf(review).startsWith(QStringLiteral("Plan for app shop, stage dev")),
                 qPrintable(headingOf(review)));
        QVERIFY(!review.applyButton());
        PlanDialog confirm(PlanDialog::Mode::Confirm, QStringLiteral("shop"), QStringLiteral("dev"), plan);
        QVERIFY2(headingOf(confirm).startsWith(QStringLiteral("Up on app shop, stage dev")),
                 qPrintable(headingOf(confirm)));
        QVERIFY(confirm.applyButton());
    }

    // Issue 9.24: after a run, the task table shows Status, Duration and Message inside its viewport, with no
    // horizontal scrollbar, at 1400x900 and at 1024x700 (the resource and kind columns give up width).
    void taskTableFitsWithoutScrolling() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        QSettings().remove(QStringLiteral("window"));
        Harness h = open(project);
        DeployConsole* c = h.console;
        QVERIFY(QTest::qWaitForWindowExposed(h.window.get()));
        QTRY_VERIFY(c->upButton()->isEnabled());
        QCOMPARE(test::pressUpAndConfirm(c, kRunTimeout), 8);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up && up->end == RunEnd::Succeeded);
        QTreeView* tasks = c->taskView();
        QHeaderView* header = tasks->header();
        for (const QSize size : {QSize(1400, 900), QSize(1024, 700)}) {
            h.window->resize(size);
            // The width is what matters; the height may stop at the window's minimum (other panes' needs).
            QTRY_COMPARE(h.window->width(), size.width());
            QTest::qWait(50); // the splitter and the header settle on the event loop
            const QString where = QStringLiteral("%1x%2: view %3, sections %4")
                                      .arg(size.width())
                                      .arg(size.height())
                                      .arg(tasks->viewport()->width())
                                      .arg([&] {
                                          QStringList s;
                                          for (int col = 0; col < header->count(); ++col)
                                              s << QString::number(header->sectionSize(col));
                                          return s.join(QLatin1Char(','));
                                      }());
            test::saveScreenshot(h.window.get(),
                                 QStringLiteral("task-table-%1x%2").arg(size.width()).arg(size.height()));
            QVERIFY2(!tasks->horizontalScrollBar()->isVisible(), qPrintable(where));
            for (const int col : {int(TaskListModel::ActionColumn), int(TaskListModel::DurationColumn),
                                  int(TaskListModel::MessageColumn)}) {
                QVERIFY2(header->sectionViewportPosition(col) >= 0, qPrintable(where));
                QVERIFY2(header->sectionViewportPosition(col) + header->sectionSize(col) <=
                             tasks->viewport()->width(),
                         qPrintable(where));
            }
            QVERIFY2(header->sectionSize(TaskListModel::MessageColumn) >= 80, qPrintable(where));
            // Names stay readable: the resource column keeps a useful width.
            QVERIFY2(header->sectionSize(TaskListModel::ResourceColumn) >= 100, qPrintable(where));
        }
    }

    void taskListFollowsEvents() {
        TaskListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy progress(&model, &TaskListModel::progressChanged);
        model.reset({{QStringLiteral("a/dev/x"), QStringLiteral("fs::File")},
                     {QStringLiteral("a/dev/y"), QString()}});
        auto event = [](EventType type, const char* fqn, double ms = 0, const char* message = "") {
            EngineEvent e;
            e.type = type;
            e.fqn = fqn;
            e.kind = "fs::File";
            e.durationMs = ms;
            e.message = message;
            return e;
        };
        EngineEvent started;
        started.type = EventType::RunStarted;
        started.total = 3;
        model.apply(started);
        QCOMPARE(model.totalCount(), 3);
        model.apply(event(EventType::Creating, "a/dev/x"));
        QCOMPARE(model.state(0), TaskListModel::State::Running);
        model.apply(event(EventType::Created, "a/dev/x", 12));
        QCOMPARE(model.state(0), TaskListModel::State::Done);
        QCOMPARE(model.index(0, TaskListModel::StatusColumn).data().toString(), QStringLiteral("✓"));
        QCOMPARE(model.index(0, TaskListModel::DurationColumn).data().toString(), QStringLiteral("12 ms"));
        model.apply(event(EventType::Failed, "a/dev/z", 3, "exit code 3\nmore"));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(2, TaskListModel::MessageColumn).data().toString(),
                 QStringLiteral("exit code 3"));
        QCOMPARE(model.index(1, TaskListModel::KindColumn).data().toString(), QString());
        QCOMPARE(model.doneCount(), 2);
        model.finish();
        QCOMPARE(model.state(1), TaskListModel::State::NotStarted);
        QVERIFY(!progress.isEmpty());
    }

    // The stack file is read off the GUI thread: right after it is set the dock says it is reading it and
    // runs nothing; then its app picks the stages and the buttons open. A broken file is named, as before.
    void stackFileIsReadOffTheGuiThread() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        Harness h = open(project);
        DeployConsole* c = h.console;
        QVERIFY(!c->target()->isLoading());
        QVERIFY(c->upButton()->isEnabled());

        QByteArray big = "{\"app\": \"big\", \"resources\": {";
        for (int i = 0; i < 20000; ++i)
            big += (i ? "," : "") + QStringLiteral("\"r%1\": {\"kind\": \"fs::File\", \"props\": {\"path\": "
                                                   "\"out/r%1.txt\", \"content\": \"%2\"}}")
                                        .arg(i)
                                        .arg(QString(40, QLatin1Char('x')))
                                        .toUtf8();
        big += "}}";
        const QString bigFile = tmp.filePath(QStringLiteral("big.stack.json"));
        QVERIFY(test::writeFile(bigFile, big));
        c->setStackFile(bigFile);
        QVERIFY(c->target()->isLoading());
        QVERIFY(!c->upButton()->isEnabled());
        QCOMPARE(c->upButton()->toolTip().section(QLatin1String(" ("), 0, 0),
                 QStringLiteral("Reading the stack file or program…"));
        QTRY_VERIFY(!c->target()->isLoading());
        QCOMPARE(c->target()->details().app, QStringLiteral("big"));
        QCOMPARE(c->stackFile(), bigFile);
        QTRY_VERIFY(c->upButton()->isEnabled());

        const QString broken = tmp.filePath(QStringLiteral("broken.stack.json"));
        QVERIFY(test::writeFile(broken, "{\"app\": \"x\", \"resources\": {"));
        c->setStackFile(broken);
        QTRY_VERIFY(!c->target()->isLoading());
        QVERIFY(!c->target()->details().problem.isEmpty());
        QVERIFY2(c->upButton()->toolTip().startsWith(QStringLiteral("The stack file cannot be used: ")),
                 qPrintable(c->upButton()->toolTip()));
    }

    void historyRoundTrips() {
        QTemporaryDir tmp;
        RunOutcome o;
        o.request.projectRoot = tmp.path();
        o.request.athanorHome = tmp.filePath(QStringLiteral(".alchemy/.athanor"));
        o.request.phase = Phase::Destroy;
        o.request.stage = QStringLiteral("qa/1");
        o.startedAt = QDateTime::currentDateTimeUtc();
        o.durationMs = 1234;
        o.end = RunEnd::LockHeld;
        o.error = QStringLiteral("held");
        o.lock = LockHolder{42, QStringLiteral("box"), QStringLiteral("2025-01-01T00:00:00Z"),
                            QStringLiteral("up")};
        QVERIFY(RunHistoryStore::prepare(o));
        QVERIFY(QFileInfo(o.summaryFile).fileName().endsWith(QStringLiteral("-destroy-qa_1.json")));
        QVERIFY(RunHistoryStore::writeSummary(o));
        QVERIFY(o.summaryFile.startsWith(tmp.filePath(QStringLiteral(".alchemy/.athanor/runs/"))));
        RunHistoryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        RunHistoryTab tab(&model);
        tab.setAthanorHome(o.request.athanorHome);
        tab.reload();
        QTRY_COMPARE(model.rowCount(), 1);
        QCOMPARE(model.entry(0).end, RunEnd::LockHeld);
        QCOMPARE(model.entry(0).durationMs, 1234);
        QCOMPARE(model.index(0, RunHistoryModel::ResultColumn).data().toString(), QStringLiteral("locked"));
        tab.setAthanorHome(QString());
        tab.reload();
        QTRY_COMPARE(model.rowCount(), 0);
        QVERIFY(!tab.keepBox()->isEnabled());

        // A setting that cannot be written says so under the list, naming the file; nothing else changes.
        const QString blocked = tmp.filePath(QStringLiteral("blocked"));
        QVERIFY(test::writeFile(blocked + QStringLiteral("/runs"), "a file where the runs folder goes"));
        tab.setAthanorHome(blocked);
        tab.reload();
        QTRY_VERIFY(tab.keepBox()->isEnabled());
        tab.keepBox()->setValue(5);
        QTRY_VERIFY2(
            tab.statusText().contains(QStringLiteral("Cannot change how many runs are kept: cannot write "
                                                     "the run-history settings ") +
                                      blocked + QStringLiteral("/runs/settings.json")),
            qPrintable(tab.statusText()));
        QCOMPARE(test::readFile(blocked + QStringLiteral("/runs")),
                 QByteArray("a file where the runs folder goes"));
    }

    // A run without a state source (no Athanor home) is not recorded: nothing is written into the current
    // folder (this test's earlier form left a runs/ folder wherever it ran).
    void historyWithoutAHomeWritesNothing() {
        QTemporaryDir cwd;
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        RunOutcome o;
        o.request.phase = Phase::Destroy;
        o.request.stage = QStringLiteral("qa/1");
        o.startedAt = QDateTime::currentDateTimeUtc();
        QString error;
        const bool prepared = RunHistoryStore::prepare(o, &error);
        const bool written = RunHistoryStore::writeSummary(o);
        const QString runs = RunHistoryStore::runsDir(QString());
        QVERIFY(QDir::setCurrent(before));
        QVERIFY(!prepared);
        QVERIFY(!written);
        QVERIFY(!error.isEmpty());
        QVERIFY(runs.isEmpty());
        QVERIFY(QDir(cwd.path()).isEmpty());
    }
};

QTEST_MAIN(TestDeploy)
#include "tst_deploy.moc"

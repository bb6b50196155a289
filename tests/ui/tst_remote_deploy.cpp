// The deploy dock on a team's remote state, against real servers on 127.0.0.1 (s3rver, Alchemy's state
// worker under miniflare): neither can exclude concurrent runs (the worker has no compare-and-swap, s3rver
// ignores If-None-Match), so Up asks once, naming the source and why, before anything runs; "Run without a
// stage lock" writes the stack's records to the server and the tree shows them; Cancel runs nothing. A
// project's own Alchemy program run from the dock writes to its own S3StateStore; the window on that bucket
// follows the run (polled every 2 s while it goes, active window or not) and shows its records at the end.
#include "../engine/ProgramTestSupport.h"
#include "NodeDeps.h"
#include "StateServers.h"
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "commands/StateMigration.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunController.h"
#include "deploy/RunSummaryWidget.h"
#include "deploy/RunTargetWidget.h"
#include "models/StateTreeModel.h"
#include "snapshot/SnapshotLoader.h"
#include "sources/OpenSourceDialog.h"
#include "state/StateSession.h"
#include "store/RemoteAccess.h"
#include "store/StateSources.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

const char* const kToken = "team-state-token";
const char* const kBucket = "alchemy-state";
constexpr int kRunTimeout = 60000;

// A small stack that touches nothing outside state: a random string and a command's JSON output.
const char* const kStack = R"({
  "app": "team",
  "resources": {
    "session-key": { "kind": "random::String", "props": { "length": 12, "encoding": "hex" } },
    "greeting": {
      "kind": "athanor::Command",
      "props": { "create": "echo '{\"hello\": \"team\"}'", "delete": "true" }
    }
  }
})";

// The records of `spec` as a fresh reader sees them, by FQN.
QStringList recordsOn(const SourceSpec& spec, const QStringList& apps = {}) {
    auto source = openStateSource(spec);
    SnapshotOptions options;
    for (const QString& app : apps)
        options.knownApps.push_back(app.toStdString());
    const auto snapshot = loadSnapshot(*source, options, {}, {});
    QStringList fqns;
    for (const auto& record : snapshot->records)
        fqns << QString::fromStdString(record.fqn);
    fqns.sort();
    return fqns;
}

} // namespace

class TestRemoteDeploy : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;
    QTemporaryDir m_tmp;
    QString m_cwd;
    std::unique_ptr<state_servers::NodeServer> m_worker;
    std::unique_ptr<state_servers::NodeServer> m_s3;

    using Harness = test::DeployWindow;

    // The window on `spec`, run from a project folder holding the stack (the current folder: a remote
    // source's project folder, as for `athanor s3://...` started in the project).
    Harness open(const SourceSpec& spec, const QString& project) {
        QDir().mkpath(project);
        test::writeFile(project + QStringLiteral("/alchemy.stack.json"), kStack);
        QDir::setCurrent(project);
        Harness h = test::openDeployWindow(m_theme.get(), QString::fromStdString(spec.toString()));
        h.window->activateWindow();
        QSignalSpy loaded(h.window->session(), &StateSession::loadFinished);
        if (!loaded.wait(30000))
            qWarning("the remote source did not load");
        return h;
    }

    // Presses Up and waits for the lock question (asked off the GUI thread first).
    static QMessageBox* pressUpForTheQuestion(DeployConsole* c) {
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        QMessageBox* question = nullptr;
        // Null when it never came: the caller's QVERIFY says so.
        const bool asked = QTest::qWaitFor(
            [&] { return (question = qobject_cast<QMessageBox*>(c->pendingDialog())) != nullptr; }, 20000);
        return asked ? question : nullptr;
    }

    // Up on `spec` answered "Run without a stage lock": the plan, then the records on the server and in the
    // tree.
    void upWritesToTheServer(const SourceSpec& spec, const QString& project, const QString& sourceName,
                             const QString& reasonPart, const QStringList& apps) {
        Harness h = open(spec, project);
        DeployConsole* c = h.console;
        QTRY_VERIFY2(c->upButton()->isEnabled(), qPrintable(c->upButton()->toolTip()));
        QCOMPARE(c->stage(), QStringLiteral("dev"));
        QSignalSpy started(c->controller(), &RunController::runStarted);

        QMessageBox* question = pressUpForTheQuestion(c);
        QVERIFY(question);
        QCOMPARE(question->objectName(), QStringLiteral("stageLockQuestion"));
        QVERIFY2(question->text().contains(sourceName), qPrintable(question->text()));
        QVERIFY2(question->text().contains(reasonPart), qPrintable(question->text()));
        QVERIFY(question->text().contains(QStringLiteral("<b>dev</b>")));
        QCOMPARE(started.count(), 0); // asked before anything runs, the plan included
        QVERIFY(!c->upButton()->isEnabled());
        test::saveScreenshot(question, spec.kind == SourceSpec::Kind::S3
                                           ? "remote-deploy-lock-question-s3"
                                           : "remote-deploy-lock-question-cloudflare");
        auto* run = question->findChild<QPushButton*>(QStringLiteral("runWithoutLock"));
        QVERIFY(run);
        QCOMPARE(run->text(), QStringLiteral("Run without a stage lock"));
        QTest::mouseClick(run, Qt::LeftButton);

        auto plan = test::waitRun(c, kRunTimeout);
        QVERIFY(plan);
        QCOMPARE(int(plan->request.phase), int(Phase::Plan));
        QVERIFY2(plan->end == RunEnd::Succeeded, qPrintable(plan->error));
        auto* dialog = qobject_cast<PlanDialog*>(c->pendingDialog());
        QVERIFY(dialog); // no second question: the answer was for this Up
        QCOMPARE(dialog->changeCount(), 2);
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QCOMPARE(int(up->request.phase), int(Phase::Up));
        QVERIFY(up->request.noLock);
        QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(up->error + c->summary()->text()));

        // On the server, as any reader sees it.
        const QStringList expected{QStringLiteral("team/dev/greeting"),
                                   QStringLiteral("team/dev/session-key")};
        QCOMPARE(recordsOn(spec, apps), expected);
        // And in the tree, without anyone pressing refresh.
        QAbstractItemModelTester tester(h.window->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(h.window->treeModel()->indexForFqn(expected[0]).isValid() &&
                                     h.window->treeModel()->indexForFqn(expected[1]).isValid(),
                                 20000);
        QVERIFY(h.window->selectFqn(expected[0]));
        test::saveScreenshot(h.window.get(), spec.kind == SourceSpec::Kind::S3
                                                 ? "remote-deploy-up-s3"
                                                 : "remote-deploy-up-cloudflare");

        // The consent was for that run: the next Up asks again; Cancel runs nothing.
        QSignalSpy startedAfter(c->controller(), &RunController::runStarted);
        question = pressUpForTheQuestion(c);
        QVERIFY(question);
        QTest::mouseClick(question->button(QMessageBox::Cancel), Qt::LeftButton);
        QTRY_VERIFY(!c->pendingDialog());
        QVERIFY(c->summary()->text().contains(QStringLiteral("was not run")));
        QTest::qWait(300);
        QCOMPARE(startedAfter.count(), 0);
        QTRY_VERIFY(c->upButton()->isEnabled());
    }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_remote_deploy"));
        // Slower than any wait below: what shows during a run comes from the run's own faster polling.
        QSettings().setValue(QStringLiteral("remote/pollSeconds"), 120);
        m_cwd = QDir::currentPath();
        qputenv("XDG_DATA_HOME", m_tmp.filePath(QStringLiteral("xdg")).toUtf8());
        qputenv("ALCHEMY_STAGE", "dev");
        qputenv("ALCHEMY_PASSWORD", "team-password"); // random::String keeps its value as a secret
        for (const char* name :
             {"ALCHEMY_STATE_TOKEN", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
            qunsetenv(name);
        requireNodeDeps();
        m_worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(),
                                            m_tmp.filePath(QStringLiteral("s3")).toStdString(), {kBucket});
        qputenv("AWS_ENDPOINT_URL_S3", QByteArray::fromStdString(m_s3->url()));
        qputenv("AWS_REGION", "us-east-1");
    }
    void cleanupTestCase() {
        QDir::setCurrent(m_cwd);
        m_worker.reset();
        m_s3.reset();
    }

    void cancelInTheQuestionRunsNothing() {
        const SourceSpec spec = SourceSpec::parse(std::string("s3://") + kBucket + "/untouched/");
        rememberAccessSecret(spec, {state_servers::kS3rverKey, SecureString(state_servers::kS3rverSecret),
                                    SecureString(), "the key typed in"});
        Harness h = open(spec, m_tmp.filePath(QStringLiteral("untouched")));
        DeployConsole* c = h.console;
        QTRY_VERIFY2(c->upButton()->isEnabled(), qPrintable(c->upButton()->toolTip()));
        QSignalSpy started(c->controller(), &RunController::runStarted);
        QMessageBox* question = pressUpForTheQuestion(c);
        QVERIFY(question);
        QTest::mouseClick(question->button(QMessageBox::Cancel), Qt::LeftButton);
        QTest::qWait(300);
        QCOMPARE(started.count(), 0);
        QVERIFY(!c->controller()->isRunning());
        QVERIFY(recordsOn(spec).isEmpty());
        QVERIFY2(c->summary()->text().contains(QStringLiteral("Up on stage <b>dev</b> was not run")) ||
                     c->summary()->text().contains(QStringLiteral("Up on stage dev was not run")),
                 qPrintable(c->summary()->text()));
    }

    void upOnS3WithoutALockWritesToTheBucket() {
        const SourceSpec spec = SourceSpec::parse(std::string("s3://") + kBucket + "/team/");
        rememberAccessSecret(spec, {state_servers::kS3rverKey, SecureString(state_servers::kS3rverSecret),
                                    SecureString(), "the key typed in"});
        upWritesToTheServer(spec, m_tmp.filePath(QStringLiteral("s3-project")),
                            QStringLiteral("s3://") + QString::fromLatin1(kBucket),
                            QStringLiteral("ignores If-None-Match"), {});
    }

    void upOnCloudflareWithoutALockWritesToTheWorker() {
        const SourceSpec spec = SourceSpec::parse("cloudflare:" + m_worker->url());
        rememberAccessSecret(spec, {"", SecureString(kToken), SecureString(), "the token typed in"});
        OpenSourceDialog::rememberApps(spec, {QStringLiteral("team")});
        upWritesToTheServer(spec, m_tmp.filePath(QStringLiteral("cloudflare-project")),
                            QString::fromStdString(m_worker->url()).toHtmlEscaped(),
                            QStringLiteral("no compare-and-swap"), {QStringLiteral("team")});
    }

    // While a run goes, the session polls a remote source every 2 s even when the window is not active (a
    // program writes to its own store without telling anyone); after the run, the usual interval again.
    void aRunInProgressPollsTheRemoteSourceFaster() {
        const SourceSpec spec = SourceSpec::parse(std::string("s3://") + kBucket + "/followed/");
        rememberAccessSecret(spec, {state_servers::kS3rverKey, SecureString(state_servers::kS3rverSecret),
                                    SecureString(), "the key typed in"});
        StateSession session;
        QSignalSpy loaded(&session, &StateSession::loadFinished);
        session.openSource(spec);
        QVERIFY(loaded.wait(30000));
        QVERIFY(session.index() && session.index()->snapshot->records.empty());
        session.setPollActive(false); // another window is in front

        // Not running: a write by someone else shows only at the next 120 s poll.
        test::copyStateInto(test::fixture(QStringLiteral("lifecycle/run4-noop")), spec);
        QSignalSpy changed(&session, &StateSession::indexChanged);
        QTest::qWait(3000);
        QCOMPARE(changed.count(), 0);

        session.setRunInProgress(true);
        QVERIFY(changed.wait(8000)); // within a 2 s poll
        QVERIFY(session.index()->nodeByFqn.contains(QStringLiteral("life/dev/api")));
        session.setRunInProgress(false);
        QVERIFY(!session.runInProgress());
    }

    // The project's alchemy.run.mjs with Alchemy's S3StateStore, run from the dock of a window opened on
    // that bucket: the window shows the program's records after the run without anyone pressing anything.
    // Alchemy 0.94 exits 1 at the end of `up` on S3 (hazard §14.4) with every record written.
    void aProgramsOwnS3StoreShowsLive() {
        requireNodeDeps();
        const QString project = m_tmp.filePath(QStringLiteral("program-project"));
        QDir().mkpath(project + QStringLiteral("/home"));
        QVERIFY(QFile::copy(QStringLiteral(ATHANOR_TEST_DATA_DIR "/real-alchemy-remote/team-vault.mjs"),
                            project + QStringLiteral("/alchemy.run.mjs")));
        QVERIFY(QFile::link(QString::fromStdString(node_deps::nodeModules().string()),
                            project + QStringLiteral("/node_modules")));
        const SourceSpec spec = SourceSpec::parse(std::string("s3://") + kBucket + "/program/");
        // The program finds its store and keys as Alchemy does: in its environment.
        test::ScopedEnv store("STATE_STORE", "s3");
        test::ScopedEnv bucket("S3_BUCKET", kBucket);
        test::ScopedEnv prefix("S3_PREFIX", "program/");
        test::ScopedEnv key("AWS_ACCESS_KEY_ID", state_servers::kS3rverKey);
        test::ScopedEnv secret("AWS_SECRET_ACCESS_KEY", state_servers::kS3rverSecret);
        test::ScopedEnv home("HOME", (project + QStringLiteral("/home")).toStdString());
        test::ScopedEnv track("DO_NOT_TRACK", "1");

        QDir::setCurrent(project);
        MainWindow window(m_theme.get());
        DeployConsole* c = installDeployConsole(&window, false);
        window.resize(1300, 900);
        window.show();
        QSignalSpy loaded(window.session(), &StateSession::loadFinished);
        window.openProject(QString::fromStdString(spec.toString()));
        QVERIFY(loaded.wait(30000));
        QVERIFY(window.treeModel()->stateIndex()->snapshot->records.empty());
        QVERIFY(c->target()->isProgram());
        QTRY_VERIFY2_WITH_TIMEOUT(c->upButton()->isEnabled(), qPrintable(c->upButton()->toolTip()), 20000);

        QSignalSpy finished(c, &DeployConsole::runFinished);
        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        QVERIFY(!c->pendingDialog()); // the program keeps its own store: no lock question
        QVERIFY(c->controller()->isRunning());
        QVERIFY(window.session()->runInProgress());
        QVERIFY(finished.wait(120000));
        const auto up = finished.at(0).at(0).value<std::shared_ptr<const RunOutcome>>();
        QVERIFY(up->request.isProgram());
        QVERIFY(!window.session()->runInProgress());

        QAbstractItemModelTester tester(window.treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (const char* fqn : {"vault/dev/readme", "vault/dev/team/team-config"})
            QTRY_VERIFY2_WITH_TIMEOUT(window.treeModel()->indexForFqn(QString::fromLatin1(fqn)).isValid(),
                                      fqn, 20000);
        QVERIFY(window.selectFqn(QStringLiteral("vault/dev/readme")));
        test::saveScreenshot(&window, "remote-deploy-program-s3");
    }
};

QTEST_MAIN(TestRemoteDeploy)
#include "tst_remote_deploy.moc"

// Repairs from the window on a team's remote state, against real servers on 127.0.0.1 (s3rver, Alchemy's
// state worker under miniflare), neither of which can keep a second writer off a stage: every repair asks
// the question the deploy dock asks before a run ("Run without a stage lock", default Cancel). Cancel writes
// nothing (the server's records read back unchanged), "Run without a stage lock" writes that one repair and
// the next one asks again; Undo Last Repair (asked too) brings back the exact bytes. Change Password and the
// Forget… dialog ask the same. Release Stage Lock… deletes Athanor's S3 lock object naming its holder, and
// on the worker says there is no lock to release. ATHANOR_SCREENSHOT_DIR=<dir>: saves a PNG of the question.
#include "NodeDeps.h"
#include "RemoteRecords.h"
#include "StateServers.h"
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "commands/StateMigration.h"
#include "models/StateTreeModel.h"
#include "repair/RecordRepairDialogs.h"
#include "repair/RepairMenu.h"
#include "secrets/ChangePasswordDialog.h"
#include "snapshot/SnapshotLoader.h"
#include "sources/OpenSourceDialog.h"
#include "state/StateSession.h"
#include "store/RemoteAccess.h"
#include "store/StageLease.h"
#include "store/StateSources.h"
#include "store/s3/S3Source.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace athanor;
using namespace athanor::ui;

using athanor::test::recordsOn;

namespace {

const char* const kToken = "team-state-token";
const char* const kBucket = "alchemy-state";

// The stage lock question, once it is shown (asked after the source answered off the GUI thread).
QMessageBox* waitForLockQuestion(QWidget* window) {
    QMessageBox* question = nullptr;
    (void)QTest::qWaitFor( // the caller checks what it found
        [&] {
            question = window->findChild<QMessageBox*>(QStringLiteral("stageLockQuestion"));
            return question && question->isVisible();
        },
        30000);
    return question && question->isVisible() ? question : nullptr;
}

void answer(QMessageBox* question, bool runWithoutLock) {
    QAbstractButton* button = runWithoutLock
                                  ? question->findChild<QPushButton*>(QStringLiteral("runWithoutLock"))
                                  : question->button(QMessageBox::Cancel);
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);
}

QAction* actionIn(const QList<QAction*>& actions, const QString& name) {
    for (QAction* a : actions)
        if (a->objectName() == name)
            return a;
    return nullptr;
}

} // namespace

class TestRepairRemoteWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;
    QTemporaryDir m_tmp;
    std::unique_ptr<state_servers::NodeServer> m_s3;
    int m_copies = 0;

    // The secrets fixture (app vault, stage dev) on a fresh remote source, its record `token` left
    // `updating` as a killed update leaves it. `worker`: the Cloudflare worker of this test.
    SourceSpec remoteCopy(bool s3, std::unique_ptr<state_servers::NodeServer>& worker) {
        const QString project = m_tmp.filePath(QStringLiteral("fixture-%1").arg(++m_copies));
        QDir().mkpath(project);
        test::copyTree(test::fixture(QStringLiteral("secrets/01-up/.alchemy")),
                       project + QStringLiteral("/.alchemy"));
        const QString token = project + QStringLiteral("/.alchemy/vault/dev/token.json");
        Json record = parseJsonText(test::readFile(token).toStdString());
        record["status"] = "updating";
        record["oldProps"] = record["props"];
        test::writeFile(token, QByteArray::fromStdString(stringifyJs(record, 2)));

        SourceSpec spec;
        if (s3) {
            spec = SourceSpec::parse(std::string("s3://") + kBucket + "/window-" + std::to_string(m_copies) +
                                     "/");
            rememberAccessSecret(spec, {state_servers::kS3rverKey, SecureString(state_servers::kS3rverSecret),
                                        SecureString(), "the key typed in"});
        } else {
            worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
            spec = SourceSpec::parse("cloudflare:" + worker->url());
            rememberAccessSecret(spec, {"", SecureString(kToken), SecureString(), "the token typed in"});
            OpenSourceDialog::rememberApps(spec, {QStringLiteral("vault")});
        }
        auto from = openStateSource(SourceSpec::folder(project.toStdString()));
        auto to = openStateSource(spec);
        const MigrationReport report = migrateState(*from, *to, {});
        if (!report.succeeded())
            throw std::runtime_error("migrate into " + spec.toString() + " failed");
        return spec;
    }

    std::unique_ptr<MainWindow> openWindow(const SourceSpec& spec) {
        auto window = std::make_unique<MainWindow>(m_theme.get());
        window->resize(1300, 900);
        window->show();
        window->activateWindow();
        window->openProject(QString::fromStdString(spec.toString()));
        if (!QTest::qWaitFor(
                [&] { return window->treeModel()->indexForFqn(QStringLiteral("vault/dev/token")).isValid(); },
                30000))
            qWarning("the remote source did not load");
        return window;
    }

    static void addSourceRows() {
        QTest::addColumn<bool>("s3");
        QTest::newRow("s3rver") << true;
        QTest::newRow("cloudflare worker") << false;
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("AthanorTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_repair_remote_window"));
        QSettings().clear();
        QSettings().setValue(QStringLiteral("remote/pollSeconds"), 120); // no reload between two looks
        initResources();
        m_theme = std::make_unique<Theme>();
        qputenv("XDG_DATA_HOME", m_tmp.filePath(QStringLiteral("xdg")).toUtf8());
        for (const char* name : {"ALCHEMY_STATE_TOKEN", "AWS_PROFILE", "AWS_ACCESS_KEY_ID",
                                 "AWS_SECRET_ACCESS_KEY", "ALCHEMY_PASSWORD"})
            qunsetenv(name);
        requireNodeDeps();
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(),
                                            m_tmp.filePath(QStringLiteral("s3")).toStdString(), {kBucket});
        qputenv("AWS_ENDPOINT_URL_S3", QByteArray::fromStdString(m_s3->url()));
        qputenv("AWS_REGION", "us-east-1");
    }
    void cleanupTestCase() { m_s3.reset(); }

    // Settle as Created… from the tree menu: asked; Cancel writes nothing; "Run without a stage lock" writes
    // that record only; the next repair (Undo Last Repair) asks again and restores the exact bytes.
    void settleAsksCancelWritesNothingYesWritesUndoRestores_data() { addSourceRows(); }
    void settleAsksCancelWritesNothingYesWritesUndoRestores() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const auto before = recordsOn(spec);
        auto window = openWindow(spec);
        QAbstractItemModelTester tester(window->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        RepairMenu* repairs = window->repairMenu();
        int confirmations = 0;
        repairs->setConfirm([&](const QString&, const QString&, const QString&) {
            ++confirmations;
            return true;
        });
        QSignalSpy done(repairs, &RepairMenu::done);
        QSignalSpy failed(repairs, &RepairMenu::failed);
        const auto settle = [&] {
            const QModelIndex token = window->treeModel()->indexForFqn(QStringLiteral("vault/dev/token"));
            QAction* action =
                actionIn(repairs->actionsFor(token, window.get()), QStringLiteral("settleRecord"));
            QVERIFY(action && action->isEnabled());
            action->trigger();
        };

        settle();
        QMessageBox* question = waitForLockQuestion(window.get());
        QVERIFY2(question, "no stage lock question");
        QCOMPARE(confirmations, 1); // the plan was shown and confirmed first
        const QString text = question->text();
        QVERIFY2(text.contains(QStringLiteral("set-status vault/dev/token created")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("<b>vault/dev</b>")), qPrintable(text));
        QVERIFY2(text.contains(QString::fromStdString(spec.toString()).toHtmlEscaped()), qPrintable(text));
        QVERIFY2(text.contains(s3 ? QStringLiteral("ignores If-None-Match")
                                  : QStringLiteral("no compare-and-swap")),
                 qPrintable(text));
        QCOMPARE(question->defaultButton(), question->button(QMessageBox::Cancel));
        QCOMPARE(question->findChild<QPushButton*>(QStringLiteral("runWithoutLock"))->text(),
                 QStringLiteral("Run without a stage lock"));
        if (s3) {
            question->window()->adjustSize();
            test::saveScreenshot(question, QStringLiteral("repair-lock-question-s3"));
        }
        answer(question, false);
        QVERIFY(!failed.isEmpty() || failed.wait(10000)); // Cancel answers at once
        QVERIFY2(failed.last().at(0).toString().contains(QStringLiteral("Nothing was written")),
                 qPrintable(failed.last().at(0).toString()));
        QCOMPARE(done.count(), 0);
        QVERIFY(recordsOn(spec) == before); // the server's records, unchanged

        settle();
        question = waitForLockQuestion(window.get());
        QVERIFY(question);
        answer(question, true);
        QVERIFY(done.wait(30000));
        const auto settled = recordsOn(spec);
        for (const auto& [key, record] : before)
            if (key != "vault/dev/token")
                QVERIFY2(settled.at(key) == record, key.c_str()); // only the record it names
        QVERIFY(settled.at("vault/dev/token").find("\"status\": \"created\"") != std::string::npos);
        QVERIFY(settled.at("vault/dev/token").find("\"oldProps\"") == std::string::npos);
        QTRY_VERIFY_WITH_TIMEOUT(
            window->treeModel()->indexForFqn(QStringLiteral("vault/dev/token")).isValid() &&
                !actionIn(
                     repairs->actionsFor(window->treeModel()->indexForFqn(QStringLiteral("vault/dev/token")),
                                         window.get()),
                     QStringLiteral("settleRecord"))
                     ->isEnabled(),
            30000); // the tree reloaded: nothing left to settle

        // The answer was for that repair: Undo asks again.
        QAction* undo =
            actionIn(repairs->actionsFor(QModelIndex(), window.get()), QStringLiteral("undoRepair"));
        QVERIFY(undo && undo->isEnabled());
        undo->trigger();
        question = waitForLockQuestion(window.get());
        QVERIFY2(question, "Undo Last Repair did not ask");
        answer(question, true);
        QVERIFY(done.wait(30000));
        QVERIFY(recordsOn(spec) == before);
    }

    // The Forget… dialog writes through the same door: asked, Cancel leaves the dialog with nothing written.
    void forgetDialogAsksTheSameQuestion() {
        std::unique_ptr<state_servers::NodeServer> none;
        const SourceSpec spec = remoteCopy(true, none);
        const auto before = recordsOn(spec);
        auto window = openWindow(spec);
        const QModelIndex withEnv = window->treeModel()->indexForFqn(QStringLiteral("vault/dev/with-env"));
        QVERIFY(withEnv.isValid());
        QAction* forget =
            actionIn(window->repairMenu()->actionsFor(withEnv, window.get()), QStringLiteral("forgetRecord"));
        QVERIFY(forget);
        forget->trigger();
        ForgetRecordDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window->findChild<ForgetRecordDialog*>()) && dialog->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->writeButton()->isEnabled(), 30000);
        QSignalSpy writeFailed(dialog, &PlannedRepairDialog::writeFailed);
        dialog->writeButton()->click();
        QMessageBox* question = waitForLockQuestion(window.get());
        QVERIFY(question);
        answer(question, false);
        QVERIFY(!writeFailed.isEmpty() || writeFailed.wait(10000));
        QVERIFY(dialog->isVisible());
        QVERIFY2(dialog->errorText().contains(QStringLiteral("Nothing was written")),
                 qPrintable(dialog->errorText()));
        QVERIFY(recordsOn(spec) == before);
        dialog->reject();
    }

    // Change Password on S3: planned, confirmed, then asked; Cancel writes nothing, Yes rewrites the stage.
    void changePasswordAsksTheSameQuestion() {
        std::unique_ptr<state_servers::NodeServer> none;
        const SourceSpec spec = remoteCopy(true, none);
        const auto before = recordsOn(spec);
        auto window = openWindow(spec);
        QVERIFY(window->selectFqn(QStringLiteral("vault/dev/token")));
        const auto changePassword = [&]() -> QPointer<ChangePasswordDialog> {
            QPointer<ChangePasswordDialog> dialog = window->changePassword();
            if (!dialog)
                return dialog;
            dialog->oldPasswordEdit()->setText(QStringLiteral("correct horse battery staple"));
            dialog->newPasswordEdit()->setText(QStringLiteral("a new team password"));
            dialog->repeatPasswordEdit()->setText(QStringLiteral("a new team password"));
            QSignalSpy ready(dialog.data(), &ChangePasswordDialog::previewReady);
            dialog->previewButton()->click();
            if (!ready.wait(120000))
                return nullptr;
            dialog->changeButton()->click();
            return dialog;
        };

        QPointer<ChangePasswordDialog> dialog = changePassword();
        QVERIFY(dialog);
        QSignalSpy failed(dialog.data(), &ChangePasswordDialog::failed);
        QMessageBox* question = waitForLockQuestion(window.get());
        QVERIFY(question);
        QVERIFY2(question->text().contains(QStringLiteral("rekey vault/dev")), qPrintable(question->text()));
        answer(question, false);
        QVERIFY(!failed.isEmpty() || failed.wait(10000)); // Cancel answers at once
        QVERIFY(recordsOn(spec) == before);
        dialog->reject();
        QTRY_VERIFY(!dialog || !dialog->isVisible());

        dialog = changePassword();
        QVERIFY(dialog);
        QSignalSpy changed(dialog.data(), &ChangePasswordDialog::changed);
        question = waitForLockQuestion(window.get());
        QVERIFY(question);
        answer(question, true);
        QVERIFY(changed.wait(30000));
        const auto after = recordsOn(spec);
        QVERIFY(after != before);
        QCOMPARE(after.at("vault/dev/team/team-config"), before.at("vault/dev/team/team-config")); // its own
    }

    // Release Stage Lock… on S3: names the holder of Athanor's lock object (a run on another machine left
    // it), needs the stage name typed, deletes it. On the worker: there is no lock to release.
    void releaseStageLockOnS3AndOnTheWorker() {
        std::unique_ptr<state_servers::NodeServer> none;
        const SourceSpec spec = remoteCopy(true, none);
        auto s3 = std::make_shared<S3Source>(spec);
        const StageLockHolder holder{4242, "ci-runner-7", "2026-01-02T03:04:05.678Z", "up"};
        // The lock object's key is the key a store of chain (.athanor, locks, vault) gives id dev.
        s3->openStore({".athanor", "locks", "vault"}, Durability::Durable)
            ->putText("dev", stringifyJs(holder.toJson(), 0));
        QVERIFY(s3->stageLockHolder("vault", "dev"));

        auto window = openWindow(spec);
        RepairMenu* repairs = window->repairMenu();
        QString asked, typedName;
        repairs->setConfirm([&](const QString& title, const QString&, const QString& name) {
            asked = title;
            typedName = name;
            return true;
        });
        QSignalSpy done(repairs, &RepairMenu::done);
        repairs->releaseStageLock("vault", "dev");
        QVERIFY(done.wait(30000));
        QVERIFY2(asked.contains(QStringLiteral("pid 4242 on host ci-runner-7")), qPrintable(asked));
        QCOMPARE(typedName, QStringLiteral("dev"));
        QVERIFY(!s3->stageLockHolder("vault", "dev"));

        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec cf = remoteCopy(false, worker);
        auto cfWindow = openWindow(cf);
        QSignalSpy failed(cfWindow->repairMenu(), &RepairMenu::failed);
        QString shown;
        // The information box is modal: read and close it once it is up.
        QTimer closer;
        connect(&closer, &QTimer::timeout, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                shown = box->text();
                box->accept();
            }
        });
        closer.start(100);
        cfWindow->repairMenu()->releaseStageLock("vault", "dev");
        QVERIFY(failed.wait(30000));
        closer.stop();
        QVERIFY2(shown.contains(QStringLiteral("There is no lock of stage vault/dev to release")),
                 qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("no compare-and-swap")), qPrintable(shown));
    }
};

QTEST_MAIN(TestRepairRemoteWindow)
#include "tst_repair_remote_window.moc"

// The window on a team's remote state, against real servers on 127.0.0.1 (s3rver, Alchemy's state worker
// under miniflare): opening shows progress (records loaded / total) with Cancel; a stopped server gives a
// banner while the last snapshot stays on screen, and the next refresh recovers; a wrong token says so and
// offers to enter another; File › Open State Source… takes a worker's URL, apps and token (kept in memory,
// never in settings); on S3 the window says why Alchemy's own runs there end failed (hazard §14.4); a
// Cloudflare source chosen in that dialog is browsed like a folder: stages, scopes, records, their details,
// and Unlock Secrets decrypts them.
#include "NodeDeps.h"
#include "StateServers.h"
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "commands/StateMigration.h"
#include "inspector/DetailsPane.h"
#include "inspector/JsonTreeView.h"
#include "models/JsonTreeModel.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "sources/OpenSourceDialog.h"
#include "sources/SourceBanner.h"
#include "sources/SourcePicker.h"
#include "state/StateSession.h"
#include "store/RemoteAccess.h"
#include "store/StateSources.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLayout>
#include <QLineEdit>
#include <QProgressBar>
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

} // namespace

class TestRemoteWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;
    QTemporaryDir m_tmp;
    std::unique_ptr<state_servers::NodeServer> m_worker;
    std::unique_ptr<state_servers::NodeServer> m_s3;

    std::unique_ptr<MainWindow> window() { return test::shownWindow(m_theme.get(), {1200, 800}, true); }
    // App `vault` of secrets/02-read on the worker, migrated once (a migrate refuses an app already there).
    bool m_vaultOnWorker = false;
    void copyVaultToWorker() {
        const SourceSpec worker = SourceSpec::parse("cloudflare:" + m_worker->url());
        rememberAccessSecret(worker, {"", SecureString(kToken), SecureString(), "the test"});
        if (!std::exchange(m_vaultOnWorker, true))
            test::copyStateInto(test::fixture(QStringLiteral("secrets/02-read")), worker);
    }
    SourceSpec s3(const char* prefix) const {
        return SourceSpec::parse(std::string("s3://") + kBucket + "/" + prefix);
    }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_remote_window"));
        QSettings().setValue(QStringLiteral("remote/pollSeconds"), 1); // the banner test waits for a poll
        qputenv("XDG_DATA_HOME", m_tmp.filePath(QStringLiteral("xdg")).toUtf8());
        for (const char* name :
             {"ALCHEMY_STATE_TOKEN", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"})
            qunsetenv(name);
        requireNodeDeps();
        m_worker = state_servers::startCloudflareWorker(
            node_deps::nodeModules(), kToken, m_tmp.filePath(QStringLiteral("worker")).toStdString());
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(),
                                            m_tmp.filePath(QStringLiteral("s3")).toStdString(), {kBucket});
        qputenv("AWS_ENDPOINT_URL_S3", QByteArray::fromStdString(m_s3->url()));
        qputenv("AWS_REGION", "us-east-1");
        // The key pair as the Open dialog would keep it: in memory for the session.
        for (const char* prefix : {"shown/", "outage/", "cancel/"})
            rememberAccessSecret(s3(prefix),
                                 {state_servers::kS3rverKey, SecureString(state_servers::kS3rverSecret),
                                  SecureString(), "the key typed in"});
    }
    void cleanupTestCase() {
        m_worker.reset();
        m_s3.reset();
    }

    void opensAnS3BucketWithProgressAndSaysWhyAlchemysRunsFail() {
        test::copyStateInto(test::fixture(QStringLiteral("app-stages/03-up-dev-again")), s3("shown/"));
        auto w = window();
        QSignalSpy progress(w->session(), &StateSession::loadProgress);
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QString::fromStdString(s3("shown/").toString()));
        QVERIFY(w->sourceBanner()->isVisible()); // opening: the progress strip shows at once
        QVERIFY(w->sourceBanner()->cancelButton()->isVisible());
        QTRY_VERIFY(!progress.isEmpty() || !shown.isEmpty());
        test::saveScreenshot(w.get(), "remote-s3-opening");
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QAbstractItemModelTester tester(w->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto index = w->treeModel()->stateIndex();
        QVERIFY(index);
        const qint64 records = qint64(index->snapshot->records.size());
        QVERIFY(records > 20);
        // Progress counted records against the total the listing gave.
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(1).toLongLong(), records);
        QCOMPARE(progress.last().at(0).toLongLong(), records);
        QVERIFY(w->selectFqn(QStringLiteral("shop/dev/storage/cache")) ||
                w->selectFqn(QStringLiteral("shop/dev/bundle")));
        // Alchemy's own S3 runs end in a TypeError on stages with child scopes: the window says why.
        QTRY_VERIFY(w->sourceBanner()->noteLabel()->isVisible());
        QVERIFY(w->sourceBanner()->noteLabel()->text().contains(QStringLiteral("TypeError")));
        QVERIFY(!w->sourceBanner()->messageLabel()->isVisible());
        test::saveScreenshot(w.get(), "remote-s3-note");
    }

    void aStoppedServerGivesABannerAndTheLastSnapshotStays() {
        test::copyStateInto(test::fixture(QStringLiteral("lifecycle/run4-noop")), s3("outage/"));
        auto w = window();
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QString::fromStdString(s3("outage/").toString()));
        QVERIFY(shown.wait(30000));
        const auto before = w->treeModel()->stateIndex();
        QVERIFY(before && !before->snapshot->records.empty());
        const int port = m_s3->port();

        m_s3->stop();
        QSignalSpy failed(w->session(), &StateSession::loadFailedBecause);
        w->session()->reload();
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.last().at(0).toString(), QStringLiteral("offline"));
        SourceBanner* banner = w->sourceBanner();
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->messageLabel()->text().contains(QStringLiteral("the server does not answer")),
                 qPrintable(banner->messageLabel()->text()));
        QVERIFY(banner->messageLabel()->text().contains(QStringLiteral("Showing the snapshot loaded at")));
        QVERIFY(banner->retryButton()->isVisible());
        QCOMPARE(w->treeModel()->stateIndex(), before); // the tree stays as it was
        QVERIFY(w->isShowingTree());
        QVERIFY(w->selectFqn(QStringLiteral("life/dev/api")));
        test::saveScreenshot(w.get(), "remote-s3-offline-banner");

        // The server comes back: the next poll recovers by itself and the banner goes.
        m_s3 = state_servers::startS3Server(
            node_deps::nodeModules(), m_tmp.filePath(QStringLiteral("s3")).toStdString(), {kBucket}, port);
        QTRY_VERIFY_WITH_TIMEOUT(!banner->messageLabel()->isVisible() && w->session()->lastError().isEmpty(),
                                 30000);
        QVERIFY(w->treeModel()->stateIndex());
    }

    void aWrongTokenSaysSoAndOffersToEnterAnother() {
        const SourceSpec worker = SourceSpec::parse("cloudflare:" + m_worker->url());
        rememberAccessSecret(worker,
                             {"", SecureString("not-the-token"), SecureString(), "the token typed in"});
        OpenSourceDialog::rememberApps(worker, {QStringLiteral("life")});
        auto w = window();
        QSignalSpy failed(w->session(), &StateSession::loadFailedBecause);
        w->openProject(QString::fromStdString(worker.toString()));
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.last().at(0).toString(), QStringLiteral("unauthorized"));
        QVERIFY(failed.last().at(1).toString().contains(QStringLiteral("the state token is invalid")));
        QVERIFY(failed.last().at(1).toString().contains(QStringLiteral("came from the token typed in")));
        QVERIFY(w->sourceBanner()->credentialsButton()->isVisible());
        test::saveScreenshot(w.get(), "remote-cloudflare-401");
        forgetAccessSecret(worker);
    }

    void theOpenDialogTakesAWorkersUrlAppsAndToken() {
        const SourceSpec worker = SourceSpec::parse("cloudflare:" + m_worker->url());
        copyVaultToWorker();
        forgetAccessSecret(worker); // from here on, only what the dialog keeps
        OpenSourceDialog dialog({});
        SourcePicker* picker = dialog.picker();
        picker->kindBox()->setCurrentIndex(picker->kindBox()->findData(int(SourceSpec::Kind::Cloudflare)));
        picker->locationEdit()->setText(QString::fromStdString(m_worker->url()));
        QPushButton* open = dialog.buttons()->button(QDialogButtonBox::Open);
        QVERIFY(!open->isEnabled()); // the worker cannot list its apps: they must be named
        QVERIFY(picker->problem().contains(QStringLiteral("Name the apps")));
        picker->appsEdit()->setText(QStringLiteral("vault"));
        picker->secretEdit()->setText(QString::fromLatin1(kToken));
        QVERIFY(open->isEnabled());
        dialog.show();
        QTest::qWait(50); // the queued resize to the rows a remote kind adds
        QVERIFY(dialog.height() >= dialog.layout()->heightForWidth(dialog.width()));
        test::saveScreenshot(&dialog, "remote-open-dialog");
        open->click();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(*dialog.chosen(), worker);
        const std::optional<AccessSecret> kept = rememberedAccessSecret(worker);
        QVERIFY(kept && kept->secret.view() == kToken);
        QCOMPARE(OpenSourceDialog::rememberedApps(worker), QStringList{QStringLiteral("vault")});
        // The token is nowhere in the settings file.
        QSettings().sync();
        QVERIFY(!test::readFile(QSettings().fileName()).contains(kToken));

        auto w = window();
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QString::fromStdString(worker.toString()));
        QVERIFY(shown.wait(30000));
        QVERIFY(w->selectFqn(QStringLiteral("vault/dev/team/team-exec")) ||
                !w->treeModel()->stateIndex()->snapshot->records.empty());
        QCOMPARE(w->session()->knownApps(), QStringList{QStringLiteral("vault")});
        forgetAccessSecret(worker);
    }

    // File › Open State Source… on the worker (URL, app, token), then the tree, a record's details and Unlock
    // Secrets, as on a folder: records Athanor migrated there from a tree real Alchemy wrote with secrets.
    void browsesACloudflareSourceAndUnlocksItsSecrets() {
        const SourceSpec worker = SourceSpec::parse("cloudflare:" + m_worker->url());
        copyVaultToWorker();
        forgetAccessSecret(worker);
        OpenSourceDialog::rememberApps(worker, {});

        auto w = window();
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        QVERIFY(test::openSourceThroughDialog(*w, [&](OpenSourceDialog* dialog) {
            test::pickCloudflareWorker(dialog->picker(), m_worker->url(), QStringLiteral("vault"));
            dialog->picker()->secretEdit()->setText(QString::fromLatin1(kToken));
        }));
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QCOMPARE(OpenSourceDialog::rememberedApps(worker), QStringList{QStringLiteral("vault")});
        QAbstractItemModelTester tester(w->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);

        // Stages, scopes and records as the folder shows them.
        const auto index = w->treeModel()->stateIndex();
        QVERIFY(index);
        QCOMPARE(int(index->snapshot->records.size()), 5);
        for (const char* fqn : {"vault", "vault/dev", "vault/dev/team", "vault/dev/config", "vault/dev/token",
                                "vault/dev/team/team-config"})
            QVERIFY2(w->treeModel()->indexForFqn(QString::fromLatin1(fqn)).isValid(), fqn);

        // A record's details, its secrets masked until the password is given.
        QVERIFY(w->selectFqn(QStringLiteral("vault/dev/config")));
        QTRY_VERIFY_WITH_TIMEOUT(w->details()->document() &&
                                     w->details()->document()->fqn == QStringLiteral("vault/dev/config"),
                                 20000);
        JsonTreeModel* props = w->details()->view(DetailsPane::PropsTab)->jsonModel();
        auto apiKey = [&] {
            return test::rowNamed(props, QStringLiteral("apiKey"));
        };
        QVERIFY(apiKey().data(JsonTreeModel::SecretRole).toBool());
        QCOMPARE(apiKey().siblingAtColumn(1).data().toString(), QStringLiteral("•••••••"));
        test::saveScreenshot(w.get(), "remote-cloudflare-record");

        // Unlock Secrets with the stage's password, typed into the dialog.
        auto* unlock = w->details()->findChild<QPushButton*>(QStringLiteral("unlockButton"));
        QVERIFY(unlock && unlock->isVisible());
        QSignalSpy decrypted(w->vault(), &SecretVault::decryptionFinished);
        bool typed = false;
        QTimer::singleShot(0, [&] {
            auto* dialog = qobject_cast<UnlockDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QTest::keyClicks(dialog->passwordEdit(), QStringLiteral("correct horse battery staple"));
            dialog->unlockButton()->click();
            typed = true;
            QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 60000);
        });
        unlock->click();
        QVERIFY(typed);
        QTRY_VERIFY_WITH_TIMEOUT(!decrypted.isEmpty(), 60000);
        QTRY_VERIFY(apiKey().data(JsonTreeModel::SecretOpenRole).toBool());
        props->setRevealed(apiKey(), true);
        QCOMPARE(apiKey().siblingAtColumn(1).data().toString(), QStringLiteral("s3cr3t-value"));
        test::saveScreenshot(w.get(), "remote-cloudflare-unlocked");
        forgetAccessSecret(worker);
    }

    void cancellingAnOpenKeepsNothingHalfLoaded() {
        test::copyStateInto(test::fixture(QStringLiteral("app-stages/03-up-dev-again")), s3("cancel/"));
        auto w = window();
        QSignalSpy cancelled(w->session(), &StateSession::loadCancelled);
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QString::fromStdString(s3("cancel/").toString()));
        QVERIFY(w->sourceBanner()->cancelButton()->isVisible());
        w->sourceBanner()->cancelButton()->click();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!w->treeModel()->stateIndex());
        QVERIFY(w->sourceBanner()->messageLabel()->text().contains(QStringLiteral("was cancelled")));
        QTest::qWait(500);
        QCOMPARE(shown.count(), 0); // the cancelled load's result never arrives
        w->sourceBanner()->retryButton()->click();
        QVERIFY(shown.wait(30000));
    }
};

QTEST_MAIN(TestRemoteWindow)
#include "tst_remote_window.moc"

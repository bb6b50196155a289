// A remote source's token in the desktop keychain on request, for real: the test starts its own D-Bus
// session bus and Secret Service (dbus-daemon, gnome-keyring-daemon unlocked with a password on stdin) and
// Alchemy's state worker under miniflare. File › Open State Source… with "Remember in the desktop keychain"
// saves the token; a new window (the in-memory copy gone) reads it back before asking; File › Forget Saved
// Credentials removes it and the next open asks again. The token is in no file under the test's HOME / XDG
// folders (no settings, no plaintext fallback; the keyring file is encrypted).
#include "NodeDeps.h"
#include "StateServers.h"
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "commands/StateMigration.h"
#include "sources/CredentialKeychain.h"
#include "sources/OpenSourceDialog.h"
#include "sources/SourceBanner.h"
#include "sources/SourcePicker.h"
#include "state/StateSession.h"
#include "store/RemoteAccess.h"
#include "store/StateSources.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {
const char* const kToken = "keychain-test-token-5d1c9e";
const char* const kApp = "life";
} // namespace

class TestSourceKeychain : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;
    QTemporaryDir m_tmp;
    QProcess m_bus;
    QProcess m_keyring;
    std::unique_ptr<state_servers::NodeServer> m_worker;

    std::unique_ptr<MainWindow> window() { return test::shownWindow(m_theme.get(), {1100, 700}); }
    SourceSpec worker() const { return SourceSpec::parse("cloudflare:" + m_worker->url()); }

    // Whether the Secret Service has its name on the bus yet.
    static bool secretServiceUp() {
        QProcess ask;
        ask.start(QStringLiteral("dbus-send"),
                  {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                   QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                   QStringLiteral("org.freedesktop.DBus.NameHasOwner"),
                   QStringLiteral("string:org.freedesktop.secrets")});
        ask.waitForFinished(5000);
        return ask.readAllStandardOutput().contains("boolean true");
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        // Everything the desktop would write goes below the test's own folders.
        for (const auto& [name, sub] : {std::pair{"HOME", "home"},
                                        {"XDG_CONFIG_HOME", "config"},
                                        {"XDG_DATA_HOME", "data"},
                                        {"XDG_CACHE_HOME", "cache"},
                                        {"XDG_RUNTIME_DIR", "run"}}) {
            const QString dir = m_tmp.filePath(QString::fromLatin1(sub));
            QVERIFY(QDir().mkpath(dir));
            qputenv(name, dir.toUtf8());
        }
        QFile::setPermissions(m_tmp.filePath(QStringLiteral("run")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_theme = test::startGuiTest(QStringLiteral("tst_source_keychain"));
        qunsetenv("ALCHEMY_STATE_TOKEN");

        // A session bus of our own.
        m_bus.start(QStringLiteral("dbus-daemon"), {QStringLiteral("--session"), QStringLiteral("--nofork"),
                                                    QStringLiteral("--print-address")});
        QVERIFY2(m_bus.waitForStarted(10000),
                 qPrintable(QStringLiteral("cannot start dbus-daemon (Debian package dbus-daemon): ") +
                            m_bus.errorString()));
        QByteArray address;
        for (int i = 0; i < 50 && !address.contains('\n'); ++i) {
            m_bus.waitForReadyRead(200);
            address += m_bus.readAllStandardOutput();
        }
        address = address.trimmed();
        QVERIFY2(!address.isEmpty(), qPrintable(QStringLiteral("dbus-daemon printed no bus address: ") +
                                                QString::fromUtf8(m_bus.readAllStandardError())));
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);

        // The Secret Service on it, its login keyring unlocked with a password given on stdin.
        m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                        {QStringLiteral("--foreground"), QStringLiteral("--components=secrets"),
                         QStringLiteral("--unlock")});
        QVERIFY2(
            m_keyring.waitForStarted(10000),
            qPrintable(QStringLiteral("cannot start gnome-keyring-daemon (Debian package gnome-keyring): ") +
                       m_keyring.errorString()));
        m_keyring.write("keyring-test-password");
        m_keyring.closeWriteChannel();
        QVERIFY2(QTest::qWaitFor(secretServiceUp, 20000),
                 qPrintable(QStringLiteral("the Secret Service (gnome-keyring-daemon) did not come up: ") +
                            QString::fromUtf8(m_keyring.readAllStandardError())));
        QVERIFY(CredentialKeychain::available());

        requireNodeDeps();
        m_worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
        // One record for the app to show.
        rememberAccessSecret(worker(), {"", SecureString(kToken), SecureString(), "the test"});
        test::copyStateInto(test::fixture(QStringLiteral("lifecycle/run4-noop")), worker());
        forgetAccessSecret(worker());
    }
    void cleanupTestCase() {
        m_worker.reset();
        for (QProcess* p : {&m_keyring, &m_bus}) {
            p->terminate();
            if (!p->waitForFinished(3000))
                p->kill();
            p->waitForFinished(3000);
        }
    }

    void savedOnRequestReadBackForgottenThenAskedAgain() {
        // 1. Open through the dialog, ticking "Remember in the desktop keychain".
        auto first = window();
        QSignalSpy shown(first.get(), &MainWindow::treeShown);
        QVERIFY(test::openSourceThroughDialog(*first, [&](OpenSourceDialog* dialog) {
            test::pickCloudflareWorker(dialog->picker(), m_worker->url(), QString::fromLatin1(kApp));
            QVERIFY(!dialog->keychainOption()->isChecked()); // off by default
            dialog->picker()->secretEdit()->setText(QString::fromLatin1(kToken));
            QVERIFY(dialog->keychainOption()->isEnabled());
            dialog->keychainOption()->setChecked(true);
            test::saveScreenshot(dialog, QStringLiteral("remote-open-dialog-keychain"));
        }));
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QTRY_VERIFY2_WITH_TIMEOUT(
            first->statusBar()->currentMessage().contains(QStringLiteral("saved in the desktop keychain")),
            qPrintable(first->statusBar()->currentMessage()), 20000);
        first.reset();

        // 2. A new session (the in-memory copy gone): the window reads the keychain before it would ask.
        forgetAccessSecret(worker());
        auto second = window();
        QSignalSpy secondShown(second.get(), &MainWindow::treeShown);
        second->openProject(QString::fromStdString(worker().toString()));
        QVERIFY(secondShown.wait(30000));
        QVERIFY(second->selectFqn(QStringLiteral("life/dev/api")));
        const std::optional<AccessSecret> readBack = rememberedAccessSecret(worker());
        QVERIFY(readBack);
        QCOMPARE(readBack->origin, std::string("the desktop keychain"));
        QCOMPARE(std::string(readBack->secret.view()), std::string(kToken));

        // 3. Forget: gone from the keychain and from memory.
        auto* forget = second->findChild<QAction*>(QStringLiteral("forgetCredentialsAction"));
        QVERIFY(forget);
        forget->trigger();
        QTRY_VERIFY2_WITH_TIMEOUT(
            second->statusBar()->currentMessage().contains(QStringLiteral("are forgotten")),
            qPrintable(second->statusBar()->currentMessage()), 20000);
        QVERIFY(!rememberedAccessSecret(worker()));
        bool looked = false;
        std::optional<AccessSecret> after;
        QString error;
        CredentialKeychain::read(worker(), this, [&](std::optional<AccessSecret> s, const QString& e) {
            after = std::move(s);
            error = e;
            looked = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(looked, 20000);
        QVERIFY2(!after && error.isEmpty(), qPrintable(error));
        second.reset();

        // 4. The next open asks again.
        auto third = window();
        QSignalSpy failed(third->session(), &StateSession::loadFailedBecause);
        third->openProject(QString::fromStdString(worker().toString()));
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.last().at(0).toString(), QStringLiteral("missing secret"));
        QTRY_VERIFY(third->sourceBanner()->credentialsButton()->isVisible());
        third.reset();

        // 5. The token is in no file the desktop or Athanor wrote (settings, keyring, caches).
        QSettings().sync();
        QDirIterator it(m_tmp.path(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString file = it.next();
            ++files;
            QVERIFY2(!test::readFile(file).contains(kToken), qPrintable(file));
        }
        QVERIFY(files > 0);
        // The keyring that holds it is encrypted with the keyring's password.
        QVERIFY(QFileInfo::exists(m_tmp.filePath(QStringLiteral("data/keyrings/login.keyring"))));
    }
};

QTEST_MAIN(TestSourceKeychain)
#include "tst_source_keychain.moc"

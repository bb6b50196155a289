// The scope tree's repair menu: on a record left `updating` by an interrupted run, "Settle as Created…"
// shows exactly what it writes (the preview athanorctl prints), asks once, writes only that record, and
// "Undo Last Repair…" brings its bytes back. ATHANOR_SCREENSHOT_DIR=<dir>: saves PNGs of the menu and the
// confirmation (for looking at them; the test checks the same things either way).
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/StateTreeModel.h"
#include "repair/RecordRepairs.h"
#include "repair/RepairMenu.h"
#include "repair/RepairSource.h"
#include "secrets/ChangePasswordDialog.h"
#include "secrets/SecretVault.h"
#include "state/StateSession.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

// Waits until the vault has tried everything it was given.
bool vaultSettled(SecretVault* vault) {
    return QTest::qWaitFor([vault] { return !vault->isBusy(); }, 60000);
}

} // namespace

class TestRepairMenu : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

private slots:
    void initTestCase() { m_theme = test::startGuiTest(QStringLiteral("tst_repair_menu")); }

    void settleThenUndoFromTheTreeMenu() {
        QTemporaryDir tmp;
        const QString project = test::copyFixtureProject(tmp, QStringLiteral("app-stages/03-up-dev-again"));
        const QString file = project + QStringLiteral("/.alchemy/shop/dev/config.json.json");
        QByteArray recordText = test::readFile(file);
        QVERIFY(recordText.contains("\"status\": \"created\""));
        recordText.replace("\"status\": \"created\"", "\"status\": \"updating\"");
        QVERIFY(test::writeFile(file, recordText));
        const QByteArray stuck = test::readFile(file);

        MainWindow window(m_theme.get());
        test::showProject(window, project);
        StateTreeModel* model = window.treeModel();
        QTRY_VERIFY(model->indexForFqn(QStringLiteral("shop/dev/config.json")).isValid() &&
                    !window.session()->isLoading());
        const QModelIndex source = model->indexForFqn(QStringLiteral("shop/dev/config.json"));

        RepairMenu* repairs = window.repairMenu();
        std::unique_ptr<QMenu> menu(repairs->menuFor(source, &window));
        QAction* settle = test::actionWithText(menu.get(), QStringLiteral("Settle as Created…"));
        QAction* forget = test::actionWithText(menu.get(), QStringLiteral("Forget…"));
        QVERIFY(settle && forget);
        QVERIFY(settle->isEnabled());
        menu->popup(window.mapToGlobal(QPoint(300, 300)));
        QTest::qWait(100);
        test::saveScreenshot(menu.get(), QStringLiteral("repair-menu"));
        menu->hide();

        QString asked, preview;
        repairs->setConfirm([&](const QString& title, const QString& text, const QString& typeName) {
            asked = title;
            preview = text;
            auto box = RepairMenu::confirmationBox(&window, title, text);
            box->show();
            QTest::qWait(100);
            test::saveScreenshot(box.get(), QStringLiteral("repair-confirmation"));
            return typeName.isEmpty();
        });
        QSignalSpy done(repairs, &RepairMenu::done);
        settle->trigger();
        QVERIFY(done.wait(10000));
        QVERIFY2(asked.contains(QStringLiteral("set-status shop/dev/config.json created")),
                 qPrintable(asked));
        QVERIFY2(preview.contains(QStringLiteral("status updating -> created")), qPrintable(preview));
        QVERIFY(test::readFile(file).contains("\"status\": \"created\""));
        QVERIFY(!test::readFile(file).contains("oldProps"));

        // Undo from the same menu: the exact bytes of before.
        std::unique_ptr<QMenu> again(repairs->menuFor(source, &window));
        QAction* undo = test::actionWithText(again.get(), QStringLiteral("Undo Last Repair…"));
        QVERIFY(undo && undo->isEnabled());
        undo->trigger();
        QVERIFY(done.wait(10000));
        QCOMPARE(test::readFile(file), stuck);
    }

    // The details pane offers the tree menu's repairs (the same actions), enabled only where they apply, and
    // they write the same thing: Settle from the pane, then Undo from the pane.
    void detailsPaneOffersTheSameRepairs() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("p"));
        QDir().mkpath(project);
        QVERIFY(test::makeRunsAndPendingTree(project));
        const QString api = project + QStringLiteral("/.alchemy/life/dev/api.json");
        const QByteArray stuck = test::readFile(api);
        const auto before = test::treeHash(project);

        MainWindow window(m_theme.get());
        test::showProject(window, project);
        // The walked tree shows before its records are read: repairs are offered for read records.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("life/dev/api")).isValid() &&
                    !window.session()->isLoading());
        DetailsPane* pane = window.details();
        const auto paneAction = [pane](const QString& name) -> QAction* {
            for (QAction* a : pane->repairActions())
                if (a->objectName() == name)
                    return a;
            return nullptr;
        };
        const auto names = [pane] {
            QStringList out;
            for (QAction* a : pane->repairActions())
                out << a->text();
            return out;
        };

        // A stuck record: the pane's actions are the menu's, in the same order, Settle enabled.
        QVERIFY(window.selectFqn(QStringLiteral("life/dev/api")));
        std::unique_ptr<QMenu> menu(window.repairMenu()->menuFor(
            window.treeModel()->indexForFqn(QStringLiteral("life/dev/api")), &window));
        QStringList menuNames;
        for (QAction* a : menu->actions())
            if (!a->isSeparator())
                menuNames << a->text();
        QCOMPARE(names(), menuNames);
        QVERIFY(paneAction(QStringLiteral("settleRecord"))->isEnabled());
        QVERIFY(!paneAction(QStringLiteral("dropPending")));
        QTest::qWait(100);
        test::saveScreenshot(&window, QStringLiteral("details-pane-actions"));

        // A settled record: nothing to settle.
        QVERIFY(window.selectFqn(QStringLiteral("life/dev/storage")));
        QVERIFY(paneAction(QStringLiteral("settleRecord")));
        QVERIFY(!paneAction(QStringLiteral("settleRecord"))->isEnabled());
        // The stage's pending deletion: Drop Pending only there.
        QVERIFY(window.selectFqn(StateTreeModel::pendingKey(QStringLiteral("life/dev"), 0)));
        QVERIFY(paneAction(QStringLiteral("dropPending")) &&
                paneAction(QStringLiteral("dropPending"))->isEnabled());
        QVERIFY(!paneAction(QStringLiteral("settleRecord")));

        // Settle from the pane: the same preview as the menu's, and it writes only that record.
        QVERIFY(window.selectFqn(QStringLiteral("life/dev/api")));
        QString preview;
        window.repairMenu()->setConfirm([&](const QString&, const QString& text, const QString& typeName) {
            preview = text;
            return typeName.isEmpty();
        });
        QSignalSpy done(window.repairMenu(), &RepairMenu::done);
        paneAction(QStringLiteral("settleRecord"))->trigger();
        QVERIFY(done.wait(10000));
        QVERIFY2(preview.contains(QStringLiteral("status updating -> created")), qPrintable(preview));
        QVERIFY(test::readFile(api).contains("\"status\": \"created\""));
        auto after = test::treeHash(project);
        QVERIFY(after.value(api) != before.value(api));
        after.remove(api);
        auto rest = before;
        rest.remove(api);
        QCOMPARE(after, rest);
        // Reloaded: the pane now offers no Settle for it.
        QTRY_VERIFY(paneAction(QStringLiteral("settleRecord")) &&
                    !paneAction(QStringLiteral("settleRecord"))->isEnabled());

        paneAction(QStringLiteral("undoRepair"))->trigger();
        QVERIFY(done.wait(10000));
        QCOMPARE(test::readFile(api), stuck);
        QCOMPARE(test::treeHash(project), before);
    }

    // Release Stage Lock… on a stage another live process holds: the confirmation names the holder's pid and
    // the lock file and needs the stage name typed; afterwards nobody holds the stage and a repair goes
    // through.
    void releaseStageLockNamesTheHolder() {
        QTemporaryDir tmp;
        const QString project = test::copyFixtureProject(tmp, QStringLiteral("app-stages/03-up-dev-again"));
        QProcess holder;
        holder.start(QStringLiteral(ATHANOR_BIN_DIR "/tst_lifecycle_lock_holder"),
                     {project, QStringLiteral("shop"), QStringLiteral("dev")});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(30000));
        const QString said = QString::fromUtf8(holder.readLine()).trimmed();
        QVERIFY2(said.startsWith(QStringLiteral("locked ")), qPrintable(said));
        const QString pid = said.section(QLatin1Char(' '), 1);

        MainWindow window(m_theme.get());
        test::showProject(window, project);
        // The walked tree shows before its records are read: repairs are offered for read records.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("shop/dev")).isValid() &&
                    !window.session()->isLoading());
        RepairMenu* repairs = window.repairMenu();
        QSignalSpy done(repairs, &RepairMenu::done);
        QSignalSpy failed(repairs, &RepairMenu::failed);

        // The message boxes a refusal shows are closed as they come.
        QTimer closer;
        connect(&closer, &QTimer::timeout, &window, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->accept();
        });
        closer.start(50);
        const auto forgetConfig = [repairs] {
            repairs->setConfirm(
                [](const QString&, const QString&, const QString& name) { return name.isEmpty(); });
            repairs->run(QStringLiteral("Forget record"), [](athanor::RepairSource& source) {
                return athanor::planRemove(source, {"shop/dev/config.json"}, false);
            });
        };
        const QString config = project + QStringLiteral("/.alchemy/shop/dev/config.json.json");

        // While it is held, a repair is refused naming the holder.
        forgetConfig();
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("pid ") + pid),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(QFile::exists(config));

        std::unique_ptr<QMenu> menu(
            repairs->menuFor(window.treeModel()->indexForFqn(QStringLiteral("shop/dev")), &window));
        QAction* release = test::actionWithText(menu.get(), QStringLiteral("Release Stage Lock…"));
        QVERIFY(release && release->isEnabled());
        QString asked, detail, typeName;
        repairs->setConfirm([&](const QString& title, const QString& text, const QString& name) {
            asked = title;
            detail = text;
            typeName = name;
            return true;
        });
        release->trigger();
        QVERIFY(done.wait(10000));
        QVERIFY2(asked.contains(QStringLiteral("pid ") + pid), qPrintable(asked));
        QVERIFY2(detail.contains(QStringLiteral(".lock")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("second writer")), qPrintable(detail));
        QCOMPARE(typeName, QStringLiteral("dev"));
        athanor::RepairSource source(window.session()->source());
        QVERIFY(!source.stageLockHolder("shop", "dev"));

        // A stage nobody holds: said so, nothing asked.
        asked.clear();
        failed.clear();
        release->trigger();
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("not locked")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(asked.isEmpty());
        closer.stop();

        // The stage is free: the repair goes through.
        done.clear();
        forgetConfig();
        QVERIFY(done.wait(10000));
        QVERIFY(!QFile::exists(config));
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished(10000));
    }

    // Cancel while Change Password plans (every secret of 400 records decrypted, re-encrypted and checked,
    // scrypt each time): the plan stops, nothing is written (the tree hashes the same, no operation is kept
    // for undo), the dialog stays and says so.
    void cancelWhileChangePasswordPlansWritesNothing() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("p"));
        QDir().mkpath(project);
        test::copyTree(test::fixture(QStringLiteral("secrets/01-up/.alchemy")),
                       project + QStringLiteral("/.alchemy"));
        // Copies of a real record with secrets under other ids: its ciphertexts open with the same password.
        const QString dev = project + QStringLiteral("/.alchemy/vault/dev/");
        const athanor::Json config =
            athanor::parseJsonText(test::readFile(dev + QStringLiteral("config.json")).toStdString());
        for (int i = 0; i < 400; ++i) {
            athanor::Json copy = config;
            const std::string id = "config-" + std::to_string(i);
            copy["id"] = id;
            copy["fqn"] = "vault/dev/" + id;
            QVERIFY(test::writeFile(dev + QString::fromStdString(id) + QStringLiteral(".json"),
                                    QByteArray::fromStdString(athanor::stringifyJs(copy, 2))));
        }
        const auto before = test::treeHash(project);

        MainWindow window(m_theme.get());
        window.resize(1300, 900);
        window.show();
        window.openProject(project);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.treeModel()->indexForFqn(QStringLiteral("vault/dev/config-399")).isValid(), 30000);
        // The walked tree shows before its records are read; the source opens when the load ends.
        QTRY_VERIFY_WITH_TIMEOUT(!window.session()->isLoading() && window.session()->source(), 30000);
        QVERIFY(window.selectFqn(QStringLiteral("vault/dev/token")));
        QPointer<ChangePasswordDialog> dialog = window.changePassword();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->scopeBox()->currentData().toString(), QStringLiteral("vault/dev"));
        dialog->oldPasswordEdit()->setText(QStringLiteral("correct horse battery staple"));
        dialog->newPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));
        dialog->repeatPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));
        QSignalSpy ready(dialog.data(), &ChangePasswordDialog::previewReady);
        QSignalSpy failed(dialog.data(), &ChangePasswordDialog::failed);
        dialog->previewButton()->click();
        QVERIFY(dialog->isBusy());
        // The rekey is under way: its progress shows records done of the total.
        QTRY_VERIFY_WITH_TIMEOUT(dialog->progressBar()->maximum() > 100 && dialog->progressBar()->value() > 0,
                                 60000);
        QVERIFY(dialog->progressBar()->value() < dialog->progressBar()->maximum());
        dialog->reject();                       // what its Cancel button does while it plans
        QVERIFY(dialog && dialog->isVisible()); // stays, for another try
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isBusy(), 30000);
        QCOMPARE(ready.count(), 0);
        QCOMPARE(failed.count(), 1);
        QVERIFY2(dialog->errorText().contains(QStringLiteral("cancelled; nothing was written")),
                 qPrintable(dialog->errorText()));
        QVERIFY(!dialog->changeButton()->isEnabled());
        QTest::qWait(300); // nothing arrives late
        QCOMPARE(test::treeHash(project), before);
        QVERIFY(!QDir(project + QStringLiteral("/.alchemy/.athanor/history")).exists() ||
                QDir(project + QStringLiteral("/.alchemy/.athanor/history"))
                    .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                    .isEmpty());
        dialog->reject();
        QTRY_VERIFY(!dialog || !dialog->isVisible());
    }

    // Secrets › Change Password… on a copy of the real secrets tree: the new password opens every secret of
    // the stage in the GUI, the old one opens none, and Undo Last Repair brings the exact bytes back.
    void changePasswordThenUndo() {
        QTemporaryDir tmp;
        const QString project = test::copyFixtureProject(tmp, QStringLiteral("secrets/01-up"));
        const auto before = test::treeHash(project);

        MainWindow window(m_theme.get());
        test::showProject(window, project);
        // The walked tree shows before its records are read: repairs are offered for read records.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("vault/dev/token")).isValid() &&
                    !window.session()->isLoading());
        SecretVault* vault = window.vault();
        const int secrets = vault->secretCount();
        QVERIFY(secrets > 2);
        // What the user unlocked: the stage's password and the child scope team's own.
        vault->addPassword(SecureString("correct horse battery staple"));
        vault->addPassword(SecureString("team-scope-password"));
        QTRY_COMPARE_WITH_TIMEOUT(vault->openCount(), secrets, 60000);

        QVERIFY(window.selectFqn(QStringLiteral("vault/dev/token")));
        QPointer<ChangePasswordDialog> dialog = window.changePassword();
        QVERIFY(dialog && dialog->isVisible());
        QCOMPARE(dialog->scopeBox()->currentData().toString(), QStringLiteral("vault/dev"));
        QVERIFY(!dialog->previewButton()->isEnabled());
        dialog->newPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));
        dialog->repeatPasswordEdit()->setText(QStringLiteral("a brand new typo"));
        QVERIFY(!dialog->previewButton()->isEnabled());
        QVERIFY(dialog->errorText().contains(QStringLiteral("differ")));
        dialog->repeatPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));
        QVERIFY(dialog->previewButton()->isEnabled());

        // Cancel while the rekey is planned stops it (its stop token): the dialog says nothing was written
        // and stays for another try.
        QSignalSpy failed(dialog.data(), &ChangePasswordDialog::failed);
        dialog->previewButton()->click();
        QVERIFY(dialog->isBusy());
        dialog->reject();
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("cancelled; nothing was written")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(dialog->isVisible() && !dialog->isBusy());
        QCOMPARE(test::treeHash(project), before);
        dialog->newPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));
        dialog->repeatPasswordEdit()->setText(QStringLiteral("a brand new passphrase"));

        QSignalSpy ready(dialog.data(), &ChangePasswordDialog::previewReady);
        dialog->previewButton()->click();
        // The fields give up their text at once (it lives in SecureStrings now).
        QVERIFY(dialog->newPasswordEdit()->text().isEmpty());
        QVERIFY(dialog->repeatPasswordEdit()->text().isEmpty());
        QVERIFY(ready.wait(60000));
        const QString preview = dialog->previewView()->toPlainText();
        QVERIFY2(preview.contains(QStringLiteral("rekey vault/dev")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("vault/dev/token")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("re-encrypted")), qPrintable(preview));
        // team's own password stays: the child scope is named as kept, not rewritten.
        QVERIFY2(preview.contains(QStringLiteral("team-config")), qPrintable(preview));
        QVERIFY(dialog->changeButton()->isEnabled());
        QCOMPARE(test::treeHash(project), before); // the preview wrote nothing
        dialog->resize(760, 560);
        QTest::qWait(100);
        test::saveScreenshot(dialog, QStringLiteral("change-password"));

        QSignalSpy changed(dialog.data(), &ChangePasswordDialog::changed);
        dialog->changeButton()->click();
        QVERIFY(changed.wait(30000));
        QTRY_VERIFY(!dialog);
        QVERIFY(test::treeHash(project) != before);
        QVERIFY(test::readFile(project + QStringLiteral("/.alchemy/vault/dev/token.json")) !=
                test::readFile(test::fixture(QStringLiteral("secrets/01-up/.alchemy/vault/dev/token.json"))));

        // The GUI with only the new password (and team's own): every secret opens.
        vault->lock();
        QTRY_VERIFY(vaultSettled(vault));
        vault->addPassword(SecureString("a brand new passphrase"));
        vault->addPassword(SecureString("team-scope-password"));
        QTRY_COMPARE_WITH_TIMEOUT(vault->openCount(), secrets, 60000);
        // The old password opens none of them any more.
        vault->lock();
        QSignalSpy checked(vault, &SecretVault::passwordChecked);
        vault->addPassword(SecureString("correct horse battery staple"));
        QVERIFY(checked.wait(60000) || !checked.isEmpty());
        QCOMPARE(checked.first().first().toBool(), false);
        QCOMPARE(vault->openCount(), 0);

        // Undo Last Repair: the bytes of before, every file.
        RepairMenu* repairs = window.repairMenu();
        repairs->setConfirm(
            [](const QString&, const QString&, const QString& typeName) { return typeName.isEmpty(); });
        QSignalSpy done(repairs, &RepairMenu::done);
        std::unique_ptr<QMenu> menu(
            repairs->menuFor(window.treeModel()->indexForFqn(QStringLiteral("vault/dev/token")), &window));
        QAction* undo = test::actionWithText(menu.get(), QStringLiteral("Undo Last Repair…"));
        QVERIFY(undo && undo->isEnabled());
        undo->trigger();
        QVERIFY(done.wait(30000));
        QCOMPARE(test::treeHash(project), before);
    }
};

QTEST_MAIN(TestRepairMenu)
#include "tst_repair_menu.moc"

// The repair dialogs of the tree menu and the details pane, on copies of real Alchemy trees: Move/Rename…
// (new FQN validated as typed, nested children follow), Forget… (nested records on request, the stage name
// typed for a stage), Edit Record… (secrets decrypted when unlocked and sealed again, validated before
// anything is written). Each is checked by what the tree shows, the files on disk, and Undo Last Repair
// restoring every byte. ATHANOR_SCREENSHOT_DIR=<dir>: saves PNGs of the dialogs.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "models/StateTreeModel.h"
#include "repair/RecordRepairDialogs.h"
#include "repair/RepairMenu.h"
#include "secrets/SecretVault.h"
#include "state/StateSession.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

// Triggers the tree menu's action `name` on `fqn`.
void trigger(MainWindow& window, const QString& fqn, const QString& name) {
    const QModelIndex index = window.treeModel()->indexForFqn(fqn);
    QVERIFY2(index.isValid(), qPrintable(fqn));
    std::unique_ptr<QMenu> menu(window.repairMenu()->menuFor(index, &window));
    for (QAction* a : menu->actions())
        if (a->objectName() == name) {
            QVERIFY2(a->isEnabled(), qPrintable(name));
            a->trigger();
            return;
        }
    QFAIL(qPrintable(QStringLiteral("no action ") + name));
}

void undoLastRepair(MainWindow& window, const QString& fqn) {
    RepairMenu* repairs = window.repairMenu();
    repairs->setConfirm(
        [](const QString&, const QString&, const QString& typeName) { return typeName.isEmpty(); });
    QSignalSpy done(repairs, &RepairMenu::done);
    trigger(window, fqn, QStringLiteral("undoRepair"));
    QVERIFY(done.wait(30000));
}

} // namespace

class TestRepairDialogs : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

private slots:
    void initTestCase() { m_theme = test::startGuiTest(QStringLiteral("tst_repair_dialogs")); }

    void moveRenamesTheRecordAndItsNestedChildren() {
        QTemporaryDir tmp;
        const QString dir = test::copyFixtureProject(tmp, QStringLiteral("app-stages/03-up-dev-again"));
        const auto before = test::treeHash(dir);
        MainWindow window(m_theme.get());
        test::showProject(window, dir);
        QAbstractItemModelTester tester(window.treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Repairs are offered for read records: wait for the load, not only for the walked row.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("shop/dev/bundle")).isValid() &&
                    !window.session()->isLoading());

        trigger(window, QStringLiteral("shop/dev/bundle"), QStringLiteral("moveRecord"));
        MoveRecordDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<MoveRecordDialog*>()) && dialog->isVisible());
        QVERIFY(!dialog->writeButton()->isEnabled());

        // Validated as typed, by the id validator: nothing is planned for a bad FQN.
        dialog->newFqnEdit()->setText(QStringLiteral("shop/dev/pack:age"));
        QVERIFY2(dialog->errorText().contains(QStringLiteral("contains ':'")),
                 qPrintable(dialog->errorText()));
        QVERIFY(!dialog->writeButton()->isEnabled());
        dialog->newFqnEdit()->setText(QStringLiteral("shop/package"));
        QVERIFY2(dialog->errorText().contains(QStringLiteral("three parts")),
                 qPrintable(dialog->errorText()));

        QSignalSpy ready(dialog, &PlannedRepairDialog::planReady);
        dialog->newFqnEdit()->setText(QStringLiteral("shop/dev/package"));
        QVERIFY(ready.wait(10000));
        const QString preview = dialog->previewView()->toPlainText();
        // Every record that follows, nested children included, and the files they are.
        for (const char* fqn : {"shop/dev/package", "shop/dev/package/a", "shop/dev/package/manifest/deep"})
            QVERIFY2(preview.contains(QLatin1String(fqn)), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("shop/dev/bundle/manifest/deep.json")), qPrintable(preview));
        QVERIFY(dialog->writeButton()->isEnabled());
        QCOMPARE(test::treeHash(dir), before); // planning wrote nothing
        dialog->resize(820, 560);
        QTest::qWait(100);
        test::saveScreenshot(dialog, QStringLiteral("repair-move-dialog"));

        QSignalSpy written(dialog, &PlannedRepairDialog::written);
        dialog->writeButton()->click();
        QVERIFY(written.wait(30000));
        QTRY_VERIFY(
            window.treeModel()->indexForFqn(QStringLiteral("shop/dev/package/manifest/deep")).isValid());
        QVERIFY(!window.treeModel()->indexForFqn(QStringLiteral("shop/dev/bundle")).isValid());
        const QString dev = dir + QStringLiteral("/.alchemy/shop/dev/");
        QVERIFY(QFile::exists(dev + QStringLiteral("package.json")));
        QVERIFY(QFile::exists(dev + QStringLiteral("package/manifest/deep.json")));
        QVERIFY(!QFile::exists(dev + QStringLiteral("bundle.json")));
        QVERIFY(test::readFile(dev + QStringLiteral("package/manifest/deep.json"))
                    .contains("\"fqn\": \"shop/dev/package/manifest/deep\""));
        // shop/dev/nested/bundle is another record: it stays.
        QVERIFY(QFile::exists(dev + QStringLiteral("nested/bundle/x.json")));

        undoLastRepair(window, QStringLiteral("shop/dev/package"));
        QCOMPARE(test::treeHash(dir), before);
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("shop/dev/bundle")).isValid());
    }

    void forgetNeedsNestedOnRequestAndTheStageNameForAScope() {
        QTemporaryDir tmp;
        const QString dir = test::copyFixtureProject(tmp, QStringLiteral("app-stages/03-up-dev-again"));
        const auto before = test::treeHash(dir);
        MainWindow window(m_theme.get());
        test::showProject(window, dir);
        // Repairs are offered for read records: wait for the load, not only for the walked row.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("shop/dev/storage")).isValid() &&
                    !window.session()->isLoading());

        // A resource with nested records: refused until they are included.
        trigger(window, QStringLiteral("shop/dev/bundle"), QStringLiteral("forgetRecord"));
        ForgetRecordDialog* forget = nullptr;
        QTRY_VERIFY((forget = window.findChild<ForgetRecordDialog*>()) && forget->isVisible());
        QVERIFY(!forget->nestedBox()->isChecked());
        QTRY_VERIFY2(forget->errorText().contains(QStringLiteral("nested")), qPrintable(forget->errorText()));
        QVERIFY(!forget->writeButton()->isEnabled());
        QSignalSpy ready(forget, &PlannedRepairDialog::planReady);
        forget->nestedBox()->setChecked(true);
        QVERIFY(ready.wait(10000));
        QVERIFY(
            forget->previewView()->toPlainText().contains(QStringLiteral("shop/dev/bundle/manifest/deep")));
        QVERIFY(forget->writeButton()->isEnabled());
        QVERIFY(!forget->typedNameEdit()->isVisible()); // 5 records, not a scope: no name to type
        forget->reject();
        QTRY_VERIFY(!window.findChild<ForgetRecordDialog*>());

        // A scope (its record and everything in it): the stage name must be typed.
        trigger(window, QStringLiteral("shop/dev/storage"), QStringLiteral("forgetRecord"));
        QTRY_VERIFY((forget = window.findChild<ForgetRecordDialog*>()) && forget->isVisible());
        QVERIFY(forget->nestedBox()->isChecked());
        QTRY_VERIFY2(forget->writeButton()->isEnabled() || forget->typedNameEdit()->isVisible(),
                     qPrintable(forget->errorText()));
        QVERIFY(forget->previewView()->toPlainText().contains(QStringLiteral("shop/dev/storage/cache/warm")));
        QVERIFY(!forget->writeButton()->isEnabled());
        forget->typedNameEdit()->setText(QStringLiteral("prod"));
        QVERIFY(!forget->writeButton()->isEnabled());
        forget->typedNameEdit()->setText(QStringLiteral("dev"));
        QVERIFY(forget->writeButton()->isEnabled());
        QTest::qWait(100);
        test::saveScreenshot(forget, QStringLiteral("repair-forget-dialog"));
        QSignalSpy written(forget, &PlannedRepairDialog::written);
        forget->writeButton()->click();
        QVERIFY(written.wait(30000));
        QTRY_VERIFY(!window.treeModel()->indexForFqn(QStringLiteral("shop/dev/storage")).isValid());
        QVERIFY(!QFile::exists(dir + QStringLiteral("/.alchemy/shop/dev/storage/cache/warm.json")));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/.alchemy/shop/dev/storage.json")));
        // Only the scope went.
        const auto after = test::treeHash(dir);
        for (auto it = before.begin(); it != before.end(); ++it)
            if (!it.key().contains(QStringLiteral("/shop/dev/storage")))
                QCOMPARE(after.value(it.key()), it.value());

        undoLastRepair(window, QStringLiteral("shop/dev"));
        QCOMPARE(test::treeHash(dir), before);
    }

    void editDecryptsWhenUnlockedValidatesAndSealsAgain() {
        QTemporaryDir tmp;
        const QString dir = test::copyFixtureProject(tmp, QStringLiteral("secrets/01-up"));
        const QString file = dir + QStringLiteral("/.alchemy/vault/dev/token.json");
        const auto before = test::treeHash(dir);
        MainWindow window(m_theme.get());
        test::showProject(window, dir);
        // Repairs are offered for read records: wait for the load, not only for the walked row.
        QTRY_VERIFY(window.treeModel()->indexForFqn(QStringLiteral("vault/dev/token")).isValid() &&
                    !window.session()->isLoading());
        window.vault()->addPassword(SecureString("correct horse battery staple"));
        QTRY_VERIFY_WITH_TIMEOUT(window.vault()->openCount() > 0, 60000);

        trigger(window, QStringLiteral("vault/dev/token"), QStringLiteral("editRecord"));
        EditRecordDialog* edit = nullptr;
        QTRY_VERIFY((edit = window.findChild<EditRecordDialog*>()) && edit->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(edit->editor()->isEnabled(), 30000);
        QVERIFY(edit->isDecrypted());
        const QString original = edit->editor()->toPlainText();
        QVERIFY2(original.contains(QStringLiteral("c61195a397e8ccd8")),
                 qPrintable(original)); // the plaintext

        // Invalid: refused with the field named, nothing written.
        QSignalSpy failed(edit, &PlannedRepairDialog::planFailed);
        QString bad = original;
        bad.replace(QStringLiteral("\"status\": \"created\""), QStringLiteral("\"status\": \"done\""));
        edit->editor()->setPlainText(bad);
        failed.clear();
        edit->checkButton()->click();
        QTRY_VERIFY(!failed.isEmpty() && !edit->isPlanning());
        QVERIFY2(edit->errorText().contains(QStringLiteral("status")), qPrintable(edit->errorText()));
        QVERIFY(!edit->writeButton()->isEnabled());
        edit->editor()->setPlainText(original.left(original.size() / 2));
        edit->checkButton()->click();
        QTRY_VERIFY(edit->errorText().contains(QStringLiteral("not JSON")));
        QCOMPARE(test::treeHash(dir), before);

        // A new secret value and a plain change: sealed again on write.
        QString changed = original;
        changed.replace(QStringLiteral("c61195a397e8ccd8"), QStringLiteral("0123456789abcdef"));
        changed.replace(QStringLiteral("\"length\": 8,"), QStringLiteral("\"length\": 16,"));
        QVERIFY(changed != original);
        edit->editor()->setPlainText(changed);
        QSignalSpy ready(edit, &PlannedRepairDialog::planReady);
        edit->checkButton()->click();
        QVERIFY(ready.wait(30000));
        QVERIFY2(edit->previewView()->toPlainText().contains(QStringLiteral("encrypted anew")),
                 qPrintable(edit->previewView()->toPlainText()));
        edit->resize(820, 700);
        QTest::qWait(100);
        test::saveScreenshot(edit, QStringLiteral("repair-edit-dialog"));
        QSignalSpy written(edit, &PlannedRepairDialog::written);
        edit->writeButton()->click();
        QVERIFY(written.wait(30000));
        const QByteArray stored = test::readFile(file);
        QVERIFY(stored.contains("\"length\": 16"));
        QVERIFY(!stored.contains("0123456789abcdef")); // the secret is on disk only encrypted
        QVERIFY(stored.contains("\"@secret\""));
        // The GUI opens the new value with the same password.
        QTRY_VERIFY_WITH_TIMEOUT(!window.vault()->isBusy(), 30000);

        undoLastRepair(window, QStringLiteral("vault/dev/token"));
        QCOMPARE(test::treeHash(dir), before);
    }
};

QTEST_MAIN(TestRepairDialogs)
#include "tst_repair_dialogs.moc"

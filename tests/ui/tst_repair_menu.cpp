// The scope tree's repair menu: on a record left `updating` by an interrupted run, "Settle as Created…"
// shows exactly what it writes (the preview athanorctl prints), asks once, writes only that record, and
// "Undo Last Repair…" brings its bytes back. ATHANOR_SHOT_DIR=<dir>: saves PNGs of the menu and the
// confirmation (for looking at them; the test checks the same things either way).
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "inspector/ScopeTreeView.h"
#include "models/StateTreeModel.h"
#include "repair/RepairMenu.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

void shoot(QWidget* widget, const QString& name) {
    const QString dir = qEnvironmentVariable("ATHANOR_SHOT_DIR");
    if (!dir.isEmpty())
        widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"), "PNG");
}

QAction* actionNamed(QMenu* menu, const QString& text) {
    for (QAction* a : menu->actions())
        if (a->text() == text)
            return a;
    return nullptr;
}

} // namespace

class TestRepairMenu : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("AthanorTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_repair_menu"));
        QSettings().clear();
        initResources();
        m_theme = std::make_unique<Theme>();
    }

    void settleThenUndoFromTheTreeMenu() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("p"));
        QDir().mkpath(project);
        test::copyTree(test::fixture(QStringLiteral("app-stages/03-up-dev-again/.alchemy")),
                       project + QStringLiteral("/.alchemy"));
        const QString file = project + QStringLiteral("/.alchemy/shop/dev/config.json.json");
        QByteArray text = test::readFile(file);
        QVERIFY(text.contains("\"status\": \"created\""));
        text.replace("\"status\": \"created\"", "\"status\": \"updating\"");
        QVERIFY(test::writeFile(file, text));
        const QByteArray stuck = test::readFile(file);

        MainWindow window(m_theme.get());
        window.resize(1300, 900);
        window.show();
        window.openProject(project);
        StateTreeModel* model = window.treeModel();
        QTRY_VERIFY(model->indexForFqn(QStringLiteral("shop/dev/config.json")).isValid());
        const QModelIndex source = model->indexForFqn(QStringLiteral("shop/dev/config.json"));

        RepairMenu* repairs = window.repairMenu();
        std::unique_ptr<QMenu> menu(repairs->menuFor(source, &window));
        QAction* settle = actionNamed(menu.get(), QStringLiteral("Settle as Created…"));
        QAction* forget = actionNamed(menu.get(), QStringLiteral("Forget Record…"));
        QVERIFY(settle && forget);
        QVERIFY(settle->isEnabled());
        menu->popup(window.mapToGlobal(QPoint(300, 300)));
        QTest::qWait(100);
        shoot(menu.get(), QStringLiteral("repair-menu"));
        menu->hide();

        QString asked, preview;
        repairs->setConfirm([&](const QString& title, const QString& text, const QString& typeName) {
            asked = title;
            preview = text;
            auto box = RepairMenu::confirmationBox(&window, title, text);
            box->show();
            QTest::qWait(100);
            shoot(box.get(), QStringLiteral("repair-confirmation"));
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
        QAction* undo = actionNamed(again.get(), QStringLiteral("Undo Last Repair…"));
        QVERIFY(undo && undo->isEnabled());
        undo->trigger();
        QVERIFY(done.wait(10000));
        QCOMPARE(test::readFile(file), stuck);
    }
};

QTEST_MAIN(TestRepairMenu)
#include "tst_repair_menu.moc"

// The History tab answers "what did this run change?": after two Ups of the demo stack (the second with a
// changed file), selecting the last Up lists the record it changed with the whole record's diff (the diff
// view of the Changes tab), and "Restore before this run…" writes that one record back as it was, after
// saying exactly what it writes.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/Theme.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunHistoryModel.h"
#include "models/JsonDiffModel.h"
#include "repair/RunChangesPanel.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kRunTimeout = 60000;

// Up with its plan confirmed; the Up's outcome.
std::shared_ptr<const RunOutcome> upConfirmed(DeployConsole* console) {
    if (test::pressUpAndConfirm(console, kRunTimeout) < 0)
        return nullptr;
    return test::waitRun(console, kRunTimeout);
}

} // namespace

class TestRunChanges : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_run_changes"));
        qputenv("ALCHEMY_STAGE", "dev");
        qunsetenv("ALCHEMY_PASSWORD");
        qunsetenv("DEMO_FAIL");
    }

    void historyShowsTheLastUpsDiffAndRestoresOneRecord() {
        QTemporaryDir tmp;
        const QString project = tmp.filePath(QStringLiteral("demo"));
        test::copyTree(test::demoProject(), project);
        MainWindow window(m_theme.get());
        DeployConsole* console = installDeployConsole(&window, false);
        test::showProject(window, project);
        QVERIFY(test::waitTargetRead(console));

        auto first = upConfirmed(console);
        QVERIFY(first && first->request.phase == Phase::Up && first->end == RunEnd::Succeeded);
        const QString readmeRecord = project + QStringLiteral("/.alchemy/demo/dev/readme.json");
        const QByteArray readmeBefore = test::readFile(readmeRecord);

        QByteArray stack = test::readFile(project + QStringLiteral("/alchemy.stack.json"));
        stack.replace("Destroy the stage to remove this folder.", "Changed by the second Up.");
        test::writeFile(project + QStringLiteral("/alchemy.stack.json"), stack);
        QTRY_VERIFY(console->upButton()->isEnabled());
        auto second = upConfirmed(console);
        QVERIFY(second && second->request.phase == Phase::Up && second->end == RunEnd::Succeeded);
        QVERIFY(test::readFile(readmeRecord) != readmeBefore);

        // The newest Up in the History tab: its changed records and their diff.
        console->reloadHistory();
        RunHistoryModel* history = console->historyModel();
        QTRY_VERIFY(history->rowCount() >= 3); // up, plan, up (the first plan had no state folder to keep it)
        int lastUp = -1;
        for (int r = 0; r < history->rowCount() && lastUp < 0; ++r) // newest first
            if (history->entry(r).phase == Phase::Up)
                lastUp = r;
        QVERIFY(lastUp >= 0);
        RunChangesPanel* panel = console->runChanges();
        // The History tab in front, as a user opens it: the tab page holding the panel.
        for (QWidget* page = panel; page; page = page->parentWidget())
            for (QTabWidget* tabs : console->findChildren<QTabWidget*>())
                if (tabs->indexOf(page) >= 0)
                    tabs->setCurrentWidget(page);
        QTRY_VERIFY(panel->isVisible());
        QAbstractItemModelTester recordsTester(panel->recordsModel(),
                                               QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester diffTester(panel->diffModel(),
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(panel, &RunChangesPanel::loaded);
        console->historyView()->setCurrentIndex(history->index(lastUp, 0));
        QVERIFY(loaded.wait(10000) || loaded.count() > 0);
        const int readme = test::rowNamed(panel->recordsModel(), QStringLiteral("demo/dev/readme")).row();
        QVERIFY2(readme >= 0, qPrintable(panel->statusText()));
        QCOMPARE(panel->recordsModel()->index(readme, 1).data().toString(), QStringLiteral("changed"));
        panel->recordsView()->setCurrentIndex(panel->recordsModel()->index(readme, 0));
        QVERIFY(panel->diffModel()->summary().changed >= 1);
        QVERIFY(panel->restoreButton()->isEnabled());
        QTest::qWait(200);
        test::saveScreenshot(&window, QStringLiteral("history-run-diff"));

        // Restore: asked once, naming the record; only that record is written back.
        QString asked;
        panel->setConfirm([&](const QString& title, const QString&) {
            asked = title;
            return true;
        });
        QSignalSpy restored(panel, &RunChangesPanel::restored);
        QTest::mouseClick(panel->restoreButton(), Qt::LeftButton);
        QSignalSpy failed(panel, &RunChangesPanel::failed);
        QTRY_VERIFY_WITH_TIMEOUT(restored.count() + failed.count() > 0, 10000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed.at(0).at(0).toString()));
        QVERIFY2(asked.contains(QStringLiteral("demo/dev/readme")), qPrintable(asked));
        QCOMPARE(restored.at(0).at(0).toString(), QStringLiteral("demo/dev/readme"));
        QCOMPARE(test::readFile(readmeRecord), readmeBefore);
        QTest::qWait(300);
        test::saveScreenshot(&window, QStringLiteral("history-restored"));
    }
};

QTEST_MAIN(TestRunChanges)
#include "tst_run_changes.moc"

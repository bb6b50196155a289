// The GUI on state sources other than a folder: a database real Alchemy wrote opens (directly, from File ›
// Open State Source…, or as the folder holding only state.sqlite, which the window says), browses, unlocks
// its secrets, reloads by itself when the database changes, keeps its tree when a load fails, runs Up / Read
// / Destroy against the database, and File › Copy State To… copies it with progress and the migrate checks.
#include "UiTestUtil.h"
#include "app/Application.h"
#include "app/MainWindow.h"
#include "app/RecentProjects.h"
#include "app/Theme.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "deploy/DestroyConfirmDialog.h"
#include "deploy/OutputsModel.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryModel.h"
#include "deploy/RunOutcome.h"
#include "deploy/RunSummaryWidget.h"
#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretVault.h"
#include "sources/CopyStateDialog.h"
#include "sources/OpenSourceDialog.h"
#include "sources/SourcePicker.h"
#include "state/RecordDocument.h"
#include "state/StateSession.h"
#include "store/StateSource.h"
#include "widgets/EmptyStatePage.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest/QtTest>
#include <sqlite3.h>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kRunTimeout = 60000;

QString sqliteFixture(const QString& file) {
    return QStringLiteral(ATHANOR_TEST_DATA_DIR) + QStringLiteral("/real-alchemy-sqlite/") + file;
}

void sql(const QString& db, const char* statement) {
    sqlite3* handle = nullptr;
    QVERIFY(sqlite3_open(db.toUtf8().constData(), &handle) == SQLITE_OK);
    sqlite3_busy_timeout(handle, 5000);
    char* error = nullptr;
    const int rc = sqlite3_exec(handle, statement, nullptr, nullptr, &error);
    const QString message = error ? QString::fromUtf8(error) : QString();
    sqlite3_free(error);
    sqlite3_close(handle);
    QVERIFY2(rc == SQLITE_OK, qPrintable(message));
}

int rowCount(const QString& db) {
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.toUtf8().constData(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        return -1;
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(handle, "SELECT count(*) FROM resources", -1, &stmt, nullptr);
    const int n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return n;
}

} // namespace

class TestStateSources : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;
    QTemporaryDir m_home; // XDG_DATA_HOME: Athanor homes of database sources go here, not into the user's

    // A copy of Alchemy's database in a project folder of its own (.alchemy/state.sqlite).
    QString projectWithDatabase(QTemporaryDir& tmp) {
        const QString project = tmp.filePath(QStringLiteral("vault"));
        test::writeFile(project + QStringLiteral("/.alchemy/state.sqlite"),
                        test::readFile(sqliteFixture(QStringLiteral("state.sqlite"))));
        return project;
    }

    std::unique_ptr<MainWindow> window() { return test::shownWindow(m_theme.get(), {1200, 800}); }

private slots:
    void initTestCase() {
        m_theme = test::startGuiTest(QStringLiteral("tst_state_sources"));
        qputenv("XDG_DATA_HOME", m_home.path().toUtf8());
        qputenv("ALCHEMY_STAGE", "dev");
        qunsetenv("ALCHEMY_PASSWORD");
    }

    void opensAlchemysDatabaseBrowsesAndUnlocks() {
        QTemporaryDir tmp;
        const QString db = projectWithDatabase(tmp) + QStringLiteral("/.alchemy/state.sqlite");
        auto w = window();
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QStringLiteral("sqlite:") + db);
        QVERIFY(shown.wait(20000));
        QAbstractItemModelTester tester(w->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(w->windowTitle().startsWith(QStringLiteral("sqlite:") + db));
        const auto index = w->treeModel()->stateIndex();
        QCOMPARE(index->resources, 5);
        QCOMPARE(index->scopes, 2);
        QCOMPARE(index->secrets, 6);
        QCOMPARE(w->session()->spec(), SourceSpec::sqlite(db.toStdString()));
        // Selecting a record loads it through the database, in Alchemy's column order, ciphertexts as stored.
        QSignalSpy loaded(w->details(), &DetailsPane::documentLoaded);
        QVERIFY(w->selectFqn(QStringLiteral("vault/dev/with-env")));
        QVERIFY(loaded.wait(10000));
        const auto document = w->details()->document();
        QVERIFY(document && document->error.isEmpty());
        QVERIFY(document->text.startsWith(QStringLiteral("{\n  \"id\": \"with-env\",\n  \"status\"")));
        QCOMPARE(document->absolutePath, db);
        QVERIFY2(
            document->location.contains(QStringLiteral("row scope [\"vault\",\"dev\"], id \"with-env\"")),
            qPrintable(document->location));
        // Secrets open with the passwords Alchemy used; the child scope needs its own.
        SecretVault* vault = w->vault();
        vault->addPassword(SecureString("correct horse battery staple"));
        QTRY_COMPARE_WITH_TIMEOUT(vault->openCount(), 4, 20000);
        vault->addPassword(SecureString("team-scope-password"));
        QTRY_COMPARE_WITH_TIMEOUT(vault->openCount(), 6, 20000);
        QCOMPARE(vault->lockedCount(), 0);
        // Remembered as a recent source, with its kind.
        QVERIFY(RecentProjects::list().contains(QStringLiteral("sqlite:") + db));
        // Nothing was written into the database by browsing.
        QCOMPARE(rowCount(db), 7);
    }

    void folderHoldingOnlyTheDatabaseOpensItAndSaysSo() {
        QTemporaryDir tmp;
        const QString project = projectWithDatabase(tmp);
        auto w = window();
        QSignalSpy resolved(w->session(), &StateSession::sourceResolved);
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(project);
        QVERIFY(shown.wait(20000));
        QCOMPARE(resolved.count(), 1);
        QCOMPARE(resolved.at(0).at(0).toString(),
                 QStringLiteral("sqlite:") + project + QStringLiteral("/.alchemy/state.sqlite"));
        QVERIFY(resolved.at(0).at(1).toString().contains(QStringLiteral("holds no record files")));
        QVERIFY2(w->statusBar()->currentMessage().contains(QStringLiteral("opened state.sqlite")),
                 qPrintable(w->statusBar()->currentMessage()));
        QVERIFY(w->windowTitle().startsWith(QStringLiteral("sqlite:")));
        QCOMPARE(w->treeModel()->stateIndex()->resources, 5);
    }

    void reloadsWhenTheDatabaseChangesAndKeepsTheTreeWhenALoadFails() {
        QTemporaryDir tmp;
        const QString db = projectWithDatabase(tmp) + QStringLiteral("/.alchemy/state.sqlite");
        auto w = window();
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QStringLiteral("sqlite:") + db);
        QVERIFY(shown.wait(20000));
        QCOMPARE(test::treeStatus(w.get(), QStringLiteral("vault/dev/readme")), StatusCategory::Created);
        // Another writer (Alchemy) changes a row: the window notices by itself.
        sql(db, "UPDATE resources SET status = 'creating' WHERE id = 'readme'");
        QTRY_COMPARE_WITH_TIMEOUT(test::treeStatus(w.get(), QStringLiteral("vault/dev/readme")),
                                  StatusCategory::Creating, 10000);

        // The database stops being Alchemy's (its table renamed by someone): the load fails and says why, the
        // last good tree stays; once the table is back the window recovers by itself.
        QSignalSpy failed(w->session(), &StateSession::loadFailed);
        sql(db, "ALTER TABLE resources RENAME TO resources_aside");
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("has no table \"resources\"")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(w->isShowingTree());
        QCOMPARE(w->treeModel()->stateIndex()->resources, 5);
        sql(db, "ALTER TABLE resources_aside RENAME TO resources");
        QTRY_VERIFY_WITH_TIMEOUT(w->session()->lastError().isEmpty(), 20000);
        QCOMPARE(rowCount(db), 7); // nothing was deleted
    }

    void aDatabaseLockedPastTheBusyTimeoutSaysSoThenOpens() {
        QTemporaryDir tmp;
        const QString db = projectWithDatabase(tmp) + QStringLiteral("/.alchemy/state.sqlite");
        sqlite3* blocker = nullptr;
        QVERIFY(sqlite3_open(db.toUtf8().constData(), &blocker) == SQLITE_OK);
        QVERIFY(sqlite3_exec(blocker, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
        QVERIFY(sqlite3_exec(blocker, "BEGIN EXCLUSIVE; UPDATE resources SET seq = seq", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
        auto w = window();
        QSignalSpy failed(w->session(), &StateSession::loadFailed);
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(QStringLiteral("sqlite:") + db);
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("locked by another writer")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!w->isShowingTree());
        bool said = false; // the empty page says why there is no tree
        for (const QLabel* label : w->emptyPage()->findChildren<QLabel*>())
            said = said || label->text().contains(QStringLiteral("locked by another writer"));
        QVERIFY(said);
        sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(blocker);
        QVERIFY(shown.wait(30000)); // retried by itself
        QCOMPARE(w->treeModel()->stateIndex()->resources, 5);
    }

    void openStateSourceDialogPicksAKindAndRemembers() {
        QTemporaryDir tmp;
        const QString db = projectWithDatabase(tmp) + QStringLiteral("/.alchemy/state.sqlite");
        OpenSourceDialog dialog({QStringLiteral("sqlite:") + db, tmp.path()});
        QCOMPARE(dialog.recentList()->count(), 2);
        QVERIFY(dialog.recentList()->item(0)->text().startsWith(QStringLiteral("SQLite")));
        QVERIFY(dialog.recentList()->item(1)->text().startsWith(QStringLiteral("Folder")));
        auto* open = dialog.buttons()->button(QDialogButtonBox::Open);
        dialog.picker()->kindBox()->setCurrentIndex(1);
        dialog.picker()->locationEdit()->setText(tmp.filePath(QStringLiteral("missing.sqlite")));
        QVERIFY(!open->isEnabled());
        dialog.recentList()->setCurrentRow(0);
        QCOMPARE(dialog.picker()->locationEdit()->text(), db);
        QVERIFY(open->isEnabled());
        dialog.accept();
        QVERIFY(dialog.chosen());
        QCOMPARE(*dialog.chosen(), SourceSpec::sqlite(db.toStdString()));
    }

    void copyStateToCopiesWithProgressAndTheMigrateChecks() {
        QTemporaryDir tmp;
        const QString db = projectWithDatabase(tmp) + QStringLiteral("/.alchemy/state.sqlite");
        const QString target = tmp.filePath(QStringLiteral("as-files"));
        CopyStateDialog dialog(SourceSpec::sqlite(db.toStdString()));
        dialog.show();
        dialog.picker()->kindBox()->setCurrentIndex(0);
        dialog.picker()->locationEdit()->setText(target);
        QVERIFY(dialog.copyButton()->isEnabled());
        QSignalSpy finished(&dialog, &CopyStateDialog::copyFinished);
        QTest::mouseClick(dialog.copyButton(), Qt::LeftButton);
        QVERIFY(dialog.progressBar()->isVisible()); // shown while the worker copies
        QVERIFY(!dialog.copyButton()->isEnabled());
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY2(dialog.resultLabel()->text().startsWith(QStringLiteral("Done: 7 records copied")),
                 qPrintable(dialog.resultLabel()->text()));
        QVERIFY(!dialog.progressBar()->isVisible());
        QVERIFY(QFileInfo::exists(target + QStringLiteral("/.alchemy/vault/dev/with-env.json")));
        QVERIFY(dialog.openCopyButton()->isVisible());

        // Again into the same folder: refused until replacing is ticked.
        QTest::mouseClick(dialog.copyButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(1).at(0).toBool(), false);
        QVERIFY2(dialog.resultLabel()->text().contains(QStringLiteral("already holds 7 records")),
                 qPrintable(dialog.resultLabel()->text()));
        dialog.overwriteBox()->setChecked(true);
        QTest::mouseClick(dialog.copyButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(2).at(0).toBool(), true);
        // A copy of a database into files lists the records whose oldProps the SQL store kept (hazard §14.7).
        QVERIFY(dialog.detailsView()->isVisible());
        QVERIFY(dialog.detailsView()->toPlainText().contains(QStringLiteral("hazard §14.7")));
    }

    void upReadDestroyRunAgainstTheDatabase() {
        QTemporaryDir tmp;
        const QString project = projectWithDatabase(tmp);
        const QString db = project + QStringLiteral("/.alchemy/state.sqlite");
        test::writeFile(project + QStringLiteral("/alchemy.stack.json"),
                        test::readFile(sqliteFixture(QStringLiteral("vault.stack.json"))));
        auto w = window();
        DeployConsole* c = installDeployConsole(w.get(), false);
        QSignalSpy shown(w.get(), &MainWindow::treeShown);
        w->openProject(project);
        QVERIFY(shown.wait(20000));
        QTRY_COMPARE(c->stateSource(), QStringLiteral("sqlite:") + db);
        QCOMPARE(c->projectRoot(), project);
        QTRY_VERIFY(c->upButton()->isEnabled());

        QTest::mouseClick(c->upButton(), Qt::LeftButton);
        auto plan = test::waitRun(c, kRunTimeout);
        QVERIFY(plan);
        QVERIFY2(plan->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        auto* dialog = qobject_cast<PlanDialog*>(c->pendingDialog());
        QVERIFY(dialog);
        QCOMPARE(dialog->changeCount(), 2); // the two os::Exec, always updated
        QTest::mouseClick(dialog->applyButton(), Qt::LeftButton);
        auto up = test::waitRun(c, kRunTimeout);
        QVERIFY(up);
        QVERIFY2(up->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(up->report.counts.updated, 2);
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/.alchemy/vault"))); // the database, not files
        QCOMPARE(rowCount(db), 7);
        // Run history lives in the database's Athanor home, not beside it.
        QTRY_COMPARE(c->historyModel()->rowCount(), 2);
        QVERIFY(!QFileInfo::exists(project + QStringLiteral("/.alchemy/.athanor")));
        QVERIFY(QFileInfo::exists(QString::fromStdString(w->session()->source()->athanorHome().string()) +
                                  QStringLiteral("/runs")));

        QTRY_VERIFY(c->readButton()->isEnabled());
        QTest::mouseClick(c->readButton(), Qt::LeftButton);
        auto read = test::waitRun(c, kRunTimeout);
        QVERIFY(read);
        QVERIFY2(read->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(c->outputsModel()->resourceCount(), 5);

        QTRY_VERIFY(c->destroyButton()->isEnabled());
        QTest::mouseClick(c->destroyButton(), Qt::LeftButton);
        // The engine's destroy dry run on the database first, then the dialog listing its deletions.
        QTRY_VERIFY(qobject_cast<DestroyConfirmDialog*>(c->pendingDialog()));
        auto* confirm = qobject_cast<DestroyConfirmDialog*>(c->pendingDialog());
        QTest::keyClicks(confirm->nameEdit(), QStringLiteral("dev"));
        QTest::mouseClick(confirm->destroyButton(), Qt::LeftButton);
        auto destroyed = test::waitRun(c, kRunTimeout);
        QVERIFY(destroyed);
        QVERIFY2(destroyed->end == RunEnd::Succeeded, qPrintable(c->summary()->text()));
        QCOMPARE(rowCount(db), 0);
        QTRY_COMPARE_WITH_TIMEOUT(test::treeStatus(w.get(), QStringLiteral("vault/dev/readme")),
                                  StatusCategory::None, 10000);
    }
};

QTEST_MAIN(TestStateSources)
#include "tst_state_sources.moc"

// A folder's first load in the GUI is staged: the walked tree is shown at once, records fill in by batches
// (no model reset: expansion and selection stay), and once complete everything equals a whole load.
#include "UiTestUtil.h"
#include "app/MainWindow.h"
#include "deploy/DeployConsole.h"
#include "deploy/DeployConsoleHost.h"
#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "sources/SourceBanner.h"
#include "state/RecordDocument.h"
#include "state/StateIndex.h"
#include "state/StateSession.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <sys/inotify.h>
#include <unistd.h>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kTimeout = 30000;
constexpr int kBulk = 2000;

QByteArray bulkRecord(int n) {
    const QByteArray id = "bulk-" + QByteArray::number(n);
    return "{\n  \"kind\": \"fs::File\",\n  \"id\": \"" + id + "\",\n  \"fqn\": \"life/dev/" + id +
           "\",\n  \"seq\": " + QByteArray::number(n) +
           ",\n  \"data\": {},\n  \"status\": \"created\",\n  \"output\": {\n    \"path\": \"" + id +
           ".txt\"\n  },\n  \"props\": {\n    \"path\": \"" + id + ".txt\"\n  }\n}";
}

// The runs-and-pending tree (records in flight, pending deletions, a naked scope with nested resources) with
// kBulk more records and one corrupt file among them: enough files for many batches.
QString makeProject(const QTemporaryDir& tmp, const QString& name) {
    const QString dir = tmp.filePath(name);
    if (!QDir().mkpath(dir) || !test::makeRunsAndPendingTree(dir))
        return {};
    const QString dev = dir + QStringLiteral("/.alchemy/life/dev/");
    for (int n = 0; n < kBulk; ++n)
        if (!test::writeFile(dev + QStringLiteral("bulk-%1.json").arg(n), bulkRecord(n)))
            return {};
    if (!test::writeFile(dev + QStringLiteral("bulk-1000.json"), "{\n  \"kind\": \"fs::File\",\n  \"id\": "))
        return {};
    return dir;
}

// What a view shows of every node, the same for an index filled in by batches and one loaded whole.
QString describe(const StateIndex& index) {
    QString out = QStringLiteral("%1 apps %2 stages %3 scopes %4 resources %5 unreadable %6 interrupted %7 "
                                 "secrets; kinds %8\n")
                      .arg(index.apps)
                      .arg(index.stages)
                      .arg(index.scopes)
                      .arg(index.resources)
                      .arg(index.unreadable)
                      .arg(index.interrupted)
                      .arg(index.secrets)
                      .arg(index.kinds.join(QLatin1Char(',')));
    for (size_t i = 0; i < index.nodes.size(); ++i) {
        const auto& n = index.nodes[i];
        const SnapshotRecord* r = index.record(static_cast<int32_t>(i));
        out += QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8\n")
                   .arg(index.fqnOf(static_cast<int32_t>(i)), n.kind)
                   .arg(static_cast<int>(n.status))
                   .arg(n.row)
                   .arg(n.resources)
                   .arg(n.interrupted)
                   .arg(n.unreadable)
                   .arg(r ? QString::fromStdString(r->error) : QStringLiteral("-"));
    }
    return out;
}

// Every row's texts, through the model's own API (pending deletion rows included).
void describeRows(const QAbstractItemModel& model, const QModelIndex& parent, QStringList& out) {
    for (int row = 0; row < model.rowCount(parent); ++row) {
        QString line;
        for (int column = 0; column < model.columnCount(parent); ++column)
            line += model.index(row, column, parent).data().toString() + QLatin1Char('|');
        out << line;
        describeRows(model, model.index(row, 0, parent), out);
    }
}

} // namespace

class TestStagedLoad : public QObject {
    Q_OBJECT

    std::unique_ptr<Theme> m_theme;

    // A session feeding a model the way MainWindow does.
    struct Fed {
        StateSession session;
        StateTreeModel model;
        int batches = 0;
        int completions = 0;
        bool countsRight = true; // after every batch, as a full recount gives them
        // Subtree counts as a full recount gives them, compared with what the index holds.
        static bool countsAreARecount(const StateIndex& index) {
            std::vector<int> unreadable(index.nodes.size()), interrupted(index.nodes.size());
            for (size_t i = index.nodes.size(); i-- > 0;) {
                const auto& n = index.nodes[i];
                unreadable[i] += n.status == StatusCategory::Unreadable ? 1 : 0;
                interrupted[i] += isInterrupted(n.status) ? 1 : 0;
                if (n.parent >= 0) {
                    unreadable[static_cast<size_t>(n.parent)] += unreadable[i];
                    interrupted[static_cast<size_t>(n.parent)] += interrupted[i];
                }
            }
            for (size_t i = 0; i < index.nodes.size(); ++i)
                if (index.nodes[i].unreadable != unreadable[i] ||
                    index.nodes[i].interrupted != interrupted[i])
                    return false;
            return index.unreadable == unreadable[0] && index.interrupted == interrupted[0];
        }
        Fed() {
            session.setLiveReload(false);
            session.setRecordBatchInterval(1);
            QObject::connect(&session, &StateSession::treeWalked, &model,
                             [this](std::shared_ptr<const StateIndex> index) { model.setIndex(index); });
            QObject::connect(
                &session, &StateSession::recordsLoaded, &model,
                [this](const std::shared_ptr<const StateIndex>& index, const std::vector<int32_t>& n) {
                    ++batches;
                    countsRight = countsRight && countsAreARecount(*index);
                    model.recordsLoaded(index, n);
                });
            QObject::connect(&session, &StateSession::indexChanged, &model,
                             [this](std::shared_ptr<const StateIndex> index) {
                                 ++completions;
                                 if (index == model.stateIndex())
                                     model.indexCompleted();
                                 else
                                     model.setIndex(index);
                             });
        }
    };

private slots:
    void initTestCase() { m_theme = test::startGuiTest(QStringLiteral("tst_staged_load")); }

    // The walked tree first, then batches applied to that same index without a reset; complete, it shows
    // exactly what a whole load shows: kinds, statuses, counts, the corrupt file's error, pending rows, and a
    // status filter set before the records arrived.
    void walkedTreeFillsInToWhatAWholeLoadShows() {
        QTemporaryDir tmp;
        const QString project = makeProject(tmp, QStringLiteral("p"));
        QVERIFY(!project.isEmpty());
        Fed fed;
        QAbstractItemModelTester tester(&fed.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        StateFilterProxyModel proxy;
        proxy.setStateModel(&fed.model);
        proxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Problems);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&fed.model, &QAbstractItemModel::modelReset);
        QSignalSpy walked(&fed.session, &StateSession::treeWalked);
        QSignalSpy done(&fed.session, &StateSession::indexChanged);
        bool walkedLooksRight = false;
        connect(&fed.session, &StateSession::treeWalked, this, [&](std::shared_ptr<const StateIndex> index) {
            // Every record's place is known, no kind or status yet (but the naked scope's, read with the
            // walk).
            const int32_t bulk = index->nodeByFqn.value(std::string_view("life/dev/bulk-1999"));
            walkedLooksRight =
                index->loading() && index->resources >= kBulk && bulk > 0 && !index->isRecordLoaded(bulk) &&
                !index->record(bulk) && index->nodes[static_cast<size_t>(bulk)].kind.isEmpty() &&
                index->nodeKind(index->nodeByFqn.value(std::string_view("life/dev/storage"))) ==
                    SnapshotNodeKind::Scope;
        });
        fed.session.open(project);
        QVERIFY(done.wait(kTimeout));
        QCOMPARE(walked.size(), 1);
        QVERIFY(walkedLooksRight);
        QVERIFY2(fed.batches >= 2, qPrintable(QString::number(fed.batches)));
        QVERIFY(fed.countsRight);
        QCOMPARE(resets.size(), 1); // the walked tree's only
        const auto filled = fed.model.stateIndex();
        QCOMPARE(filled, fed.session.index());
        QVERIFY(!filled->loading());

        const auto whole = StateIndex::build(project.toStdString());
        QCOMPARE(describe(*filled), describe(*whole));
        QCOMPARE(filled->unreadable, 1);
        QVERIFY(filled->interrupted >= 3);
        const SnapshotRecord* broken =
            filled->record(filled->nodeByFqn.value(std::string_view("life/dev/bulk-1000")));
        QVERIFY(broken && !broken->ok());

        StateTreeModel wholeModel;
        wholeModel.setIndex(whole);
        QStringList filledRows, wholeRows;
        describeRows(fed.model, {}, filledRows);
        describeRows(wholeModel, {}, wholeRows);
        QCOMPARE(filledRows, wholeRows); // pending deletion rows included

        StateFilterProxyModel wholeProxy;
        wholeProxy.setStateModel(&wholeModel);
        wholeProxy.setStatusFilter(StateFilterProxyModel::StatusFilter::Problems);
        QStringList filtered, wholeFiltered;
        describeRows(proxy, {}, filtered);
        describeRows(wholeProxy, {}, wholeFiltered);
        QCOMPARE(filtered, wholeFiltered);
        QCOMPARE(proxy.matchCount(), wholeProxy.matchCount());
        QVERIFY(filtered.join(QLatin1Char('\n')).contains(QStringLiteral("bulk-1000")));
    }

    // A change seen while the records fill in: the load in flight finishes, then a reload shows the new
    // record; nothing of the older read stays on screen. The naked scope's record is read with the walk, so
    // the first load certainly read it before the change.
    void reloadDuringFillInShowsTheNewest() {
        QTemporaryDir tmp;
        const QString project = makeProject(tmp, QStringLiteral("p"));
        QVERIFY(!project.isEmpty());
        Fed fed;
        QAbstractItemModelTester tester(&fed.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString storage = project + QStringLiteral("/.alchemy/life/dev/storage.json");
        connect(&fed.session, &StateSession::treeWalked, this, [&] {
            QByteArray text = test::readFile(storage);
            QVERIFY(text.contains("\"status\": \"created\""));
            text.replace("\"status\": \"created\"", "\"status\": \"creating\"");
            QVERIFY(test::writeFile(storage, text));
            fed.session.reload();
        });
        QSignalSpy finished(&fed.session, &StateSession::loadFinished);
        fed.session.open(project);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() == 2 && !fed.session.isLoading(), kTimeout);
        QCOMPARE(fed.completions, 2); // the staged load, then the reload's whole snapshot
        const auto shown = fed.model.stateIndex();
        QVERIFY(!shown->loading());
        const QModelIndex row = fed.model.indexForFqn(QStringLiteral("life/dev/storage"));
        QCOMPARE(row.data(StateTreeModel::StatusRole).toInt(), static_cast<int>(StatusCategory::Creating));
        QCOMPARE(describe(*shown), describe(*StateIndex::build(project.toStdString())));
    }

    // Another source opened while the first one's records fill in: none of the first one's batches reach
    // the second one's tree.
    void openingAnotherDuringFillInDropsTheOlderBatches() {
        QTemporaryDir tmp;
        const QString first = makeProject(tmp, QStringLiteral("first"));
        const QString second = test::copyFixtureProject(tmp, QStringLiteral("app-stages/06-state-list"));
        QVERIFY(!first.isEmpty());
        Fed fed;
        QAbstractItemModelTester tester(&fed.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        bool switched = false;
        connect(&fed.session, &StateSession::treeWalked, this, [&] {
            if (!std::exchange(switched, true))
                fed.session.open(second);
        });
        QSignalSpy done(&fed.session, &StateSession::indexChanged);
        fed.session.open(first);
        QVERIFY(done.wait(kTimeout));
        QTRY_VERIFY_WITH_TIMEOUT(!fed.session.isLoading(), kTimeout);
        QTest::qWait(200); // any batch of the first load still queued would land now
        QCOMPARE(done.size(), 1);
        const auto shown = fed.model.stateIndex();
        QCOMPARE(QString::fromStdString(shown->snapshot->layout.dotAlchemy.parent_path().string()), second);
        QCOMPARE(describe(*shown), describe(*StateIndex::build(second.toStdString())));
    }

    // The records are read once the walked tree is on screen: while the GUI thread lays out and paints it, no
    // record file is opened (on two cores the readers took the first paint's CPU).
    void noRecordIsReadWhileTheWalkedTreeIsShown() {
        QTemporaryDir tmp;
        const QString project = makeProject(tmp, QStringLiteral("p"));
        QVERIFY(!project.isEmpty());
        const int watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        QVERIFY(watch >= 0);
        const QByteArray stage = QFile::encodeName(project + QStringLiteral("/.alchemy/life/dev"));
        QVERIFY(inotify_add_watch(watch, stage.constData(), IN_OPEN) >= 0);
        // Opens of bulk-*.json (plain resources: none is read with the walk) since the last call.
        const auto bulkOpens = [watch] {
            int opens = 0;
            alignas(inotify_event) char buffer[65536];
            for (ssize_t n; (n = read(watch, buffer, sizeof buffer)) > 0;)
                for (ssize_t at = 0; at < n;) {
                    const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                    if (event->len > 0 && QByteArray(event->name).startsWith("bulk-"))
                        ++opens;
                    at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
                }
            return opens;
        };
        Fed fed;
        int opensWhileShown = -1;
        connect(&fed.session, &StateSession::treeWalked, this, [&] {
            bulkOpens();          // whatever came before the tree reached the GUI thread
            QThread::msleep(400); // a slow first layout and paint
            opensWhileShown = bulkOpens();
        });
        QSignalSpy done(&fed.session, &StateSession::indexChanged);
        fed.session.open(project);
        QVERIFY(done.wait(kTimeout));
        const int opensAfter = bulkOpens();
        ::close(watch);
        QCOMPARE(opensWhileShown, 0);
        QVERIFY2(opensAfter >= kBulk, qPrintable(QString::number(opensAfter))); // the watch saw the reads
        QCOMPARE(describe(*fed.model.stateIndex()), describe(*StateIndex::build(project.toStdString())));
    }

    // A folder's load can start before the window is built (start-up): nothing is said until open() of that
    // folder takes the load over; then it says what an open says and the walked tree that arrived meanwhile
    // follows at once (the records are read once it is shown). Opening another source instead drops the
    // prepared load.
    void aPreparedLoadIsTakenOverByItsOpen() {
        QTemporaryDir tmp;
        const QString project = test::copyFixtureProject(tmp, QStringLiteral("app-stages/06-state-list"));
        Fed fed;
        QAbstractItemModelTester tester(&fed.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy opened(&fed.session, &StateSession::projectOpened);
        QSignalSpy started(&fed.session, &StateSession::loadStarted);
        QSignalSpy walked(&fed.session, &StateSession::treeWalked);
        QSignalSpy done(&fed.session, &StateSession::indexChanged);
        QSignalSpy progress(&fed.session, &StateSession::loadProgress);
        fed.session.prepareOpen(project + QStringLiteral("/.alchemy"));
        QTest::qWait(1000); // the walk of 43 records is over long before: its tree is held
        QCOMPARE(opened.size() + started.size() + walked.size() + done.size() + progress.size(), 0);
        QVERIFY(!fed.session.isOpen());
        fed.session.open(project);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(started.size(), 1);
        QCOMPARE(walked.size(), 1); // delivered within open(): the prepared load was not started again
        QVERIFY(done.count() > 0 || done.wait(kTimeout));
        QCOMPARE(done.size(), 1);
        QCOMPARE(opened.size(), 1);
        QVERIFY(!fed.session.isLoading());
        QCOMPARE(fed.model.stateIndex(), fed.session.index());
        QCOMPARE(describe(*fed.session.index()), describe(*StateIndex::build(project.toStdString())));

        const QString other = test::copyFixtureProject(tmp, QStringLiteral("lifecycle/run5-read"));
        Fed second;
        QSignalSpy secondDone(&second.session, &StateSession::indexChanged);
        second.session.prepareOpen(project);
        second.session.open(other);
        QVERIFY(secondDone.wait(kTimeout));
        QTest::qWait(300); // anything of the prepared load would land now
        QCOMPARE(secondDone.size(), 1);
        QCOMPARE(describe(*second.session.index()), describe(*StateIndex::build(other.toStdString())));
    }

    // The window built with the folder it will open (athanor DIR): the same tree, selection and console as
    // an open of a window built without it.
    void aWindowBuiltForItsFolderShowsItAsAnOpenDoes() {
        QTemporaryDir tmp;
        const QString project = makeProject(tmp, QStringLiteral("p"));
        QVERIFY(!project.isEmpty());
        auto window = std::make_unique<MainWindow>(m_theme.get(), project);
        DeployConsole* console = installDeployConsole(window.get(), false);
        window->resize(1300, 900);
        window->show();
        QAbstractItemModelTester tester(window->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy hierarchy(window.get(), &MainWindow::hierarchyShown);
        QSignalSpy loaded(window.get(), &MainWindow::treeShown);
        window->openProject(project);
        QVERIFY(loaded.count() > 0 || loaded.wait(kTimeout));
        QCOMPARE(hierarchy.size(), 1);
        QVERIFY(window->isShowingTree());
        QCOMPARE(window->windowTitle(),
                 QStringLiteral("%1 — Athanor").arg(QDir::toNativeSeparators(project)));
        QCOMPARE(describe(*window->treeModel()->stateIndex()),
                 describe(*StateIndex::build(project.toStdString())));
        QTRY_VERIFY(console->stageSelector()->currentText().startsWith(QStringLiteral("dev  (")));
        QVERIFY(window->selectFqn(QStringLiteral("life/dev/bulk-7")));
        QTRY_VERIFY_WITH_TIMEOUT(window->details()->document() &&
                                     window->details()->document()->fqn == QStringLiteral("life/dev/bulk-7"),
                                 kTimeout);
    }

    // In the window: the tree is on screen (no welcome page, no "new" stage) before the records are read; a
    // record selected then shows exactly its details once read; expansion and selection survive the batches.
    void selectionBeforeItsRecordIsReadShowsItsDetails() {
        QTemporaryDir tmp;
        const QString project = makeProject(tmp, QStringLiteral("p"));
        QVERIFY(!project.isEmpty());
        auto window = std::make_unique<MainWindow>(m_theme.get());
        DeployConsole* console = installDeployConsole(window.get(), false);
        window->resize(1300, 900);
        window->show();
        window->session()->setRecordBatchInterval(1);
        QAbstractItemModelTester tester(window->treeModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString wanted = QStringLiteral("life/dev/bulk-1999");
        bool waited = false, treeOnScreen = false;
        QString bannerText, statusText;
        int bannerRangeBeforeRecords = -1, bannerRangeWithRecords = -1;
        QString stageWhileLoading;
        connect(window.get(), &MainWindow::hierarchyShown, this, [&] {
            const auto index = window->treeModel()->stateIndex();
            treeOnScreen = window->isShowingTree() && index->loading();
            stageWhileLoading = console->stageSelector()->currentText();
            QVERIFY(!index->isRecordLoaded(index->nodeByFqn.value(wanted)));
            const QModelIndex storage = window->filterModel()->mapFromSource(
                window->treeModel()->indexForFqn(QStringLiteral("life/dev/storage")));
            window->treeView()->expand(storage);
            QVERIFY(window->selectFqn(wanted));
            waited = window->details()->isWaitingForRecord();
            // The banner counts records against the total the walk gave, with a real progress bar.
            bannerText = window->sourceBanner()->messageLabel()->text();
            if (const auto* label = window->findChild<QLabel*>(QStringLiteral("loadLabel")))
                statusText = label->text();
            if (index->loadedRecords() == 0)
                bannerRangeBeforeRecords = window->sourceBanner()->progressBar()->maximum();
            test::saveScreenshot(window.get(), QStringLiteral("staged-load-while-loading"));
        });
        connect(window->session(), &StateSession::recordsLoaded, this,
                [&](const std::shared_ptr<const StateIndex>& index) {
                    if (index->loadedRecords() > 0 && bannerRangeWithRecords < 0)
                        bannerRangeWithRecords = window->sourceBanner()->progressBar()->maximum();
                });
        QSignalSpy loaded(window.get(), &MainWindow::treeShown);
        window->openProject(project);
        QVERIFY(loaded.wait(kTimeout));
        QVERIFY(treeOnScreen);
        QVERIFY(waited);
        QVERIFY2(QRegularExpression(QStringLiteral("^Loading records [0-9,]+ / 2,0[0-9][0-9] from "))
                     .match(bannerText)
                     .hasMatch(),
                 qPrintable(bannerText));
        // The status bar says it the same way (thousands grouped, as the banner).
        QVERIFY2(QRegularExpression(QStringLiteral("^Loading records [0-9,]+ / 2,0[0-9][0-9]$"))
                     .match(statusText)
                     .hasMatch(),
                 qPrintable(statusText));
        // Busy until records come in (not an empty bar that looks stuck), then a real fraction.
        QVERIFY(bannerRangeBeforeRecords == -1 || bannerRangeBeforeRecords == 0);
        QTRY_VERIFY(bannerRangeWithRecords >= 0);
        QCOMPARE(bannerRangeWithRecords, 1000);
        // Nothing claimed the stage new while its records were read; once read, it is the existing one.
        QVERIFY2(!stageWhileLoading.isEmpty() && !stageWhileLoading.contains(QStringLiteral("(new)")),
                 qPrintable(stageWhileLoading));
        QTRY_VERIFY(console->stageSelector()->currentText().startsWith(QStringLiteral("dev  (")));
        QVERIFY2(!console->stageSelector()->currentText().contains(QStringLiteral("(new)")),
                 qPrintable(console->stageSelector()->currentText()));
        QCOMPARE(window->treeView()->currentFqn(), wanted);
        QVERIFY(window->treeView()->isExpanded(window->filterModel()->mapFromSource(
            window->treeModel()->indexForFqn(QStringLiteral("life/dev/storage")))));
        QTRY_VERIFY_WITH_TIMEOUT(
            window->details()->document() && window->details()->document()->fqn == wanted, kTimeout);
        QVERIFY(!window->details()->isWaitingForRecord());
        QVERIFY(window->details()->document()->text.contains("\"id\": \"bulk-1999\""));
        const QString counts = window->findChild<QLabel*>(QStringLiteral("countsLabel"))->text();
        QVERIFY2(counts.contains(QStringLiteral("1 unreadable")), qPrintable(counts));
        QVERIFY2(counts.contains(QStringLiteral("2,005 resources")), qPrintable(counts)); // grouped
        test::saveScreenshot(window.get(), QStringLiteral("staged-load-loaded"));
    }
};

QTEST_MAIN(TestStagedLoad)
#include "tst_staged_load.moc"

// Live reload misses nothing: a change made where no watch was yet (just after a load read the file, before
// its folders were watched) or while live reload was off still reaches the views, and nothing reloads when
// nothing changed. A first load's source is the session's as soon as its walked tree is shown.
#include "UiTestUtil.h"
#include "state/StateIndex.h"
#include "state/StateSession.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace athanor;
using namespace athanor::ui;

namespace {

constexpr int kTimeout = 15000;

QByteArray fileRecord(const QByteArray& id, const QByteArray& status) {
    return "{\n  \"kind\": \"fs::File\",\n  \"id\": \"" + id + "\",\n  \"fqn\": \"watch/dev/" + id +
           "\",\n  \"seq\": 0,\n  \"data\": {},\n  \"status\": \"" + status +
           "\",\n  \"output\": {\n    \"path\": \"" + id + ".txt\"\n  },\n  \"props\": {\n    \"path\": \"" +
           id + ".txt\"\n  }\n}";
}

// The status text of the record `fqn` in the session's shown index ("" when absent).
QString statusOf(const StateSession& session, const QString& fqn) {
    const auto index = session.index();
    if (!index)
        return {};
    const int32_t node = index->nodeByFqn.value(fqn);
    const SnapshotRecord* record = node >= 0 ? index->record(node) : nullptr;
    return record ? QString::fromStdString(record->status) : QString();
}

} // namespace

class TestStateSessionWatch : public QObject {
    Q_OBJECT

    QString m_project;
    QString m_stage;

    // A small tree written well before the load starts, so that its folders' own times are older than it.
    bool makeProject(const QTemporaryDir& tmp) {
        m_project = tmp.path();
        m_stage = m_project + QStringLiteral("/.alchemy/watch/dev/");
        for (const char* id : {"a", "b", "c"})
            if (!test::writeFile(m_stage + QLatin1String(id) + QStringLiteral(".json"),
                                 fileRecord(id, "created")))
                return false;
        QThread::msleep(200);
        return true;
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Alchemy rewrites a record in place right after the load read it and before the folder is watched: no
    // event ever comes for that write, yet the view must not keep the old status.
    void aRecordRewrittenBeforeItsFolderIsWatchedIsSeen() {
        QTemporaryDir tmp;
        QVERIFY(makeProject(tmp));
        StateSession session;
        bool rewritten = false;
        connect(&session, &StateSession::loadFinished, this, [&] {
            if (!rewritten) // still inside the load's completion: nothing is watched yet
                rewritten = test::writeFile(m_stage + QStringLiteral("b.json"), fileRecord("b", "updating"));
        });
        session.open(m_project);
        QTRY_VERIFY_WITH_TIMEOUT(rewritten, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(session, QStringLiteral("watch/dev/b")),
                                  QStringLiteral("updating"), kTimeout);
        QCOMPARE(statusOf(session, QStringLiteral("watch/dev/a")), QStringLiteral("created"));
    }

    // A deploy adds a record file just after the walk listed the folder: it appears without another change.
    void aFileAddedBeforeItsFolderIsWatchedIsSeen() {
        QTemporaryDir tmp;
        QVERIFY(makeProject(tmp));
        StateSession session;
        bool added = false;
        connect(&session, &StateSession::loadFinished, this, [&] {
            if (!added)
                added = test::writeFile(m_stage + QStringLiteral("d.json"), fileRecord("d", "creating"));
        });
        session.open(m_project);
        QTRY_VERIFY_WITH_TIMEOUT(added, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(session, QStringLiteral("watch/dev/d")),
                                  QStringLiteral("creating"), kTimeout);
    }

    // Live reload off: changes are not shown; switched on again, what changed meanwhile is loaded at once.
    void changesMadeWhileLiveReloadWasOffAreLoadedWhenItIsOn() {
        QTemporaryDir tmp;
        QVERIFY(makeProject(tmp));
        StateSession session;
        QSignalSpy finished(&session, &StateSession::loadFinished);
        session.open(m_project);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeout);
        QTest::qWait(300); // the folders are watched (the check of a first load found nothing new)
        session.setLiveReload(false);
        QVERIFY(test::writeFile(m_stage + QStringLiteral("c.json"), fileRecord("c", "deleting")));
        QTest::qWait(600); // past the debounce: off means not reloaded
        QCOMPARE(statusOf(session, QStringLiteral("watch/dev/c")), QStringLiteral("created"));
        session.setLiveReload(true);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(session, QStringLiteral("watch/dev/c")),
                                  QStringLiteral("deleting"), kTimeout);
    }

    // A first load's source opens with its walked tree: repairs and Change Password work while records are
    // still read (they did nothing until the load ended), and the source is announced once.
    void theWalkedTreeComesWithItsSource() {
        QTemporaryDir tmp;
        QVERIFY(makeProject(tmp));
        StateSession session;
        QSignalSpy resolved(&session, &StateSession::sourceResolved);
        QSignalSpy finished(&session, &StateSession::loadFinished);
        bool walked = false, hadSource = false;
        connect(&session, &StateSession::treeWalked, this, [&] {
            walked = true;
            hadSource = session.isLoading() && session.source() != nullptr;
        });
        session.open(m_project);
        QTRY_VERIFY_WITH_TIMEOUT(walked, kTimeout);
        QVERIFY(hadSource);
        QCOMPARE(resolved.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeout);
        QCOMPARE(resolved.count(), 1);
    }

    // The check after a load costs one look, not a reload: with nothing changed, one load and no more.
    void nothingChangedMeansNoSecondLoad() {
        QTemporaryDir tmp;
        QVERIFY(makeProject(tmp));
        StateSession session;
        QSignalSpy started(&session, &StateSession::loadStarted);
        QSignalSpy finished(&session, &StateSession::loadFinished);
        session.open(m_project);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeout);
        QTest::qWait(1000);
        QCOMPARE(started.count(), 1);
        QCOMPARE(statusOf(session, QStringLiteral("watch/dev/a")), QStringLiteral("created"));
    }
};

QTEST_MAIN(TestStateSessionWatch)
#include "tst_state_session_watch.moc"

// Log pane: ring-buffer model, level/text filter proxy, follow-tail, copy/save, the spdlog sink and the
// batching event sink. Every model and proxy runs under QAbstractItemModelTester.
#include "deploy/EventBatcher.h"
#include "log/LogFilterProxyModel.h"
#include "log/LogItemDelegate.h"
#include "log/LogListView.h"
#include "log/LogModel.h"
#include "log/LogPane.h"
#include "log/SpdlogForwardSink.h"

#include <QAbstractItemModelTester>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <fstream>
#include <mutex>
#include <spdlog/spdlog.h>
#include <thread>
#include <unistd.h>

using namespace athanor::ui;
using athanor::LogLevel;

namespace {

LogEntry entry(int n, LogLevel level = LogLevel::Info, const QString& text = QString()) {
    LogEntry e;
    e.timeMs = 1700000000000 + n;
    e.level = level;
    e.message = text.isEmpty() ? QStringLiteral("line %1").arg(n) : text;
    return e;
}

std::vector<LogEntry> batch(int from, int count, LogLevel level = LogLevel::Info) {
    std::vector<LogEntry> out;
    for (int i = 0; i < count; ++i)
        out.push_back(entry(from + i, level));
    return out;
}

class CollectingSink : public athanor::EventSink {
public:
    void onEvent(const athanor::EngineEvent& e) override {
        const std::lock_guard lock(mutex);
        events.push_back(e);
    }
    std::mutex mutex;
    std::vector<athanor::EngineEvent> events;
};

} // namespace

class TestLog : public QObject {
    Q_OBJECT

private slots:
    // Issue 14: the slots grow with the lines (an empty log of 100,000 lines held 6.4 MB at every start);
    // the order, the capacity and dropping the oldest stay what they were, across a wrap and a regrowth.
    void ringBufferGrowsAsLinesArrive() {
        LogRingBuffer<std::string> ring(5);
        QCOMPARE(ring.capacity(), std::size_t{5});
        ring.clear(); // nothing to clear: no slot yet
        QVERIFY(ring.empty());
        for (int i = 0; i < 3; ++i)
            ring.push(std::to_string(i));
        ring.dropFront(2); // the head moves before the slots reach the capacity
        for (int i = 3; i < 9; ++i)
            ring.push(std::to_string(i));
        QCOMPARE(ring.size(), std::size_t{5});
        std::vector<std::string> kept;
        for (std::size_t i = 0; i < ring.size(); ++i)
            kept.push_back(ring.at(i));
        QCOMPARE(kept, (std::vector<std::string>{"4", "5", "6", "7", "8"}));
        ring.clear();
        ring.push("again");
        QCOMPARE(ring.size(), std::size_t{1});
        QCOMPARE(ring.at(0), std::string("again"));
    }

    void emptyLogModelCostsNoMemory() {
        const auto residentKb = [] {
            std::ifstream statm("/proc/self/statm");
            long pages = 0, resident = 0;
            statm >> pages >> resident;
            return resident * (sysconf(_SC_PAGESIZE) / 1024);
        };
        const long before = residentKb();
        LogModel model(LogModel::kDefaultCapacity);
        const long grown = residentKb() - before;
        QCOMPARE(model.rowCount(), 0);
        QVERIFY2(grown < 1024, qPrintable(QStringLiteral("an empty log took %1 KB").arg(grown)));
    }
    void ringBufferKeepsNewest() {
        LogModel model(10);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.appendBatch(batch(0, 6));
        QCOMPARE(model.rowCount(), 6);
        QCOMPARE(removed.count(), 0);
        model.appendBatch(batch(6, 7)); // 13 lines into 10 slots: the 3 oldest go (at least 1 = 5%)
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 2);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 3"));
        QCOMPARE(model.index(9).data().toString(), QStringLiteral("line 12"));
        model.appendBatch(batch(100, 25)); // bigger than the capacity: only the newest 10 survive
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.index(0).data().toString(), QStringLiteral("line 115"));
        QCOMPARE(model.index(9).data().toString(), QStringLiteral("line 124"));
        model.append(entry(7, LogLevel::Error, QStringLiteral("boom")));
        QCOMPARE(model.index(9).data(LogModel::LevelRole).toInt(), int(LogLevel::Error));
        QCOMPARE(model.index(9).data(LogModel::TimeRole).toLongLong(), 1700000000007);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void proxyFiltersLevelsAndText() {
        LogModel model(1000);
        LogFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.append(entry(1, LogLevel::Debug, QStringLiteral("resolving props")));
        model.append(entry(2, LogLevel::Info, QStringLiteral("[created]   site > index Created Resource")));
        model.append(entry(3, LogLevel::Warn, QStringLiteral("Scope is in error, skipping finalize")));
        model.append(entry(4, LogLevel::Error, QStringLiteral("[failed]    site > smoke exit code 3")));
        QCOMPARE(proxy.rowCount(), 4);

        proxy.setLevelEnabled(LogLevel::Debug, false);
        proxy.setLevelEnabled(LogLevel::Info, false);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setLevelMask(LogFilterProxyModel::kAllLevels);

        proxy.setTextFilter(QStringLiteral("SITE >"), false); // case-insensitive substring
        QCOMPARE(proxy.rowCount(), 2);
        QVERIFY(!proxy.highlightPattern().pattern().isEmpty());
        proxy.setTextFilter(QStringLiteral("^\\[(created|failed)\\]"), true);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setTextFilter(QStringLiteral("(unclosed"), true);
        QVERIFY(!proxy.isPatternValid());
        QCOMPARE(proxy.rowCount(), 4); // an invalid pattern filters nothing

        // New rows pass through the active filter; overflow keeps the proxy consistent (tester watches).
        proxy.setTextFilter(QStringLiteral("created"), false);
        for (int i = 0; i < 5; ++i)
            model.appendBatch(batch(10 + i * 400, 400));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setTextFilter(QString(), false);
        QCOMPARE(proxy.rowCount(), 1000);
    }

    void paneFollowsTailUntilScrolledUp() {
        LogModel model(100000);
        LogPane pane(&model);
        pane.resize(700, 300);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        LogListView* view = pane.view();
        QVERIFY(view->followTail());
        model.appendBatch(batch(0, 2000));
        QScrollBar* bar = view->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());

        QSignalSpy followChanged(view, &LogListView::followTailChanged);
        bar->setValue(bar->maximum() / 2); // the user scrolls up
        QVERIFY(!view->followTail());
        QCOMPARE(followChanged.count(), 1);
        const int kept = bar->value();
        model.appendBatch(batch(2000, 500));
        QTest::qWait(50);
        QCOMPARE(bar->value(), kept); // paused: new lines do not yank the view

        bar->setValue(bar->maximum()); // back to the end resumes following
        QVERIFY(view->followTail());
        model.appendBatch(batch(2500, 500));
        QTRY_COMPARE(bar->value(), bar->maximum());
    }

    void paneCopySaveTimestampsAndArchive() {
        LogModel model;
        LogPane pane(&model);
        pane.resize(600, 300);
        pane.show();
        model.append(entry(1, LogLevel::Info, QStringLiteral("hello")));
        model.append(entry(2, LogLevel::Error, QStringLiteral("it broke")));
        pane.view()->selectAll();
        QString copied = pane.view()->selectedText();
        QVERIFY(copied.contains(QStringLiteral("INFO  hello")));
        QVERIFY(copied.contains(QStringLiteral("ERROR it broke")));
        pane.setShowTimestamps(false);
        copied = pane.view()->selectedText();
        QCOMPARE(copied, QStringLiteral("hello\nit broke\n"));

        pane.setFilterText(QStringLiteral("broke"));
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("saved.log"));
        QVERIFY(pane.saveTo(file));
        QFile saved(file);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), QByteArray("it broke\n"));
        pane.setFilterText(QString());

        std::vector<LogEntry> old{entry(5, LogLevel::Warn, QStringLiteral("from the past"))};
        pane.showArchive(QStringLiteral("Log of Up"), std::move(old));
        QVERIFY(pane.showingArchive());
        QCOMPARE(pane.proxy()->rowCount(), 1);
        model.append(entry(3, LogLevel::Info, QStringLiteral("live keeps going")));
        QCOMPARE(pane.proxy()->rowCount(), 1);
        pane.showLive();
        QVERIFY(!pane.showingArchive());
        QCOMPARE(pane.proxy()->rowCount(), 3);
    }

    void delegatePaintsHighlightsWithoutCrashing() {
        LogModel model;
        LogPane pane(&model);
        pane.resize(500, 200);
        model.append(entry(1, LogLevel::Warn, QStringLiteral("match here and match there")));
        pane.setFilterText(QStringLiteral("match"));
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        const QImage image = pane.grab().toImage();
        QVERIFY(!image.isNull());
    }

    void spdlogReachesTheTarget() {
        auto sink = SpdlogForwardSink::instance();
        CollectingSink target;
        sink->setTarget(&target);
        spdlog::warn("engine says {}", 42);
        sink->clearTarget(&target);
        spdlog::warn("nobody listens");
        QCOMPARE(int(target.events.size()), 1);
        QCOMPARE(int(target.events[0].level), int(LogLevel::Warn));
        QCOMPARE(QString::fromStdString(target.events[0].message), QStringLiteral("engine says 42"));
    }

    void batcherDeliversEverythingInOrderPerThread() {
        EventBatcher batcher;
        batcher.setMaxBatch(500);
        std::vector<athanor::EngineEvent> received;
        int slices = 0;
        connect(&batcher, &EventBatcher::eventsReady, this,
                [&](const std::vector<athanor::EngineEvent>& events) {
                    ++slices;
                    QVERIFY(events.size() <= 500);
                    received.insert(received.end(), events.begin(), events.end());
                });
        QSignalSpy drained(&batcher, &EventBatcher::drained);
        constexpr int kThreads = 4, kPerThread = 5000;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&batcher, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    athanor::EngineEvent e;
                    e.fqn = std::to_string(t);
                    e.total = i;
                    batcher.onEvent(e);
                }
            });
        }
        for (auto& th : threads)
            th.join();
        QTRY_COMPARE_WITH_TIMEOUT(int(received.size()), kThreads * kPerThread, 10000);
        QTRY_VERIFY(drained.count() >= 1);
        QVERIFY(batcher.isIdle());
        QVERIFY(slices >= kThreads * kPerThread / 500);
        std::vector<int> next(kThreads, 0);
        for (const auto& e : received) {
            const int t = std::stoi(e.fqn);
            QCOMPARE(e.total, next[std::size_t(t)]);
            ++next[std::size_t(t)];
        }
    }
};

QTEST_MAIN(TestLog)
#include "tst_log.moc"

// One writer per stage, checked with two processes: a helper holds the lock while this process tries up and
// destroy (refused at once, naming pid, host and since), read and plan (no lock needed); a lock whose process
// died is taken over with a warning.
#include "lifecycle/StageLock.h"
#include "tst_lifecycle_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <unistd.h>

using namespace lifecycle_test;

namespace {

QString holderExe() {
    return QString(ATHANOR_BIN_DIR) + "/tst_lifecycle_lock_holder";
}

std::shared_ptr<ProviderRegistry> registry(const std::shared_ptr<CallLog>& log) {
    auto r = std::make_shared<ProviderRegistry>();
    r->add(std::make_unique<TestProvider>("test::Thing", log));
    return r;
}

} // namespace

class TestLifecycleLock : public QObject {
    Q_OBJECT

private slots:
    void secondWriterFailsAtOnceAndStaleLockIsTakenOver() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto log = std::make_shared<CallLog>();
        const StackFile s = stack(root, "shop", {resource("a", "test::Thing", Json::object())});
        RecordingSink sink;
        CancellationToken cancel;

        QProcess holder;
        holder.start(holderExe(), {dir.path(), "shop", "dev"});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(10000));
        const QString line = QString::fromUtf8(holder.readLine()).trimmed();
        QVERIFY2(line.startsWith("locked "), qPrintable(line));
        const long holderPid = line.mid(7).toLong();
        QCOMPARE(holderPid, static_cast<long>(holder.processId()));

        const auto started = std::chrono::steady_clock::now();
        try {
            runPhaseWithStack(options(Phase::Up, root, registry(log)), &s, sink, cancel);
            QFAIL("up ran although the stage was locked");
        } catch (const LockHeldError& e) {
            QCOMPARE(e.pid, holderPid);
            QVERIFY(!e.host.empty());
            QVERIFY(!e.since.empty());
            QCOMPARE(e.operation, std::string("up"));
            const std::string message = e.what();
            QVERIFY(message.find(std::to_string(holderPid)) != std::string::npos);
            QVERIFY(message.find(e.since) != std::string::npos);
        }
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(2)); // at once, no waiting
        RunOptions destroy = options(Phase::Destroy, root, registry(log));
        destroy.app = "shop";
        QVERIFY_THROWS_EXCEPTION(LockHeldError, runPhaseWithStack(destroy, nullptr, sink, cancel));
        QVERIFY(log->snapshot().empty());
        QVERIFY(!fs::exists(root / ".alchemy/shop/dev/a.json"));
        // read and plan take no lock.
        RunReport plan = runPhaseWithStack(options(Phase::Plan, root, registry(log)), &s, sink, cancel);
        QVERIFY(plan.result == RunResult::Succeeded);

        // A third process is refused too (the helper reports the holder's pid).
        QProcess second;
        second.start(holderExe(), {dir.path(), "shop", "dev"});
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 3);
        QCOMPARE(QString::fromUtf8(second.readAllStandardOutput()).trimmed(),
                 QString("held %1").arg(holderPid));

        // The holder dies without releasing: its lock is stale and is taken over, with a warning.
        holder.kill();
        QVERIFY(holder.waitForFinished(10000));
        QVERIFY(fs::exists(StageLock::lockFile(DotAlchemyLayout::forProject(root), "shop", "dev")));
        sink.clear();
        RunReport up = runPhaseWithStack(options(Phase::Up, root, registry(log)), &s, sink, cancel);
        QVERIFY(up.result == RunResult::Succeeded);
        bool warned = false;
        for (const auto& message : sink.logs())
            warned = warned || message.find("took over the lock") != std::string::npos;
        QVERIFY(warned);
        QVERIFY(sink.events().front().type == EventType::RunStarted);
        // Released at the end of the run.
        QVERIFY(!fs::exists(StageLock::lockFile(DotAlchemyLayout::forProject(root), "shop", "dev")));
    }

    void lockFileHoldsPidHostSinceOperation() {
        QTemporaryDir dir;
        const auto layout = DotAlchemyLayout::forProject(dir.path().toStdString());
        {
            StageLock lock = StageLock::acquire(layout, "shop", "dev", "destroy");
            QCOMPARE(lock.file(), layout.dotAlchemy / ".athanor/locks/shop/dev.lock");
            const Json doc = readJson(lock.file());
            QCOMPARE(doc["pid"].get<long>(), static_cast<long>(::getpid()));
            QVERIFY(!doc["host"].get<std::string>().empty());
            QVERIFY(doc["since"].get<std::string>().size() == 24); // 2025-01-02T03:04:05.678Z
            QCOMPARE(doc["operation"].get<std::string>(), std::string("destroy"));
            // Our own live pid: held (a second acquire in the same process is refused too).
            QVERIFY_THROWS_EXCEPTION(LockHeldError, StageLock::acquire(layout, "shop", "dev", "up"));
            // Other stages are independent.
            StageLock prod = StageLock::acquire(layout, "shop", "prod", "up");
        }
        QVERIFY(!fs::exists(layout.dotAlchemy / ".athanor/locks/shop/dev.lock"));
    }
};

QTEST_GUILESS_MAIN(TestLifecycleLock)
#include "tst_lifecycle_lock.moc"

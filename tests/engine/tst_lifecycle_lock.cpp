// One writer per stage, checked with two processes: a helper holds the lock while this process tries up and
// destroy (refused at once, naming pid, host and since), read and plan (no lock needed); a lock whose process
// died is taken over with a warning. The lock file is published whole (ten simultaneous starts all name the
// real holder), an unreadable one is taken over once old, a reused pid does not keep a dead run's lock, and
// the temp files of killed runs are removed by the next run that holds the lock.
#include "lifecycle/StageLock.h"
#include "tst_lifecycle_support.h"

#include <QProcess>
#include <QTemporaryDir>
#include <atomic>
#include <thread>
#include <unistd.h>

using namespace lifecycle_test;

namespace {

QString holderExe() {
    return QString(ATHANOR_BIN_DIR) + "/tst_lifecycle_lock_holder";
}

// A pid that no process has any more: a child that has exited and been reaped.
long deadPid() {
    QProcess p;
    p.start(QStringLiteral("true"), {});
    p.waitForFinished();
    return static_cast<long>(p.processId() ? p.processId() : 999999);
}

void setAge(const fs::path& file, std::chrono::seconds age) {
    fs::last_write_time(file, fs::file_time_type::clock::now() - age);
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

    void aLockFileAlwaysNamesItsHolder() {
        // Ten starts at once: one holds the lock, nine are refused naming it (never "pid 0": the file is
        // complete before it appears).
        QTemporaryDir dir;
        for (int round = 0; round < 3; ++round) {
            std::vector<std::unique_ptr<QProcess>> starts;
            for (int i = 0; i < 10; ++i) {
                starts.push_back(std::make_unique<QProcess>());
                starts.back()->start(holderExe(), {dir.path(), "shop", "dev"});
            }
            long holderPid = 0;
            QProcess* holder = nullptr;
            std::vector<long> named;
            for (auto& p : starts) {
                QVERIFY(p->waitForStarted());
                QVERIFY(p->waitForReadyRead(20000));
                const QString line = QString::fromUtf8(p->readLine()).trimmed();
                if (line.startsWith("locked ")) {
                    QVERIFY2(!holder, "two processes hold the lock");
                    holder = p.get();
                    holderPid = line.mid(7).toLong();
                } else {
                    QVERIFY2(line.startsWith("held "), qPrintable(line));
                    named.push_back(line.mid(5).toLong());
                }
            }
            QVERIFY(holder);
            QCOMPARE(named.size(), size_t{9});
            for (long pid : named)
                QCOMPARE(pid, holderPid);
            holder->closeWriteChannel(); // releases
            for (auto& p : starts)
                QVERIFY(p->waitForFinished(20000));
            QVERIFY(!fs::exists(
                StageLock::lockFile(DotAlchemyLayout::forProject(dir.path().toStdString()), "shop", "dev")));
        }
    }

    void aRacingAcquireNeverSeesAHalfWrittenLock() {
        // One thread takes and releases the lock as fast as it can while another tries to take it: every
        // refusal names the real holder, never "pid 0" (which a lock created empty and written after gives).
        QTemporaryDir dir;
        const auto layout = DotAlchemyLayout::forProject(dir.path().toStdString());
        std::atomic<bool> stop{false};
        std::thread churn([&] {
            while (!stop.load()) {
                try {
                    StageLock lock = StageLock::acquire(layout, "shop", "dev", "up");
                } catch (const LockHeldError&) {
                }
            }
        });
        int refusals = 0;
        std::vector<std::string> wrong;
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
        while (std::chrono::steady_clock::now() < until) {
            try {
                StageLock lock = StageLock::acquire(layout, "shop", "dev", "up");
            } catch (const LockHeldError& e) {
                ++refusals;
                if (e.pid != static_cast<long>(::getpid()))
                    wrong.push_back(e.what());
            }
        }
        stop = true;
        churn.join();
        QVERIFY(refusals > 0);
        QVERIFY2(wrong.empty(), wrong.empty() ? "" : wrong.front().c_str());
    }

    void anUnreadableLockIsTakenOverOnceOld() {
        QTemporaryDir dir;
        const auto layout = DotAlchemyLayout::forProject(dir.path().toStdString());
        const fs::path file = StageLock::lockFile(layout, "shop", "dev");
        for (const std::string& content :
             {std::string(), std::string("{\"pid\": 12"), std::string("garbage")}) {
            writeFile(file, content);
            try {
                StageLock::acquire(layout, "shop", "dev", "up");
                QFAIL("a fresh unreadable lock was taken over");
            } catch (const LockHeldError& e) {
                const std::string message = e.what();
                QVERIFY2(message.find("cannot be read") != std::string::npos, message.c_str());
                QVERIFY2(message.find("pid 0") == std::string::npos, message.c_str());
            }
            setAge(file, std::chrono::seconds(StageLock::kUnreadableLockGraceSeconds + 5));
            std::vector<std::string> warnings;
            {
                StageLock lock = StageLock::acquire(layout, "shop", "dev", "up",
                                                    [&](const std::string& w) { warnings.push_back(w); });
                QCOMPARE(readJson(file)["pid"].get<long>(), static_cast<long>(::getpid()));
            }
            QCOMPARE(warnings.size(), size_t{1});
            QVERIFY2(warnings[0].find("could not be read") != std::string::npos, warnings[0].c_str());
            QVERIFY(!fs::exists(file));
        }
    }

    void aDeadHoldersLockIsTakenOverEvenWhenItsPidLivesAgain() {
        QTemporaryDir dir;
        const auto layout = DotAlchemyLayout::forProject(dir.path().toStdString());
        const fs::path file = StageLock::lockFile(layout, "shop", "dev");
        const Json mine = [&] {
            StageLock lock = StageLock::acquire(layout, "shop", "dev", "up");
            return readJson(file);
        }();
        QVERIFY(mine.contains("boot"));
        QVERIFY(mine.contains("start"));
        const auto takenOver = [&](Json lockDoc) {
            writeFile(file, lockDoc.dump(2));
            std::vector<std::string> warnings;
            try {
                StageLock lock = StageLock::acquire(layout, "shop", "dev", "up",
                                                    [&](const std::string& w) { warnings.push_back(w); });
            } catch (const LockHeldError&) {
                return std::string();
            }
            return warnings.empty() ? std::string("(no warning)") : warnings.front();
        };
        // Our own live pid but another start time: the pid was reused, its run is gone.
        Json reused = mine;
        reused["start"] = mine["start"].get<uint64_t>() + 12345;
        QVERIFY2(takenOver(reused).find("now belongs to another") != std::string::npos,
                 takenOver(reused).c_str());
        // Written before the host restarted.
        Json rebooted = mine;
        rebooted["boot"] = "00000000-0000-0000-0000-000000000000";
        QVERIFY(takenOver(rebooted).find("restarted") != std::string::npos);
        // A gone pid.
        Json gone = mine;
        gone["pid"] = deadPid();
        QVERIFY(takenOver(gone).find("no longer exists") != std::string::npos);
        // A live process of an older Athanor (no flock, no start time): held.
        Json older = mine;
        older.erase("start");
        older.erase("boot");
        QCOMPARE(takenOver(older), std::string());
        // Another host's lock cannot be checked from here: held.
        Json remote = mine;
        remote["host"] = "another-host";
        remote["pid"] = deadPid();
        QCOMPARE(takenOver(remote), std::string());
    }

    void tempFilesOfKilledRunsAreRemovedByTheNextLockHolder() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        auto log = std::make_shared<CallLog>();
        const StackFile s = stack(root, "shop", {resource("a", "test::Thing", Json::object())});
        RecordingSink sink;
        CancellationToken cancel;
        QVERIFY(runPhaseWithStack(options(Phase::Up, root, registry(log)), &s, sink, cancel).result ==
                RunResult::Succeeded);
        const long dead = deadPid();
        const std::string gone = ".athanor-" + std::to_string(dead) + "-";
        const std::string alive = ".athanor-" + std::to_string(::getpid()) + "-";
        const fs::path dev = root / ".alchemy/shop/dev";
        const std::vector<fs::path> stale{
            dev / (".a.json" + gone + "0.tmp"), dev / ("nested/.x.json" + gone + "1.tmp"),
            root / (".alchemy/shop/.dev.json" + gone + "2.tmp"),
            root / (".alchemy/.athanor/locks/shop/.dev.lock" + gone + "3.tmp"),
            // an operation of the version store, killed while it was written
            root / (".alchemy/.athanor/history/.20250101-000000-000000-up.json" + gone + "5.tmp")};
        const std::vector<fs::path> kept{dev / (".a.json" + alive + "7.tmp"), // a live writer
                                         root /
                                             (".alchemy/shop/.prod.json" + gone + "4.tmp"), // another stage
                                         dev / ".a.json.tmp", dev / "notes.txt"};           // not ours
        for (const auto& file : stale)
            writeFile(file, "{\"kind\": ");
        for (const auto& file : kept)
            writeFile(file, "x");
        sink.clear();
        QVERIFY(runPhaseWithStack(options(Phase::Up, root, registry(log)), &s, sink, cancel).result ==
                RunResult::Succeeded);
        for (const auto& file : stale)
            QVERIFY2(!fs::exists(file), file.c_str());
        for (const auto& file : kept)
            QVERIFY2(fs::exists(file), file.c_str());
        bool said = false;
        for (const auto& e : sink.events())
            said = said || e.message == "removed 5 temp file(s) left by interrupted runs";
        QVERIFY(said);
        // Plan and read hold no lock: they remove nothing.
        writeFile(stale[0], "x");
        runPhaseWithStack(options(Phase::Plan, root, registry(log)), &s, sink, cancel);
        QVERIFY(fs::exists(stale[0]));
    }
};

QTEST_GUILESS_MAIN(TestLifecycleLock)
#include "tst_lifecycle_lock.moc"

// `athanorctl state …` repairs on a team's remote state, against real servers on 127.0.0.1 (s3rver, Alchemy's
// state worker under miniflare), which cannot exclude concurrent writers (s3rver ignores If-None-Match, the
// worker has no compare-and-swap):
//  - without --no-lock every repair is refused before it asks or writes, with the message a run gives (the
//    source, why, --no-lock; exit 3), and nothing on the server changes;
//  - with --no-lock rm, mv, set-status and rekey write exactly what they name, and undo brings back the
//    exact bytes (read back through the server); their history is kept in the local folder of the source;
//  - after rekey the new password opens the secrets read back from the server and the old one opens none;
//  - state unlock names the holder of Athanor's S3 lock object and deletes it; on the worker it says there
//    is no lock to release.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "ProcessRun.h"
#include "RemoteRecords.h"
#include "StateServers.h"
#include "snapshot/SnapshotLoader.h"
#include "store/StageLease.h"
#include "store/StateSources.h"
#include "store/s3/S3Source.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <map>

using namespace athanor;
namespace fs = std::filesystem;
using test_files::readFile;
using test_files::writeFile;

using athanor::test::recordsOn;

namespace {

const fs::path kRealAlchemy = test_files::fixtureDir();
const char* const kToken = "team-state-token";
const char* const kBucket = "alchemy-state";
const char* const kMainPassword = "correct horse battery staple";

using Run = testsupport::ProcessRun;

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

std::vector<std::string> differences(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b) {
    std::vector<std::string> out;
    for (const auto& [key, bytes] : a)
        if (auto it = b.find(key); it == b.end() || it->second != bytes)
            out.push_back(key);
    for (const auto& [key, bytes] : b)
        if (!a.count(key))
            out.push_back(key);
    std::sort(out.begin(), out.end());
    return out;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += item + "\n";
    return out;
}

} // namespace

class TestRepairRemote : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<state_servers::NodeServer> m_s3;
    int m_prefixes = 0;

    fs::path tmp() const { return fs::path(m_tmp.path().toStdString()); }

    Run athanorctl(const QStringList& args, const char* password = nullptr) {
        std::map<QString, QString> env;
        if (password)
            env[QStringLiteral("ALCHEMY_PASSWORD")] = QString::fromUtf8(password);
        return testsupport::runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args, tmp(),
                                       {"ALCHEMY_PASSWORD"}, env);
    }

    // The secrets fixture (app vault, stage dev, child scope team with its own password) on a fresh remote
    // source, copied there by athanorctl state migrate; its record `token` left `updating` with its oldProps,
    // as a killed update leaves it. `worker` keeps the Cloudflare worker alive for the test (one database per
    // test).
    SourceSpec remoteCopy(bool s3, std::unique_ptr<state_servers::NodeServer>& worker) {
        const fs::path project = tmp() / ("fixture-" + std::to_string(++m_prefixes));
        fs::create_directories(project);
        fs::copy(kRealAlchemy / "secrets/01-up/.alchemy", project / ".alchemy", fs::copy_options::recursive);
        const fs::path token = project / ".alchemy/vault/dev/token.json";
        Json record = parseJsonText(readFile(token));
        record["status"] = "updating";
        record["oldProps"] = record["props"]; // what a killed update leaves; settling drops it
        writeFile(token, stringifyJs(record, 2));

        SourceSpec spec;
        if (s3) {
            spec = SourceSpec::parse(std::string("s3://") + kBucket + "/repair-" +
                                     std::to_string(m_prefixes) + "/");
        } else {
            worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
            spec = SourceSpec::parse("cloudflare:" + worker->url());
        }
        const Run migrate = athanorctl(
            {"state", "migrate", "--from", q(project), "--to", QString::fromStdString(spec.toString())});
        if (migrate.exitCode != 0)
            throw std::runtime_error("migrate failed: " + migrate.out + migrate.err);
        return spec;
    }

    static void addSourceRows() {
        QTest::addColumn<bool>("s3");
        QTest::newRow("s3rver") << true;
        QTest::newRow("cloudflare worker") << false;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        requireNodeDeps();
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(), tmp() / "s3rver", {kBucket});
        // The processes and this test reach the servers the same way: the environment.
        qputenv("AWS_ENDPOINT_URL_S3", QByteArray::fromStdString(m_s3->url()));
        qputenv("AWS_REGION", "us-east-1");
        qputenv("AWS_ACCESS_KEY_ID", state_servers::kS3rverKey);
        qputenv("AWS_SECRET_ACCESS_KEY", state_servers::kS3rverSecret);
        qputenv("ALCHEMY_STATE_TOKEN", kToken);
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString((tmp() / "xdg").string()));
        qputenv("ALCHEMY_STAGE", "dev");
        for (const char* name : {"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"})
            qunsetenv(name);
    }
    void cleanupTestCase() { m_s3.reset(); }

    void withoutNoLockEveryRepairIsRefusedNamingTheSource_data() { addSourceRows(); }
    void withoutNoLockEveryRepairIsRefusedNamingTheSource() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const QString source = QString::fromStdString(spec.toString());
        const auto before = recordsOn(spec);
        writeFile(tmp() / "new-password.txt", "a new password\n");
        const std::vector<QStringList> repairs{
            {"rm", "vault/dev/with-env"},
            {"mv", "vault/dev/with-env", "vault/dev/with-env-2"},
            {"set-status", "vault/dev/token", "created"},
            {"rekey", "--app", "vault", "--stage", "dev", "--new-password-file",
             q(tmp() / "new-password.txt")},
        };
        for (const QStringList& repair : repairs) {
            const Run refused = athanorctl(
                QStringList{"state"} + repair + QStringList{"--state", source, "--yes"}, kMainPassword);
            const std::string what = repair.join(' ').toStdString() + ": " + refused.out + refused.err;
            QVERIFY2(refused.exitCode == 3, what.c_str());
            QVERIFY2(refused.err.find(spec.toString()) != std::string::npos, what.c_str()); // the source
            QVERIFY2(refused.err.find(s3 ? "ignores If-None-Match on PutObject" : "no compare-and-swap") !=
                         std::string::npos,
                     what.c_str()); // why
            QVERIFY2(refused.err.find("(stage vault/dev); run with --no-lock to proceed without a lock") !=
                         std::string::npos,
                     what.c_str());                      // the way out, as runs say it
            QVERIFY2(refused.out.empty(), what.c_str()); // refused before the preview asks anything
        }
        // A dry run writes nothing and needs no lock.
        const Run dry = athanorctl({"state", "rm", "vault/dev/with-env", "--state", source, "--dry-run"});
        QVERIFY2(dry.exitCode == 0, (dry.out + dry.err).c_str());
        QVERIFY2(differences(before, recordsOn(spec)).empty(),
                 joined(differences(before, recordsOn(spec))).c_str());
        const Run history = athanorctl({"state", "history", "--state", source});
        QVERIFY2(history.out.find("0 operations kept") != std::string::npos, history.out.c_str());
    }

    void rmThenUndoRestoresTheExactBytes_data() { addSourceRows(); }
    void rmThenUndoRestoresTheExactBytes() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const QString source = QString::fromStdString(spec.toString());
        const auto before = recordsOn(spec);
        QVERIFY(before.count("vault/dev/team") && before.count("vault/dev/team/team-config"));

        const Run rm = athanorctl(
            {"state", "rm", "vault/dev/team", "--recursive", "--state", source, "--yes", "--no-lock"});
        QVERIFY2(rm.exitCode == 0, (rm.out + rm.err).c_str());
        QVERIFY2(rm.err.find("is not locked (--no-lock)") != std::string::npos, rm.err.c_str());
        const auto after = recordsOn(spec);
        const std::vector<std::string> changed{"vault/dev/team", "vault/dev/team/team-config"};
        QCOMPARE(differences(before, after), changed); // only what it named, and its child scope

        // The history of a remote source is kept in its local folder under XDG_DATA_HOME.
        const Run history = athanorctl({"state", "history", "--state", source});
        QVERIFY2(history.out.find("1 operations kept") != std::string::npos, history.out.c_str());
        QVERIFY2(history.out.find((tmp() / "xdg/athanor/sources").string()) != std::string::npos,
                 history.out.c_str());

        const Run undo = athanorctl({"state", "undo", "--state", source, "--yes", "--no-lock"});
        QVERIFY2(undo.exitCode == 0, (undo.out + undo.err).c_str());
        QVERIFY2(differences(before, recordsOn(spec)).empty(),
                 joined(differences(before, recordsOn(spec))).c_str());
    }

    void mvRenamesTheRecordAndUndoRestores_data() { addSourceRows(); }
    void mvRenamesTheRecordAndUndoRestores() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const QString source = QString::fromStdString(spec.toString());
        const auto before = recordsOn(spec);

        const Run mv = athanorctl({"state", "mv", "vault/dev/with-env", "vault/dev/env-runner", "--state",
                                   source, "--yes", "--no-lock"});
        QVERIFY2(mv.exitCode == 0, (mv.out + mv.err).c_str());
        const auto after = recordsOn(spec);
        QVERIFY(!after.count("vault/dev/with-env"));
        QVERIFY(after.count("vault/dev/env-runner"));
        const std::string& moved = after.at("vault/dev/env-runner");
        QVERIFY2(moved.find("\"fqn\": \"vault/dev/env-runner\"") != std::string::npos, moved.c_str());
        QVERIFY2(moved.find("\"id\": \"env-runner\"") != std::string::npos, moved.c_str());
        const std::vector<std::string> changed{"vault/dev/env-runner", "vault/dev/with-env"};
        QCOMPARE(differences(before, after), changed); // nothing else moved

        QCOMPARE(athanorctl({"state", "undo", "--state", source, "--yes", "--no-lock"}).exitCode, 0);
        QVERIFY2(differences(before, recordsOn(spec)).empty(),
                 joined(differences(before, recordsOn(spec))).c_str());
    }

    void setStatusSettlesAStuckRecordAndUndoRestores_data() { addSourceRows(); }
    void setStatusSettlesAStuckRecordAndUndoRestores() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const QString source = QString::fromStdString(spec.toString());
        const auto before = recordsOn(spec);
        QVERIFY(before.at("vault/dev/token").find("\"status\": \"updating\"") != std::string::npos);
        QVERIFY(before.at("vault/dev/token").find("\"oldProps\"") != std::string::npos);

        const Run settle = athanorctl(
            {"state", "set-status", "vault/dev/token", "created", "--state", source, "--yes", "--no-lock"});
        QVERIFY2(settle.exitCode == 0, (settle.out + settle.err).c_str());
        const auto after = recordsOn(spec);
        QCOMPARE(differences(before, after), std::vector<std::string>{"vault/dev/token"});
        QVERIFY2(after.at("vault/dev/token").find("\"status\": \"created\"") != std::string::npos,
                 after.at("vault/dev/token").c_str());
        QVERIFY2(after.at("vault/dev/token").find("\"oldProps\"") == std::string::npos,
                 after.at("vault/dev/token").c_str()); // dropped, as Alchemy's success write does (the
                                                       // worker's upsert alone would keep it)

        QCOMPARE(athanorctl({"state", "undo", "--state", source, "--yes", "--no-lock"}).exitCode, 0);
        QVERIFY2(differences(before, recordsOn(spec)).empty(),
                 joined(differences(before, recordsOn(spec))).c_str());
    }

    void rekeyOpensWithTheNewPasswordOnlyAndUndoRestores_data() { addSourceRows(); }
    void rekeyOpensWithTheNewPasswordOnlyAndUndoRestores() {
        QFETCH(bool, s3);
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(s3, worker);
        const QString source = QString::fromStdString(spec.toString());
        const auto before = recordsOn(spec);
        writeFile(tmp() / "rekey-new.txt", "a new password\n");

        const Run rekey =
            athanorctl({"state", "rekey", "--app", "vault", "--stage", "dev", "--new-password-file",
                        q(tmp() / "rekey-new.txt"), "--state", source, "--yes", "--no-lock"},
                       kMainPassword);
        QVERIFY2(rekey.exitCode == 0, (rekey.out + rekey.err).c_str());
        const auto changed = differences(before, recordsOn(spec));
        QVERIFY2(!changed.empty(), rekey.out.c_str());
        for (const auto& key : changed)
            QVERIFY2(key.find("team") == std::string::npos, joined(changed).c_str()); // its own password

        // Read back from the server and decrypted: the new password opens them, the old one none.
        const Run withNew =
            athanorctl({"state", "get", "vault/dev/config", "--state", source, "--app", "vault", "--decrypt"},
                       "a new password");
        QVERIFY2(withNew.exitCode == 0 && withNew.out.find("s3cr3t-value") != std::string::npos,
                 (withNew.out + withNew.err).c_str());
        const Run withOld =
            athanorctl({"state", "get", "vault/dev/config", "--state", source, "--app", "vault", "--decrypt"},
                       kMainPassword);
        QVERIFY2(withOld.out.find("s3cr3t-value") == std::string::npos, (withOld.out + withOld.err).c_str());

        QCOMPARE(athanorctl({"state", "undo", "--state", source, "--yes", "--no-lock"}).exitCode, 0);
        QVERIFY2(differences(before, recordsOn(spec)).empty(),
                 joined(differences(before, recordsOn(spec))).c_str());
    }

    void unlockReleasesAthanorsS3LockObjectNamingItsHolder() {
        std::unique_ptr<state_servers::NodeServer> unused;
        const SourceSpec spec = remoteCopy(true, unused);
        const QString source = QString::fromStdString(spec.toString());
        const Run none =
            athanorctl({"state", "unlock", "--app", "vault", "--stage", "dev", "--state", source});
        QCOMPARE(none.exitCode, 0);
        QVERIFY2(none.out.find("stage vault/dev is not locked") != std::string::npos, none.out.c_str());

        // A lock object a run on another machine left behind, where Athanor keeps it.
        const StageLockHolder holder{4242, "ci-runner-7", "2026-01-02T03:04:05.678Z", "up"};
        const auto s3 = std::make_shared<S3Source>(spec);
        const std::string where = s3->stageLockLocation("vault", "dev");
        QCOMPARE(where, "s3://" + std::string(kBucket) + "/repair-" + std::to_string(m_prefixes) +
                            "/.athanor/locks/vault/dev");
        {
            const fs::path bodyFile = tmp() / "lock.json";
            writeFile(bodyFile, stringifyJs(holder.toJson(), 0));
            // Put through a store of the same bucket: the lock object's key is the store's key of an id.
            auto store = s3->openStore({".athanor", "locks", "vault"}, Durability::Durable);
            store->putText("dev", readFile(bodyFile));
        }
        QVERIFY(s3->stageLockHolder("vault", "dev").has_value());
        const Run dry = athanorctl(
            {"state", "unlock", "--app", "vault", "--stage", "dev", "--state", source, "--dry-run"});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.find("is locked by pid 4242 on host ci-runner-7 since 2026-01-02T03:04:05.678Z "
                              "(running up)") != std::string::npos,
                 dry.out.c_str());
        QVERIFY2(dry.out.find("lock " + where) != std::string::npos, dry.out.c_str());
        const Run wrongName =
            athanorctl({"state", "unlock", "--app", "vault", "--stage", "dev", "--state", source});
        QCOMPARE(wrongName.exitCode, 1); // no terminal, no --yes: not asked, left in place
        QVERIFY(s3->stageLockHolder("vault", "dev").has_value());

        const Run unlock =
            athanorctl({"state", "unlock", "--app", "vault", "--stage", "dev", "--state", source, "--yes"});
        QVERIFY2(unlock.exitCode == 0, (unlock.out + unlock.err).c_str());
        QVERIFY2(unlock.out.find("released the lock of stage vault/dev (held by pid 4242)") !=
                     std::string::npos,
                 unlock.out.c_str());
        QVERIFY(!s3->stageLockHolder("vault", "dev").has_value());
    }

    void unlockOnTheWorkerSaysThereIsNoLockToRelease() {
        std::unique_ptr<state_servers::NodeServer> worker;
        const SourceSpec spec = remoteCopy(false, worker);
        const auto before = recordsOn(spec);
        const Run unlock = athanorctl({"state", "unlock", "--app", "vault", "--stage", "dev", "--state",
                                       QString::fromStdString(spec.toString()), "--yes"});
        QCOMPARE(unlock.exitCode, 0); // nothing to do is not a failure
        QVERIFY2(unlock.out.find("there is no lock of stage vault/dev to release: " + spec.toString() +
                                 ": Alchemy's Cloudflare state worker has no compare-and-swap") !=
                     std::string::npos,
                 unlock.out.c_str());
        QVERIFY2(unlock.out.find("need --no-lock") != std::string::npos, unlock.out.c_str());
        QVERIFY(differences(before, recordsOn(spec)).empty());
    }
};

QTEST_GUILESS_MAIN(TestRepairRemote)
#include "tst_repair_remote.moc"

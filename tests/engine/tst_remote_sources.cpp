// The two team stores as state sources, against real servers on 127.0.0.1 and real alchemy@0.94.0:
//  - source texts (cloudflare:URL, s3://BUCKET[/PREFIX]) parse and print back;
//  - Alchemy deploys with its S3StateStore (s3rver) and its CloudflareStateStore (the worker under
//    miniflare): athanorctl state tree|list|get --decrypt show exactly its records and plaintexts, every S3
//    object under its own scope (hazard §14.4, which crashes Alchemy's own finalize on S3);
//  - migrate folder -> cloudflare -> s3 -> folder of the real trees is byte-identical, and Alchemy reads
//    what Athanor migrated into S3 and skips every resource;
//  - a wrong token is refused once with where it came from; a dead server is offline after Alchemy's
//    retries; a stage cannot be locked where the server cannot exclude runs, unless --no-lock.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "ProcessRun.h"
#include "StateServers.h"
#include "snapshot/SnapshotLoader.h"
#include "store/RemoteAccess.h"
#include "store/StateSources.h"
#include "store/cloudflare/CloudflareRecord.h"
#include "store/cloudflare/CloudflareSource.h"
#include "store/s3/S3Source.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <regex>

using namespace athanor;
namespace fs = std::filesystem;
using test_files::filesBelow;
using test_files::readFile;
using test_files::writeFile;

namespace {

const fs::path kPrograms = fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-remote";
const char* const kToken = "team-state-token";
const char* const kBucket = "alchemy-state";
const char* const kMainPassword = "correct horse battery staple";
const char* const kTeamPassword = "team-scope-password";

using Run = testsupport::ProcessRun;
using testsupport::resourceLines;

Run runProcess(const QString& program, const QStringList& args, const fs::path& cwd,
               const std::map<QString, QString>& extraEnv) {
    return testsupport::runProcess(program, args, cwd,
                                   {"ALCHEMY_PASSWORD", "ALCHEMY_STATE_TOKEN", "AWS_PROFILE",
                                    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                                    "AWS_ENDPOINT_URL", "AWS_REGION"},
                                   extraEnv);
}

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

// The last step of each group of real trees: apps shop, life and vault, one each.
std::vector<fs::path> lastStepOfEachGroup() {
    std::map<std::string, fs::path> last;
    for (const fs::path& project : test_files::fixtureProjects())
        last[project.parent_path().filename().string()] = project;
    std::vector<fs::path> out;
    for (const auto& [group, project] : last)
        out.push_back(project);
    return out;
}

} // namespace

class TestRemoteSources : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<state_servers::NodeServer> m_worker;
    std::unique_ptr<state_servers::NodeServer> m_s3;

    fs::path tmp() const { return fs::path(m_tmp.path().toStdString()); }

    std::map<QString, QString> s3Env() const {
        return {{QStringLiteral("AWS_ENDPOINT_URL_S3"), QString::fromStdString(m_s3->url())},
                {QStringLiteral("AWS_REGION"), QStringLiteral("us-east-1")},
                {QStringLiteral("AWS_ACCESS_KEY_ID"), QString::fromLatin1(state_servers::kS3rverKey)},
                {QStringLiteral("AWS_SECRET_ACCESS_KEY"), QString::fromLatin1(state_servers::kS3rverSecret)}};
    }
    std::map<QString, QString> remoteEnv() const {
        auto env = s3Env();
        env[QStringLiteral("ALCHEMY_STATE_TOKEN")] = QString::fromLatin1(kToken);
        return env;
    }
    QString worker() const { return QStringLiteral("cloudflare:") + QString::fromStdString(m_worker->url()); }

    // A project folder with the program and the pinned packages, as a user's project would have them.
    fs::path project(const std::string& name) {
        const fs::path dir = tmp() / name;
        fs::create_directories(dir / "home");
        fs::copy_file(kPrograms / "team-vault.mjs", dir / "team-vault.mjs");
        fs::create_directory_symlink(node_deps::nodeModules(), dir / "node_modules");
        return dir;
    }

    // Runs team-vault.mjs with real Alchemy; `store`: "s3", "cloudflare" or "" (its file store).
    Run alchemy(const fs::path& dir, const std::string& store, const std::string& s3Prefix = {}) {
        std::map<QString, QString> env = remoteEnv();
        env[QStringLiteral("HOME")] = q(dir / "home");
        env[QStringLiteral("DO_NOT_TRACK")] = QStringLiteral("1");
        env[QStringLiteral("NO_COLOR")] = QStringLiteral("1");
        env[QStringLiteral("STATE_STORE")] = QString::fromStdString(store);
        env[QStringLiteral("S3_BUCKET")] = QString::fromLatin1(kBucket);
        env[QStringLiteral("S3_PREFIX")] = QString::fromStdString(s3Prefix);
        env[QStringLiteral("STATE_WORKER_URL")] = QString::fromStdString(m_worker->url());
        return runProcess(QStringLiteral("node"), {QStringLiteral("team-vault.mjs")}, dir, env);
    }

    Run athanorctl(const QStringList& args, const fs::path& cwd, std::map<QString, QString> env = {}) {
        for (auto& [name, value] : remoteEnv())
            env.emplace(name, value);
        return runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args, cwd, env);
    }

    // state list, tree and get --decrypt of `source` against what the same program wrote into files and
    // the plaintexts it used.
    void showsExactlyWhatAlchemyWrote(const fs::path& dir, const QStringList& source) {
        const fs::path files = project(dir.filename().string() + "-files");
        const Run fileDeploy = alchemy(files, "");
        QVERIFY2(fileDeploy.exitCode == 0, (fileDeploy.out + fileDeploy.err).c_str());
        const Run expected = athanorctl({"state", "list", "--root", q(files)}, files);
        QCOMPARE(expected.exitCode, 0);
        QCOMPARE(std::count(expected.out.begin(), expected.out.end(), '\n'), 9L);

        const Run list = athanorctl(QStringList{"state", "list"} + source, dir);
        QVERIFY2(list.exitCode == 0, list.err.c_str());
        QCOMPARE(list.out, expected.out);
        QVERIFY2(list.err.empty(), list.err.c_str());

        // Nested resources and child scopes sit below their owner and scope, not beside them.
        const Run tree = athanorctl(QStringList{"state", "tree"} + source, dir);
        QVERIFY2(tree.exitCode == 0, tree.err.c_str());
        const Run fileTree = athanorctl({"state", "tree", "--root", q(files)}, files);
        const auto withoutOldProps = [](std::string text) {
            return std::regex_replace(text, std::regex("; oldProps kept \\(SQL store\\)"), "");
        };
        QCOMPARE(withoutOldProps(tree.out), fileTree.out);
        QVERIFY2(tree.out.find("│  └─ nested-file  [fs::File, created") != std::string::npos,
                 tree.out.c_str());
        QVERIFY2(tree.out.find("├─ storage/\n   │  └─ inner  [fs::File") != std::string::npos,
                 tree.out.c_str());

        const Json plaintexts = parseJsonText(readFile(dir / "plaintexts.json"));
        writeFile(dir / "passwords.txt", std::string(kTeamPassword) + "\n");
        int compared = 0;
        for (const auto& [fqn, places] : plaintexts.items()) {
            const Run get =
                athanorctl(QStringList{"state", "get", QString::fromStdString(fqn), "--decrypt",
                                       "--password-file", q(dir / "passwords.txt")} +
                               source,
                           dir, {{QStringLiteral("ALCHEMY_PASSWORD"), QString::fromUtf8(kMainPassword)}});
            QVERIFY2(get.exitCode == 0, (fqn + ": " + get.err).c_str());
            const Json doc = parseJsonText(get.out);
            for (const auto& [pointer, plaintext] : places.items()) {
                QVERIFY2(doc.at(Json::json_pointer(pointer)) == plaintext,
                         (fqn + pointer + ": " + get.out).c_str());
                ++compared;
            }
        }
        QCOMPARE(compared, 6);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        requireNodeDeps();
        m_worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(), tmp() / "s3rver", {kBucket});
    }
    void cleanupTestCase() {
        m_worker.reset();
        m_s3.reset();
    }

    void sourceTextsParseAndPrintBack() {
        const SourceSpec cf = SourceSpec::parse("cloudflare:https://alchemy-state-service.team.workers.dev/");
        QCOMPARE(int(cf.kind), int(SourceSpec::Kind::Cloudflare));
        QCOMPARE(cf.remote, std::string("https://alchemy-state-service.team.workers.dev"));
        QCOMPARE(SourceSpec::parse(cf.toString()), cf);
        QCOMPARE(cf.shortName(), std::string("alchemy-state-service.team.workers.dev"));
        const SourceSpec s3 = SourceSpec::parse("s3://team-state/ci/?region=eu-west-1");
        QCOMPARE(int(s3.kind), int(SourceSpec::Kind::S3));
        QCOMPARE(SourceSpec::parse(s3.toString()), s3);
        QCOMPARE(SourceSpec::parse("s3://team-state").toString(), std::string("s3://team-state"));
        QCOMPARE(SourceSpec::parse("s3://team-state/alchemy/"), SourceSpec::parse("s3://team-state"));
        QVERIFY(s3.isRemote() && cf.isRemote() && !SourceSpec::parse("/p").isRemote());
        for (const char* bad : {"cloudflare:", "cloudflare:ftp://x", "s3://", "s3://bad bucket", "s3:bucket"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SourceSpec::parse(bad));
    }

    void workerRowsReadInAlchemysWriteOrder() {
        // A row as the worker returns it (table column order) gives back every real record's exact bytes.
        int compared = 0;
        for (const fs::path& project : test_files::fixtureProjects())
            for (const auto& [path, text] : filesBelow(project / ".alchemy")) {
                const Json record = parseJsonText(text);
                Json row = Json::object();
                for (const char* column :
                     {"id", "status", "kind", "fqn", "seq", "data", "props", "oldProps", "output"})
                    if (record.contains(column))
                        row[column] = record[column];
                QCOMPARE(stringifyJs(cloudflare::recordFromRow(row), 2), text);
                ++compared;
            }
        QVERIFY(compared > 100);
    }

    void alchemyOnS3AthanorShowsExactlyItsRecords() {
        requireNodeDeps();
        const fs::path dir = project("alchemy-s3");
        const Run deploy = alchemy(dir, "s3", "shown/");
        // Hazard §14.4, real: Alchemy's S3StateStore lists the stage recursively and its own finalize then
        // dereferences a record it cannot find; every record is written before that.
        QCOMPARE(deploy.exitCode, 1);
        QVERIFY2(deploy.err.find("TypeError: Cannot read properties of undefined (reading 'output')") !=
                     std::string::npos,
                 deploy.err.c_str());
        QCOMPARE(resourceLines(deploy.out).size(), size_t{7 * 2});
        showsExactlyWhatAlchemyWrote(dir, {"--state", QString::fromLatin1("s3://%1/shown/").arg(kBucket)});
    }

    void alchemyOnCloudflareAthanorShowsExactlyItsRecords() {
        requireNodeDeps();
        const fs::path dir = project("alchemy-cloudflare");
        const Run deploy = alchemy(dir, "cloudflare");
        QVERIFY2(deploy.exitCode == 0, (deploy.out + deploy.err).c_str());
        // The worker cannot name its apps: athanorctl says to name one.
        const Run unnamed = athanorctl({"state", "list", "--state", worker()}, dir);
        QCOMPARE(unnamed.exitCode, 1);
        QVERIFY2(unnamed.err.find("name the app(s) to show (--app APP)") != std::string::npos,
                 unnamed.err.c_str());
        showsExactlyWhatAlchemyWrote(dir, {"--state", worker(), "--app", "vault"});
    }

    void migrateFolderCloudflareS3FolderIsByteIdentical() {
        requireNodeDeps();
        // A worker of its own: the shared one holds app vault from another test.
        const auto fresh = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
        const QString worker = QStringLiteral("cloudflare:") + QString::fromStdString(fresh->url());
        for (const fs::path& project : lastStepOfEachGroup()) {
            const std::string group = project.parent_path().filename().string();
            const QString s3 = QString::fromLatin1("s3://%1/%2/").arg(kBucket, QString::fromStdString(group));
            const fs::path back = tmp() / ("back-" + group);
            const std::string app = loadSnapshot(project)->nodes[1].name;
            const Run toWorker =
                athanorctl({"state", "migrate", "--from", q(project), "--to", worker}, tmp());
            QVERIFY2(toWorker.exitCode == 0, (toWorker.out + toWorker.err).c_str());
            const Run toS3 = athanorctl(
                {"state", "migrate", "--from", worker, "--to", s3, "--app", QString::fromStdString(app)},
                tmp());
            QVERIFY2(toS3.exitCode == 0, (toS3.out + toS3.err).c_str());
            const Run home = athanorctl({"state", "migrate", "--from", s3, "--to", q(back)}, tmp());
            QVERIFY2(home.exitCode == 0, (home.out + home.err).c_str());
            QVERIFY2(home.out.find(" 0 failed") != std::string::npos, home.out.c_str());
            const auto copied = filesBelow(back / ".alchemy");
            const auto original = filesBelow(project / ".alchemy");
            for (const auto& [path, text] : original)
                QVERIFY2(copied.contains(path) && copied.at(path) == text, (group + ": " + path).c_str());
            QCOMPARE(copied.size(), original.size());
        }
    }

    void alchemyReadsWhatAthanorMigratedIntoS3AndSkipsEverything() {
        requireNodeDeps();
        const fs::path dir = project("migrated-to-s3");
        const Run first = alchemy(dir, ""); // into .alchemy files
        QVERIFY2(first.exitCode == 0, (first.out + first.err).c_str());
        const Run migrate = athanorctl({"state", "migrate", "--from", q(dir), "--to",
                                        QString::fromLatin1("s3://%1/migrated/").arg(kBucket)},
                                       dir);
        QVERIFY2(migrate.exitCode == 0, (migrate.out + migrate.err).c_str());
        QVERIFY2(migrate.out.find("migrated 9 records") != std::string::npos, migrate.out.c_str());

        const Run again = alchemy(dir, "s3", "migrated/");
        const auto resources = resourceLines(again.out);
        QCOMPARE(resources.size(), size_t{6});
        for (const auto& [action, name] : resources)
            QVERIFY2(action == "skipped", (action + " " + name + "\n" + again.out).c_str());
    }

    void aWrongTokenIsRefusedOnceAndADeadWorkerIsOffline() {
        requireNodeDeps();
        const SourceSpec spec = SourceSpec::parse(worker().toStdString());
        rememberAccessSecret(spec, {"", SecureString("not-the-token"), SecureString(), "the token typed in"});
        auto wrong = std::make_shared<CloudflareSource>(spec);
        SnapshotOptions options;
        options.app = "vault";
        try {
            loadSnapshot(*wrong, options);
            QFAIL("a wrong token was accepted");
        } catch (const RemoteUnavailableError& e) {
            QCOMPARE(e.reason(), std::string("unauthorized"));
            QVERIFY2(std::string(e.what()).find("the state token is invalid") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("came from the token typed in") != std::string::npos,
                     e.what());
            QVERIFY(std::string(e.what()).find("not-the-token") == std::string::npos);
        }
        QCOMPARE(wrong->requestCount(), uint64_t(1)); // no retry storm
        forgetAccessSecret(spec);

        QTemporaryDir persist;
        auto server = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken,
                                                           persist.path().toStdString());
        const SourceSpec deadSpec = SourceSpec::parse("cloudflare:" + server->url());
        rememberAccessSecret(deadSpec, {"", SecureString(kToken), SecureString(), "the token typed in"});
        auto dead = std::make_shared<CloudflareSource>(deadSpec);
        server->stop();
        try {
            loadSnapshot(*dead, options);
            QFAIL("a stopped worker answered");
        } catch (const RemoteUnavailableError& e) {
            QCOMPARE(e.reason(), std::string("offline"));
            QVERIFY2(std::string(e.what()).starts_with(deadSpec.toString()), e.what());
        }
        QCOMPARE(dead->requestCount(), uint64_t(5)); // Alchemy's five attempts
        forgetAccessSecret(deadSpec);
    }

    void aStageIsNotLockedWhereTheServerCannotExcludeRunsUnlessNoLock() {
        requireNodeDeps();
        const fs::path dir = tmp() / "locks";
        fs::create_directories(dir);
        writeFile(
            dir / "alchemy.stack.json",
            R"({"app": "locks", "resources": {"note": {"kind": "fs::File", "props": {"path": "out/note.txt", "content": "hi"}}}})");
        const QString s3 = QString::fromLatin1("s3://%1/locks/").arg(kBucket);
        // s3rver ignores If-None-Match on PUT: the probe's second create-only write succeeds.
        const Run refused = athanorctl({"up", "--state", s3, "--stage", "dev"}, dir);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.find("ignores If-None-Match on PutObject") != std::string::npos,
                 refused.err.c_str());
        QVERIFY2(refused.err.find("run with --no-lock") != std::string::npos, refused.err.c_str());
        QVERIFY(!fs::exists(dir / "out" / "note.txt"));
        const Run unlocked = athanorctl({"up", "--state", s3, "--stage", "dev", "--no-lock"}, dir);
        QVERIFY2(unlocked.exitCode == 0, (unlocked.out + unlocked.err).c_str());
        QVERIFY2((unlocked.out + unlocked.err).find("is not locked (--no-lock)") != std::string::npos,
                 (unlocked.out + unlocked.err).c_str());
        QCOMPARE(readFile(dir / "out" / "note.txt"), std::string("hi"));
        const Run listed = athanorctl({"state", "list", "--state", s3}, dir);
        QCOMPARE(listed.out, std::string("locks/dev/note\n")); // the probe left nothing behind

        const Run cfRefused = athanorctl({"up", "--state", worker(), "--stage", "dev"}, dir);
        QCOMPARE(cfRefused.exitCode, 3);
        QVERIFY2(cfRefused.err.find("no compare-and-swap") != std::string::npos, cfRefused.err.c_str());
        const Run cfDestroy = athanorctl({"destroy", "--state", s3, "--stage", "dev", "--no-lock"}, dir);
        QVERIFY2(cfDestroy.exitCode == 0, (cfDestroy.out + cfDestroy.err).c_str());
        QVERIFY(!fs::exists(dir / "out" / "note.txt"));
    }
};

QTEST_GUILESS_MAIN(TestRemoteSources)
#include "tst_remote_sources.moc"

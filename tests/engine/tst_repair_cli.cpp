// `athanorctl state rm|mv|set-status|pending|edit|export|import|rekey|undo|history|restore`, run as a real
// process on copies of the real Alchemy fixtures, each on a folder and on a SQLite source: every repair
// writes only what it names (the rest of the source hashed before and after), and undo brings back the
// exact bytes.
#include "EngineTestFiles.h"

#include "json/JsonParse.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <filesystem>
#include <map>
#include <sqlite3.h>
#include <sstream>
#include <thread>

using namespace athanor;
using test_files::filesBelow;
using test_files::fixtureProjects;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

const fs::path kRealAlchemy = test_files::fixtureDir();
const char* const kMainPassword = "correct horse battery staple";

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
    std::string all() const { return out + err; }
};

Run run(const QStringList& args, const char* password = nullptr, const QStringList& extraEnv = {}) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("ALCHEMY_PASSWORD"));
    if (password)
        env.insert(QStringLiteral("ALCHEMY_PASSWORD"), QString::fromUtf8(password));
    for (const QString& pair : extraEnv)
        env.insert(pair.section('=', 0, 0), pair.section('=', 1));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args);
    if (!p.waitForFinished(180000))
        throw std::runtime_error("athanorctl did not finish: " + args.join(' ').toStdString());
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput().toStdString();
    r.err = p.readAllStandardError().toStdString();
    return r;
}

QString q(const fs::path& p) {
    return QString::fromStdString(p.string());
}

std::vector<std::vector<std::string>> sqlRows(const fs::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot open " + db.string());
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
        throw std::runtime_error(sql + ": " + sqlite3_errmsg(handle));
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.push_back(text ? text : "<NULL>");
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return out;
}

// A state source in a temp dir, made from a fixture: the folder itself, or the fixture migrated into a
// SQLite database (athanorctl state migrate).
struct Source {
    bool sqlite = false;
    fs::path project; // the folder (a folder source) or the folder holding the database
    QString spec() const { return sqlite ? q("sqlite:" + (project / "state.sqlite").string()) : q(project); }
    fs::path database() const { return project / "state.sqlite"; }

    // Every record's bytes, keyed by where it is: a folder's record files (not Athanor's own .athanor), or
    // every column of every row of the database with the key order Athanor keeps beside it.
    std::map<std::string, std::string> records() const {
        std::map<std::string, std::string> out;
        if (!sqlite) {
            for (auto& [path, bytes] : filesBelow(project / ".alchemy"))
                if (path.rfind(".athanor", 0) != 0)
                    out[path] = std::move(bytes);
            return out;
        }
        for (const auto& row : sqlRows(database(), "SELECT scope, id, status, kind, fqn, seq, data, props, "
                                                   "oldProps, output FROM resources")) {
            std::string text;
            for (size_t i = 2; i < row.size(); ++i)
                text += row[i] + "\x1f";
            out[row[0] + "|" + row[1]] = text;
        }
        for (const auto& row : sqlRows(database(), "SELECT scope, id, keys FROM athanor_record_keys"))
            out["keys " + row[0] + "|" + row[1]] = row[2];
        return out;
    }
};

Source makeSource(const fs::path& fixtureProject, const fs::path& dir, bool sqlite) {
    Source s;
    s.sqlite = sqlite;
    s.project = dir;
    fs::create_directories(dir);
    if (!sqlite) {
        fs::copy(fixtureProject / ".alchemy", dir / ".alchemy", fs::copy_options::recursive);
        return s;
    }
    fs::create_directories(dir);
    const Run m = run({"state", "migrate", "--from", q(fixtureProject), "--to", s.spec()});
    if (m.exitCode != 0)
        throw std::runtime_error("migrate failed: " + m.all());
    return s;
}

// The keys whose bytes differ between two states (added, removed or changed).
std::vector<std::string> differences(const std::map<std::string, std::string>& a,
                                     const std::map<std::string, std::string>& b) {
    std::vector<std::string> out;
    for (const auto& [key, bytes] : a)
        if (auto it = b.find(key); it == b.end() || it->second != bytes)
            out.push_back(key);
    for (const auto& [key, bytes] : b)
        if (!a.count(key))
            out.push_back(key);
    return out;
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : ", ") + p;
    return out;
}

bool anyContains(const std::vector<std::string>& keys, const std::string& needle) {
    for (const auto& key : keys)
        if (key.find(needle) != std::string::npos)
            return true;
    return false;
}

// Every difference names `needle` (in a folder path "life/dev.json" or a row's scope and id).
bool allContain(const std::vector<std::string>& keys, const std::vector<std::string>& needles) {
    for (const auto& key : keys) {
        bool named = false;
        for (const auto& n : needles)
            named = named || key.find(n) != std::string::npos;
        if (!named)
            return false;
    }
    return true;
}

void addSourceRows() {
    QTest::addColumn<bool>("sqlite");
    QTest::newRow("folder") << false;
    QTest::newRow("sqlite") << true;
}

// The counts of the last --json line of a run ("run-finished").
Json runCounts(const std::string& out) {
    std::istringstream in(out);
    Json counts;
    for (std::string line; std::getline(in, line);)
        if (line.find("\"counts\"") != std::string::npos)
            counts = parseJsonText(line)["counts"];
    return counts;
}

// `<dir>/fixture`: lifecycle/run4-noop with a replaced copy (life/dev/old-copy, an fs::File whose resource
// carries `resourceProps` and whose entry `oldProps`) queued in the stage record's pendingDeletions, as an
// interrupted run leaves it.
fs::path withPendingDeletion(const fs::path& dir, const Json& resourceProps, const Json& oldProps) {
    const fs::path fixture = dir / "fixture";
    fs::create_directories(fixture);
    fs::copy(kRealAlchemy / "lifecycle/run4-noop/.alchemy", fixture / ".alchemy",
             fs::copy_options::recursive);
    const fs::path stageFile = fixture / ".alchemy/life/dev.json";
    Json stage = parseJsonText(readFile(stageFile));
    Json resource = Json::object({{"Symbol(alchemy::ResourceKind)", "fs::File"},
                                  {"Symbol(alchemy::ResourceID)", "old-copy"},
                                  {"Symbol(alchemy::ResourceFQN)", "life/dev/old-copy"}});
    for (const auto& [key, value] : resourceProps.items())
        resource[key] = value;
    Json entry = Json::object();
    entry["resource"] = resource;
    entry["oldProps"] = oldProps;
    stage["data"]["pendingDeletions"] = Json::array({entry});
    writeFile(stageFile, stage.dump(2));
    return fixture;
}

} // namespace

class TestRepairCli : public QObject {
    Q_OBJECT

private slots:
    void rmForgetsOnlyWhatItNamesAndUndoRestoresTheBytes_data() { addSourceRows(); }
    void rmForgetsOnlyWhatItNamesAndUndoRestoresTheBytes() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Source s =
            makeSource(kRealAlchemy / "app-stages/03-up-dev-again", dir.path().toStdString(), sqlite);
        const auto original = s.records();

        const Run refused = run({"state", "rm", "shop/dev/bundle", "--state", s.spec(), "--yes"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.find("4 nested records") != std::string::npos, refused.err.c_str());
        QVERIFY(s.records() == original);

        const Run rm = run({"state", "rm", "shop/dev/bundle", "--recursive", "--state", s.spec(), "--yes"});
        QVERIFY2(rm.exitCode == 0, rm.all().c_str());
        QVERIFY2(rm.out.find("rm shop/dev/bundle and 4 nested records") != std::string::npos, rm.out.c_str());
        const auto changed = differences(original, s.records());
        QVERIFY2(changed.size() == (sqlite ? 10u : 5u), joined(changed).c_str());
        QVERIFY2(allContain(changed, {"bundle"}), joined(changed).c_str());
        QVERIFY2(!anyContains(changed, "nested"), joined(changed).c_str()); // shop/dev/nested/bundle stays

        const Run history = run({"state", "history", "shop/dev/bundle/a", "--state", s.spec()});
        QVERIFY2(history.exitCode == 0, history.all().c_str());
        QVERIFY2(history.out.find("rm shop/dev/bundle and 4 nested records") != std::string::npos,
                 history.out.c_str());

        const Run undo = run({"state", "undo", "--state", s.spec(), "--yes"});
        QVERIFY2(undo.exitCode == 0, undo.all().c_str());
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
        // Nothing left to undo: the undo itself is not undone by a second undo.
        QCOMPARE(run({"state", "undo", "--state", s.spec(), "--yes"}).exitCode, 1);
    }

    void pendingDropAndUndo_data() { addSourceRows(); }
    void pendingDropAndUndo() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const fs::path fixture = withPendingDeletion(fs::path(dir.path().toStdString()), Json::object(),
                                                     Json::object({{"path", "gone.txt"}, {"content", "x"}}));
        const Source s = makeSource(fixture, fs::path(dir.path().toStdString()) / "src", sqlite);
        const auto original = s.records();

        const Run list = run({"state", "pending", "list", "life/dev", "--state", s.spec()});
        QVERIFY2(list.exitCode == 0, list.all().c_str());
        QVERIFY2(list.out.find("0  fs::File  life/dev/old-copy") != std::string::npos, list.out.c_str());
        QCOMPARE(run({"state", "pending", "drop", "life/dev", "3", "--state", s.spec(), "--yes"}).exitCode,
                 1);

        const Run drop = run({"state", "pending", "drop", "life/dev", "0", "--state", s.spec(), "--yes"});
        QVERIFY2(drop.exitCode == 0, drop.all().c_str());
        const auto changed = differences(original, s.records());
        QVERIFY2(!changed.empty() && allContain(changed, {"life/dev.json", "[\"life\"]|dev"}),
                 joined(changed).c_str());
        QVERIFY(run({"state", "pending", "list", "life/dev", "--state", s.spec()}).out.find("no pending") !=
                std::string::npos);

        QCOMPARE(run({"state", "undo", "--state", s.spec(), "--yes"}).exitCode, 0);
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
    }

    // `state pending run`: the replaced copy's provider deletes it now (its file on disk goes), the entry
    // leaves pendingDeletions, and undo brings the stage record's bytes back.
    void pendingRunDeletesTheOldResourceAndUndoRestoresTheRecord_data() { addSourceRows(); }
    void pendingRunDeletesTheOldResourceAndUndoRestoresTheRecord() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Json props = Json::object({{"path", "old-copy.txt"}, {"content", "replaced"}});
        const fs::path fixture = withPendingDeletion(fs::path(dir.path().toStdString()), props, props);
        const Source s = makeSource(fixture, fs::path(dir.path().toStdString()) / "src", sqlite);
        // The old copy the replaced resource left: a real file, where the provider resolves its path.
        const fs::path oldFile = s.project / "old-copy.txt";
        writeFile(oldFile, "replaced");
        const auto original = s.records();

        const Run pendingRun =
            run({"state", "pending", "run", "life/dev", "0", "--state", s.spec(), "--yes"});
        QVERIFY2(pendingRun.exitCode == 0, pendingRun.all().c_str());
        QVERIFY2(!fs::exists(oldFile), pendingRun.all().c_str());
        const Run list = run({"state", "pending", "list", "life/dev", "--state", s.spec()});
        QVERIFY2(list.out.find("no pending") != std::string::npos, list.all().c_str());
        const auto changed = differences(original, s.records());
        QVERIFY2(!changed.empty() && allContain(changed, {"life/dev.json", "[\"life\"]|dev"}),
                 joined(changed).c_str());

        const Run undo = run({"state", "undo", "--state", s.spec(), "--yes"});
        QVERIFY2(undo.exitCode == 0, undo.all().c_str());
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
    }

    // `state unlock` on a stage locked by another live process (a lock file, or the athanor_locks row of a
    // SQLite source): a repair is refused naming the holder, unlock names it too and releases it, and the
    // repair then goes through.
    void unlockReleasesALockHeldByAnotherProcess_data() { addSourceRows(); }
    void unlockReleasesALockHeldByAnotherProcess() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Source s =
            makeSource(kRealAlchemy / "app-stages/03-up-dev-again", dir.path().toStdString(), sqlite);
        const auto original = s.records();

        QProcess holder;
        holder.start(QStringLiteral(ATHANOR_BIN_DIR "/tst_lifecycle_lock_holder"),
                     {sqlite ? s.spec() : q(s.project), QStringLiteral("shop"), QStringLiteral("dev")});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(30000));
        const QString said = QString::fromUtf8(holder.readLine()).trimmed();
        QVERIFY2(said.startsWith(QStringLiteral("locked ")), qPrintable(said));
        const std::string pid = said.section(' ', 1).toStdString();

        const Run refused = run({"state", "rm", "shop/dev/config.json", "--state", s.spec(), "--yes"});
        QVERIFY2(refused.exitCode != 0, refused.all().c_str());
        QVERIFY2(refused.all().find("pid " + pid) != std::string::npos, refused.all().c_str());

        // Without --yes and without a terminal nothing is released.
        const Run asked = run({"state", "unlock", "--app", "shop", "--stage", "dev", "--state", s.spec()});
        QVERIFY2(asked.exitCode != 0, asked.all().c_str());
        QVERIFY2(asked.out.find("locked by pid " + pid) != std::string::npos, asked.all().c_str());
        QVERIFY2(asked.out.find(sqlite ? "athanor_locks" : ".lock") != std::string::npos,
                 asked.all().c_str());
        QVERIFY2(asked.out.find("warning: unless that process is gone") != std::string::npos,
                 asked.all().c_str());

        const Run unlock =
            run({"state", "unlock", "--app", "shop", "--stage", "dev", "--state", s.spec(), "--yes"});
        QVERIFY2(unlock.exitCode == 0, unlock.all().c_str());
        QVERIFY2(unlock.out.find("released the lock of stage shop/dev (held by pid " + pid + ")") !=
                     std::string::npos,
                 unlock.all().c_str());
        if (sqlite)
            QVERIFY(sqlRows(s.database(), "SELECT app FROM athanor_locks").empty());
        QVERIFY(s.records() == original); // unlocking writes no record

        const Run removed = run({"state", "rm", "shop/dev/config.json", "--state", s.spec(), "--yes"});
        QVERIFY2(removed.exitCode == 0, removed.all().c_str());
        QVERIFY2(run({"state", "unlock", "--app", "shop", "--stage", "dev", "--state", s.spec()})
                         .out.find("is not locked") != std::string::npos,
                 "the repair released its own lock");
        holder.closeWriteChannel();
        QVERIFY(holder.waitForFinished(10000));
    }

    void editWritesTheEditedRecordAndUndoRestoresIt_data() { addSourceRows(); }
    void editWritesTheEditedRecordAndUndoRestoresIt() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const Source s = makeSource(kRealAlchemy / "secrets/01-up", dir.path().toStdString(), sqlite);
        const auto original = s.records();
        const fs::path editor = fs::path(dir.path().toStdString()) / "editor.sh";
        // The "editor": changes one plain prop and checks that the secret it was shown is decrypted.
        writeFile(editor, "#!/bin/sh\ngrep -q 's3cr3t-value' \"$1\" || exit 7\n"
                          "sed -i 's/\"name\": \"main\"/\"name\": \"edited\"/' \"$1\"\n");
        fs::permissions(editor, fs::perms::owner_all);
        const Run edit = run({"state", "edit", "vault/dev/config", "--state", s.spec(), "--yes"},
                             kMainPassword, {"EDITOR=" + q(editor)});
        QVERIFY2(edit.exitCode == 0, edit.all().c_str());
        const auto changed = differences(original, s.records());
        QVERIFY2(!changed.empty() && allContain(changed, {"config"}), joined(changed).c_str());
        const Run get =
            run({"state", "get", "vault/dev/config", "--state", s.spec(), "--decrypt"}, kMainPassword);
        QVERIFY2(get.out.find("edited") != std::string::npos, get.all().c_str());
        QVERIFY2(get.out.find("s3cr3t-value") != std::string::npos, get.all().c_str()); // secrets still open

        // An edit that breaks the record is refused; nothing is written.
        writeFile(editor, "#!/bin/sh\nsed -i 's/\"status\": \"created\"/\"status\": \"done\"/' \"$1\"\n");
        const auto edited = s.records();
        const Run bad =
            run({"state", "edit", "vault/dev/config", "--state", s.spec(), "--yes", "--encrypted"}, nullptr,
                {"EDITOR=" + q(editor)});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.find("status") != std::string::npos, bad.err.c_str());
        QVERIFY(s.records() == edited);

        QCOMPARE(run({"state", "undo", "--state", s.spec(), "--yes"}).exitCode, 0);
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
    }

    void importRefusesConflictsAndUndoRestores_data() { addSourceRows(); }
    void importRefusesConflictsAndUndoRestores() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        const Source s = makeSource(kRealAlchemy / "app-stages/01-up-dev", base / "src", sqlite);
        const auto original = s.records();
        const Run exported =
            run({"state", "export", "--state", q(kRealAlchemy / "app-stages/03-up-dev-again"), "--output",
                 q(base / "export.json")});
        QVERIFY2(exported.exitCode == 0, exported.all().c_str());

        const Run conflict = run({"state", "import", q(base / "export.json"), "--state", s.spec(), "--yes"});
        QCOMPARE(conflict.exitCode, 1);
        QVERIFY2(conflict.err.find("--overwrite") != std::string::npos, conflict.err.c_str());
        QVERIFY(s.records() == original);

        const Run import =
            run({"state", "import", q(base / "export.json"), "--overwrite", "--state", s.spec(), "--yes"});
        QVERIFY2(import.exitCode == 0, import.all().c_str());
        QVERIFY(s.records() != original);
        QCOMPARE(run({"state", "undo", "--state", s.spec(), "--yes"}).exitCode, 0);
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
    }

    void rekeyOpensWithTheNewPasswordOnlyAndUndoRestores_data() { addSourceRows(); }
    void rekeyOpensWithTheNewPasswordOnlyAndUndoRestores() {
        QFETCH(bool, sqlite);
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        const Source s = makeSource(kRealAlchemy / "secrets/01-up", base / "src", sqlite);
        const auto original = s.records();
        writeFile(base / "new.txt", "a new password\n");
        const Run rekey = run({"state", "rekey", "--app", "vault", "--stage", "dev", "--new-password-file",
                               q(base / "new.txt"), "--state", s.spec(), "--yes"},
                              kMainPassword);
        QVERIFY2(rekey.exitCode == 0, rekey.all().c_str());
        // The child scope team has its own password: kept.
        QVERIFY2(rekey.out.find("team") != std::string::npos, rekey.out.c_str());
        const auto changed = differences(original, s.records());
        QVERIFY2(!changed.empty() && !anyContains(changed, "team-config"), joined(changed).c_str());

        const Run withNew =
            run({"state", "get", "vault/dev/config", "--state", s.spec(), "--decrypt"}, "a new password");
        QVERIFY2(withNew.exitCode == 0 && withNew.out.find("s3cr3t-value") != std::string::npos,
                 withNew.all().c_str());
        const Run withOld =
            run({"state", "get", "vault/dev/config", "--state", s.spec(), "--decrypt"}, kMainPassword);
        QVERIFY2(withOld.out.find("s3cr3t-value") == std::string::npos, withOld.all().c_str());

        QCOMPARE(run({"state", "undo", "--state", s.spec(), "--yes"}).exitCode, 0);
        QVERIFY2(s.records() == original, joined(differences(original, s.records())).c_str());
    }

    // Export -> import into an empty source gives every record's bytes back, for every fixture tree.
    void exportImportRoundTripsEveryFixture_data() {
        QTest::addColumn<bool>("sqlite");
        QTest::addColumn<QString>("project");
        for (const auto& project : fixtureProjects()) {
            const std::string name = fs::relative(project, kRealAlchemy).string();
            QTest::newRow(("folder " + name).c_str()) << false << q(project);
            QTest::newRow(("sqlite " + name).c_str()) << true << q(project);
        }
    }
    void exportImportRoundTripsEveryFixture() {
        QFETCH(bool, sqlite);
        QFETCH(QString, project);
        QTemporaryDir dir;
        const fs::path base = dir.path().toStdString();
        const Source from = makeSource(project.toStdString(), base / "from", sqlite);
        const Run exported = run({"state", "export", "--state", from.spec(), "--output", q(base / "x.json")});
        QVERIFY2(exported.exitCode == 0, exported.all().c_str());
        Source to;
        to.sqlite = sqlite;
        to.project = base / "to";
        fs::create_directories(to.project);
        const Run imported = run({"state", "import", q(base / "x.json"), "--state", to.spec(), "--yes"});
        QVERIFY2(imported.exitCode == 0, imported.all().c_str());
        QVERIFY2(to.records() == from.records(), joined(differences(from.records(), to.records())).c_str());
    }
};

QTEST_GUILESS_MAIN(TestRepairCli)
#include "tst_repair_cli.moc"

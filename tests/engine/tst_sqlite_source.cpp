// The SQLite source (Alchemy's SQLiteStateStore, reference §6.3-6.4): the schema Athanor creates is the one
// Alchemy's migrations make, set() is Alchemy's upsert (props / oldProps kept when absent), records read
// back byte for byte, the scope tree matches the folder scan of the same records, stage locks are rows, and
// bad databases and rows are reported by name while the rest loads and nothing is deleted.
#include "EngineTestFiles.h"
#include "commands/StateMigration.h"
#include "secrets/Sha256.h"
#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"
#include "store/StoreError.h"
#include "store/sqlite/AlchemySchema.h"
#include "store/sqlite/SqliteDatabase.h"
#include "store/sqlite/SqliteSource.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <chrono>
#include <set>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

using namespace athanor;
namespace fs = std::filesystem;
using test_files::filesBelow;
using test_files::fixtureProjects;
using test_files::readFile;
using test_files::writeFile;

namespace {

const fs::path kSqliteFixture = fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-sqlite";

// Raw SQL on a database, as another program (Alchemy, a user's sqlite3) would run it.
class RawDb {
public:
    explicit RawDb(const fs::path& file) {
        if (sqlite3_open(file.c_str(), &m_db) != SQLITE_OK)
            throw std::runtime_error("cannot open " + file.string());
        sqlite3_busy_timeout(m_db, 100);
    }
    ~RawDb() { sqlite3_close(m_db); }
    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error(sql + ": " + message);
        }
    }
    std::vector<std::vector<std::string>> rows(const std::string& sql) {
        std::vector<std::vector<std::string>> out;
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(m_db));
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                row.push_back(text ? text : "<NULL>");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    std::string value(const std::string& sql) { return rows(sql).at(0).at(0); }

private:
    sqlite3* m_db = nullptr;
};

// What the views see of a snapshot, independent of node indexes: every node with its kind, parent and record.
std::set<std::string> shape(const StateSnapshot& snap) {
    std::set<std::string> out;
    for (const auto& node : snap.nodes) {
        std::string line = std::to_string(static_cast<int>(node.kind)) + " " + node.fqn + " <- " +
                           (node.parent >= 0 ? snap.nodes[static_cast<size_t>(node.parent)].fqn : "-");
        if (node.record >= 0) {
            const SnapshotRecord& r = snap.records[static_cast<size_t>(node.record)];
            std::string chain;
            for (const auto& part : r.chain)
                chain += part + "|";
            line += " [" + r.fqn + " " + chain + r.id + " " + r.kind + " " + r.status + " " +
                    std::to_string(r.seq) + " " + std::to_string(r.secretCount) + " " +
                    (r.hasOldProps ? "old" : "-") + " " + r.recordFqn + " " + r.error + "]";
        }
        out.insert(line);
    }
    return out;
}

Json record(const std::string& text) {
    return parseJsonText(text);
}

} // namespace

class TestSqliteSource : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_n = 0;

    fs::path fresh(const std::string& name) {
        return fs::path(m_tmp.path().toStdString()) / (name + "-" + std::to_string(m_n++));
    }
    fs::path fixtureCopy() {
        const fs::path dir = fresh("fixture");
        fs::create_directories(dir);
        fs::copy_file(kSqliteFixture / "state.sqlite", dir / "state.sqlite");
        return dir / "state.sqlite";
    }
    static std::shared_ptr<StateSource> open(const fs::path& db) {
        return openStateSource(SourceSpec::sqlite(db));
    }

private slots:
    void specsNameSourcesTheSameWayEverywhere() {
        const SourceSpec db = SourceSpec::parse("sqlite:/x/.alchemy/state.sqlite");
        QCOMPARE(int(db.kind), int(SourceSpec::Kind::Sqlite));
        QCOMPARE(db.projectFolder(), fs::path("/x"));
        QCOMPARE(SourceSpec::parse(db.toString()), db);
        QCOMPARE(SourceSpec::parse("sqlite:file:/x/db.sqlite").path, fs::path("/x/db.sqlite"));
        QCOMPARE(SourceSpec::parse("/p/.alchemy"), SourceSpec::folder("/p"));
        qputenv("ALCHEMY_STATE_FILE", "/elsewhere/state.db");
        QCOMPARE(SourceSpec::parse("sqlite:").path, fs::path("/elsewhere/state.db"));
        qunsetenv("ALCHEMY_STATE_FILE");
        QCOMPARE(SourceSpec::parse("sqlite:").path, fs::current_path() / ".alchemy" / "state.sqlite");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SourceSpec::parse("d1://database"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, SourceSpec::parse("sqlite:/x/"));
        QCOMPARE(int(SourceSpec::parse("./s3:odd").kind),
                 int(SourceSpec::Kind::Folder)); // a folder may hold a colon
    }

    void createdSchemaIsAlchemys() {
        const fs::path db = fresh("schema") / "state.sqlite";
        auto source = open(db);
        QVERIFY(!source->exists());
        // Reading an absent database creates nothing.
        QCOMPARE(loadSnapshot(*source)->records.size(), size_t{0});
        QVERIFY(source->openStore({"shop", "dev"})->list().empty());
        QVERIFY(!fs::exists(db));

        StateRecord r(record(
            R"({"kind":"fs::File","id":"a","fqn":"shop/dev/a","seq":0,"data":{},"status":"created","output":{},"props":{}})"));
        source->openStore({"shop", "dev"})->set("a", r);
        RawDb raw(db);
        QCOMPARE(raw.value("PRAGMA journal_mode"), std::string("wal"));
        const auto migrations =
            raw.rows(R"(SELECT id, hash, created_at FROM "__drizzle_migrations" ORDER BY created_at)");
        QCOMPARE(migrations.size(), size_t{2});
        QCOMPARE(migrations[0][0],
                 std::string("<NULL>")); // drizzle's "id SERIAL" is not an autoincrement in SQLite
        QCOMPARE(migrations[0][1],
                 std::string("a8415f2b55bb07d174c556760332a4316446b8edcc7ae662385fc2a6e9b13136"));
        QCOMPARE(migrations[0][2], std::string("1751858205551"));
        QCOMPARE(migrations[1][1],
                 std::string("8cf47dc2de6c138cd5a149e1de7902ddc0fe76dfb4577325f42654178ba3ed33"));
        QCOMPARE(migrations[1][2], std::string("1751942782611"));
        // The embedded migration texts are the ones whose hashes those are.
        QCOMPARE(sha256Hex(sqlite::alchemyMigrations()[0].sql), migrations[0][1]);
        QCOMPARE(sha256Hex(sqlite::alchemyMigrations()[1].sql), migrations[1][1]);
        // The final shape of `resources` after 0001, and no `scopes` table (0001 drops it).
        std::vector<std::string> columns;
        for (const auto& row : raw.rows("SELECT name FROM pragma_table_info('resources') ORDER BY cid"))
            columns.push_back(row[0]);
        QCOMPARE(columns, (std::vector<std::string>{"id", "scope", "status", "kind", "fqn", "seq", "data",
                                                    "props", "oldProps", "output"}));
        QCOMPARE(raw.value("SELECT count(*) FROM sqlite_master WHERE name = 'scopes'"), std::string("0"));
        QCOMPARE(raw.value("SELECT count(*) FROM pragma_foreign_key_list('resources')"), std::string("0"));
        // The row, as Alchemy's drizzle writes it: compact JSON columns, scope the compact chain.
        const auto row = raw.rows(
            R"(SELECT scope, id, status, kind, fqn, seq, data, props, oldProps, output FROM resources)");
        QCOMPARE(row.size(), size_t{1});
        QCOMPARE(row[0], (std::vector<std::string>{R"(["shop","dev"])", "a", "created", "fs::File",
                                                   "shop/dev/a", "0", "{}", "{}", "<NULL>", "{}"}));
    }

    void setIsAlchemysUpsertAndShowsWhatItKeeps() {
        const fs::path db = fresh("upsert") / "state.sqlite";
        auto source = open(db);
        auto store = source->openStore({"shop", "dev"});
        // In flight (write B) then success (write C, no oldProps): the SQL store keeps oldProps (hazard
        // §14.7).
        store->set(
            "x",
            StateRecord(record(
                R"({"kind":"k","id":"x","fqn":"shop/dev/x","seq":1,"data":{},"status":"creating","output":{},"props":{"v":2},"oldProps":{"v":1}})")));
        store->set(
            "x",
            StateRecord(record(
                R"({"kind":"k","id":"x","fqn":"shop/dev/x","seq":1,"data":{},"status":"created","output":{"o":1},"props":{"v":2}})")));
        const auto back = store->get("x");
        QVERIFY(back);
        QCOMPARE(back->statusText(), std::string("created"));
        QVERIFY(back->oldProps());
        QVERIFY(*back->oldProps() == record(R"({"v":1})"));
        // Alchemy's column order: the row changed from what this record said, so no recorded key order.
        QCOMPARE(
            stringifyJs(back->document(), 0),
            std::string(
                R"({"id":"x","status":"created","kind":"k","fqn":"shop/dev/x","seq":1,"data":{},"props":{"v":2},"oldProps":{"v":1},"output":{"o":1}})"));
        const auto snap = loadSnapshot(*source);
        QCOMPARE(snap->records.size(), size_t{1});
        QVERIFY(snap->records[0].hasOldProps);
        // A record without the fields Alchemy's table needs is refused, naming the row and the field.
        try {
            store->set(
                "y",
                StateRecord(record(
                    R"({"provider":"k","id":"y","fqn":"","seq":0,"data":{},"status":"created","output":{}})")));
            QFAIL("a record without kind was stored");
        } catch (const StoreError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find(R"(row scope ["shop","dev"], id "y")") != std::string::npos, e.what());
            QVERIFY2(message.find("\"provider\"") != std::string::npos, e.what());
        }
        try {
            store->set(
                "z",
                StateRecord(record(
                    R"({"kind":"k","id":"other","fqn":"","seq":0,"data":{},"status":"created","output":{}})")));
            QFAIL("a record under another id was stored");
        } catch (const StoreError& e) {
            QVERIFY2(std::string(e.what()).find("\"other\"") != std::string::npos, e.what());
        }
        store->remove("x");
        QVERIFY(!store->get("x"));
        QVERIFY(store->list().empty());
    }

    void recordsReadBackByteForByte() {
        // Every record of every real tree: written through the store, read back as the same file text.
        for (const auto& project : fixtureProjects()) {
            const fs::path db = fresh("bytes") / "state.sqlite";
            auto folder = openStateSource(SourceSpec::folder(project));
            auto source = open(db);
            const auto snap = loadSnapshot(*folder);
            for (const auto& r : snap->records) {
                const std::string text = *folder->readRecordText(r.chain, r.id);
                source->openStore(r.chain)->set(r.id, StateRecord(parseJsonText(text)));
                QCOMPARE(*source->readRecordText(r.chain, r.id), text);
            }
            // A row rewritten by someone else (Alchemy) reads back in Alchemy's column order, never in a
            // stale one.
            const SnapshotRecord& first = snap->records.front();
            RawDb(db).exec("UPDATE resources SET status = status WHERE id = '" + first.id +
                           "'"); // same content
            QCOMPARE(*source->readRecordText(first.chain, first.id),
                     *folder->readRecordText(first.chain, first.id));
            RawDb(db).exec("UPDATE resources SET seq = seq + 1000 WHERE id = '" + first.id + "'");
            const Json changed = parseJsonText(*source->readRecordText(first.chain, first.id));
            QCOMPARE(changed.begin().key(), std::string("id"));
        }
    }

    void treeMatchesTheFolderScan() {
        // The chain-built tree of a database equals the folder walk of the same records, for every real tree.
        for (const auto& project : fixtureProjects()) {
            auto folder = openStateSource(SourceSpec::folder(project));
            auto source = open(fresh("tree") / "state.sqlite");
            const MigrationReport copy = migrateState(*folder, *source, {});
            QVERIFY2(copy.succeeded(), project.c_str());
            const auto a = loadSnapshot(*folder);
            const auto b = loadSnapshot(*source);
            QCOMPARE(b->records.size(), a->records.size());
            QCOMPARE(shape(*b), shape(*a));
            for (const auto& filter :
                 std::vector<SnapshotOptions>{{"shop", "", 0}, {"", "prod", 0}, {"shop", "dev", 0}}) {
                const auto x = shape(*loadSnapshot(*folder, filter));
                const auto y = shape(*loadSnapshot(*source, filter));
                for (const auto& line : x)
                    if (!y.count(line))
                        qWarning("only in the folder's: %s", line.c_str());
                for (const auto& line : y)
                    if (!x.count(line))
                        qWarning("only in the database's: %s", line.c_str());
                QCOMPARE(y, x);
            }
        }
    }

    void alchemysDatabaseLoads() {
        // Written by real Alchemy: every row, secrets counted, naked scopes as scopes, oldProps kept shown.
        auto source = open(fixtureCopy());
        const auto snap = loadSnapshot(*source);
        QVERIFY(snap->stateFolderExists);
        QCOMPARE(snap->errorCount(), size_t{0});
        std::vector<std::string> fqns;
        for (const auto& r : snap->records)
            fqns.push_back(r.fqn);
        QCOMPARE(fqns,
                 (std::vector<std::string>{"vault/dev/readme", "vault/dev/storage", "vault/dev/storage/inner",
                                           "vault/dev/team", "vault/dev/team/team-exec", "vault/dev/token",
                                           "vault/dev/with-env"}));
        const SnapshotRecord* withEnv = snap->findRecord("vault/dev/with-env");
        QCOMPARE(withEnv->secretCount, uint32_t{3}); // env in props and output, the object in props
        QCOMPARE(withEnv->kind, std::string("os::Exec"));
        QVERIFY(withEnv->relativePath.empty());
        QCOMPARE(snap->absolutePath(*withEnv), source->spec().path);
        QVERIFY(snap->location(*withEnv).find(R"(row scope ["vault","dev"], id "with-env")") !=
                std::string::npos);
        QCOMPARE(int(snap->nodes[static_cast<size_t>(snap->findNode("vault/dev/team"))].kind),
                 int(SnapshotNodeKind::Scope));
        QCOMPARE(source->apps(), std::vector<std::string>{"vault"});
        // Alchemy's listScopes: the scopes one below a chain that hold rows.
        QCOMPARE(source->openStore({"vault", "dev"})->listScopes(),
                 (std::vector<std::string>{"storage", "team"}));
        QCOMPARE(source->openStore({"vault"})->listScopes(), std::vector<std::string>{"dev"});
        // Browsing wrote nothing: no Athanor table appeared.
        QCOMPARE(
            RawDb(source->spec().path).value("SELECT count(*) FROM sqlite_master WHERE name LIKE 'athanor%'"),
            std::string("0"));
    }

    void badRowsAreNamedAndTheRestLoads() {
        const fs::path db = fixtureCopy();
        {
            RawDb raw(db);
            raw.exec(R"(UPDATE resources SET props = '{"command": tru' WHERE id = 'with-env')");
            raw.exec(
                R"(INSERT INTO resources VALUES ('odd', '{"not":"an array"}', 'created', 'k', 'f', 0, '{}', NULL, NULL, '{}'))");
            raw.exec(
                R"(INSERT INTO resources VALUES ('num', '["vault",7]', 'created', 'k', 'f', 0, '{}', NULL, NULL, '{}'))");
        }
        auto source = open(db);
        const auto snap = loadSnapshot(*source);
        QCOMPARE(snap->records.size(), size_t{7}); // the bad-scope rows are not placed; the rest is there
        const SnapshotRecord* broken = snap->findRecord("vault/dev/with-env");
        QVERIFY(!broken->ok());
        QVERIFY2(broken->error.find("column props") != std::string::npos, broken->error.c_str());
        QVERIFY(snap->findRecord("vault/dev/readme")->ok());
        QCOMPARE(snap->problems.size(), size_t{2});
        QVERIFY2(snap->problems[0].find(R"(row scope {"not":"an array"}, id "odd")") != std::string::npos ||
                     snap->problems[1].find(R"(row scope {"not":"an array"}, id "odd")") != std::string::npos,
                 snap->problems[0].c_str());
        for (const auto& p : snap->problems)
            QVERIFY2(p.find("not a JSON array") != std::string::npos, p.c_str());
        // Reading the broken record names the row and the column; nothing was deleted.
        try {
            source->readRecordText({"vault", "dev"}, "with-env");
            QFAIL("a broken row read");
        } catch (const UnreadableRecordError& e) {
            QVERIFY2(std::string(e.what()).find(R"(row scope ["vault","dev"], id "with-env")") !=
                         std::string::npos,
                     e.what());
            QVERIFY2(std::string(e.what()).find("column props") != std::string::npos, e.what());
        }
        QCOMPARE(RawDb(db).value("SELECT count(*) FROM resources"), std::string("9"));
    }

    void notAlchemysDatabaseIsRefused() {
        const fs::path other = fresh("other") / "notes.sqlite";
        fs::create_directories(other.parent_path());
        RawDb(other).exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')");
        auto source = open(other);
        try {
            loadSnapshot(*source);
            QFAIL("another program's database loaded");
        } catch (const SourceUnavailableError& e) {
            QVERIFY2(std::string(e.what()).find(
                         "is not Alchemy's state database: it has no table \"resources\"") !=
                         std::string::npos,
                     e.what());
        }
        QVERIFY_THROWS_EXCEPTION(
            StoreError,
            source->openStore({"a", "b"})
                ->set(
                    "x",
                    StateRecord(record(
                        R"({"kind":"k","id":"x","fqn":"","seq":0,"data":{},"status":"created","output":{}})"))));
        QCOMPARE(RawDb(other).value("SELECT count(*) FROM sqlite_master"), std::string("1"));

        const fs::path text = fresh("text") / "state.sqlite";
        writeFile(text, "this is not a database at all, just text that happens to be long enough to matter");
        try {
            loadSnapshot(*open(text));
            QFAIL("a text file loaded");
        } catch (const SourceUnavailableError& e) {
            QVERIFY2(std::string(e.what()).find("not a SQLite database") != std::string::npos ||
                         std::string(e.what()).find("not a database") != std::string::npos,
                     e.what());
        }
        QCOMPARE(readFile(text).substr(0, 8), std::string("this is "));
    }

    void lockedPastTheBusyTimeoutIsReported() {
        // Another writer holding an exclusive lock on a rollback-journal database blocks even readers.
        const fs::path db = fixtureCopy();
        RawDb blocker(db);
        blocker.exec("PRAGMA journal_mode = DELETE");
        blocker.exec("BEGIN EXCLUSIVE");
        blocker.exec("UPDATE resources SET seq = seq WHERE id = 'readme'");
        auto source = open(db);
        const auto start = std::chrono::steady_clock::now();
        try {
            loadSnapshot(*source);
            QFAIL("a locked database loaded");
        } catch (const SourceUnavailableError& e) {
            QVERIFY2(std::string(e.what()).find("locked by another writer") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(db.string()) != std::string::npos, e.what());
        }
        QVERIFY(std::chrono::steady_clock::now() - start >=
                std::chrono::milliseconds(sqlite::kBusyTimeoutMs - 100));
        blocker.exec("ROLLBACK");
        QCOMPARE(loadSnapshot(*source)->records.size(), size_t{7}); // once free, it loads
    }

    void stageLocksAreRows() {
        const fs::path db = fixtureCopy();
        auto source = open(db);
        QCOMPARE(int(source->stageLocking()), int(StageLocking::Native));
        auto first = source->lockStage("vault", "dev", "up", {});
        try {
            source->lockStage("vault", "dev", "destroy", {});
            QFAIL("a held stage was locked twice");
        } catch (const StageLockedError& e) {
            QCOMPARE(e.holder.pid, static_cast<long>(::getpid()));
            QCOMPARE(e.holder.operation, std::string("up"));
            QVERIFY2(std::string(e.what()).find("stage vault/dev is locked by pid " +
                                                std::to_string(::getpid())) != std::string::npos,
                     e.what());
            QVERIFY2(std::string(e.what()).find("athanor_locks") != std::string::npos, e.what());
        }
        auto other = source->lockStage("vault", "prod", "up", {}); // another stage is free
        first->release();
        auto again = source->lockStage("vault", "dev", "up", {});
        // A lock left by a process that is gone (on this host) is taken over, and said so.
        again.reset();
        StageLockHolder dead = StageLockHolder::thisProcess("up");
        dead.pid = 999999999;
        RawDb(db).exec("INSERT INTO athanor_locks VALUES ('vault', 'dev', '" + stringifyJs(dead.toJson(), 0) +
                       "')");
        std::vector<std::string> warnings;
        auto takenOver =
            source->lockStage("vault", "dev", "up", [&](const std::string& w) { warnings.push_back(w); });
        QCOMPARE(warnings.size(), size_t{1});
        QVERIFY2(warnings[0].find("pid 999999999") != std::string::npos, warnings[0].c_str());
        // Locks are invisible to browsing and to Alchemy (its own table).
        QCOMPARE(loadSnapshot(*source)->records.size(), size_t{7});
        takenOver.reset();
        other.reset();
        QCOMPARE(RawDb(db).value("SELECT count(*) FROM athanor_locks"), std::string("0"));
    }

    void changesAreNoticed() {
        const fs::path db = fixtureCopy();
        auto source = open(db);
        const auto snap = loadSnapshot(*source);
        QVERIFY(!source->changedSince(*snap));
        QVERIFY(!source->changedSince(*loadSnapshot(*source))); // reading changes nothing
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        RawDb(db).exec("UPDATE resources SET status = 'updated' WHERE id = 'readme'");
        QVERIFY(source->changedSince(*snap));
        const auto after = loadSnapshot(*source);
        QCOMPARE(after->findRecord("vault/dev/readme")->status, std::string("updated"));
        QVERIFY(after->findRecord("vault/dev/readme")->modifiedNs !=
                snap->findRecord("vault/dev/readme")->modifiedNs);
        QCOMPARE(after->findRecord("vault/dev/token")->modifiedNs,
                 snap->findRecord("vault/dev/token")->modifiedNs);
    }

    void loadsReportProgressAndStopWhenAsked() {
        auto source = open(fixtureCopy());
        std::vector<std::pair<size_t, size_t>> reports;
        loadSnapshot(*source, {}, [&](size_t done, size_t total) { reports.emplace_back(done, total); });
        QVERIFY(!reports.empty());
        QCOMPARE(reports.back(), (std::pair<size_t, size_t>{7, 7}));
        std::stop_source stop;
        stop.request_stop();
        QVERIFY_THROWS_EXCEPTION(LoadCancelled, loadSnapshot(*source, {}, {}, stop.get_token()));
        auto folder = openStateSource(SourceSpec::folder(fixtureProjects().front()));
        QVERIFY_THROWS_EXCEPTION(LoadCancelled, loadSnapshot(*folder, {}, {}, stop.get_token()));
    }

    void aFolderHoldingOnlyStateSqliteMeansTheDatabase() {
        const fs::path project = fresh("project");
        fs::create_directories(project / ".alchemy");
        fs::copy_file(kSqliteFixture / "state.sqlite", project / ".alchemy" / "state.sqlite");
        const ResolvedSource resolved = resolveSourceSpec(SourceSpec::folder(project));
        QCOMPARE(resolved.spec, SourceSpec::sqlite(project / ".alchemy" / "state.sqlite"));
        QVERIFY2(resolved.note.find("holds no record files") != std::string::npos, resolved.note.c_str());
        QCOMPARE(loadSnapshot(project)->records.size(), size_t{7});
        // With record files the folder is the source, whatever else lies there.
        writeFile(project / ".alchemy/vault/dev/readme.json",
                  readFile(fixtureProjects().front() / ".alchemy/shop/dev/config.json"));
        QCOMPARE(resolveSourceSpec(SourceSpec::folder(project)).spec, SourceSpec::folder(project));
        QVERIFY(resolveSourceSpec(SourceSpec::folder(project)).note.empty());
    }

    void athanorHomesAreSeparate() {
        auto a = open("/x/a.sqlite");
        auto b = open("/x/b.sqlite");
        QVERIFY(a->athanorHome() != b->athanorHome());
        QVERIFY(a->athanorHome().string().find("athanor/sources/") != std::string::npos);
        QCOMPARE(openStateSource(SourceSpec::folder("/p"))->athanorHome(), fs::path("/p/.alchemy/.athanor"));
    }
};

QTEST_GUILESS_MAIN(TestSqliteSource)
#include "tst_sqlite_source.moc"

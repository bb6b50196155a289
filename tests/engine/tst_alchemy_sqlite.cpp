// Real alchemy@0.94.0 with its SQLiteStateStore (under node, with @libsql/client), both ways:
//  - Alchemy writes a database, athanorctl shows exactly its records and the plaintexts Alchemy used;
//  - Athanor creates a database from scratch (migrate from Alchemy's files), Alchemy opens it without a
//    migration and reports every resource skipped; back to files it is byte-identical to Alchemy's own;
//  - Athanor runs up on Alchemy's database, and Alchemy still skips what Athanor left unchanged.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "ProcessRun.h"

#include "json/JsonParse.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest/QTest>
#include <regex>
#include <set>
#include <sqlite3.h>

using namespace athanor;
namespace fs = std::filesystem;
using test_files::filesBelow;
using test_files::readFile;
using test_files::writeFile;

namespace {

const fs::path kPrograms = fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-sqlite";
const char* const kMainPassword = "correct horse battery staple";
const char* const kTeamPassword = "team-scope-password";

using Run = testsupport::ProcessRun;
using testsupport::resourceLines;

Run runProcess(const QString& program, const QStringList& args, const fs::path& cwd,
               const std::map<QString, QString>& extraEnv) {
    return testsupport::runProcess(program, args, cwd, {"ALCHEMY_PASSWORD", "ALCHEMY_STATE_FILE"}, extraEnv);
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

// Every record's FQN as the rows say: the scope array joined, then the id.
std::vector<std::string> rowFqns(const fs::path& db) {
    std::vector<std::string> out;
    for (const auto& row : sqlRows(db, "SELECT scope, id FROM resources")) {
        std::string fqn;
        for (const auto& part : parseJsonText(row[0]))
            fqn += part.get<std::string>() + "/";
        out.push_back(fqn + row[1]);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

} // namespace

class TestAlchemySqlite : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    fs::path tmp() const { return fs::path(m_tmp.path().toStdString()); }

    // A project folder with the program and the pinned packages, as a user's project would have them.
    fs::path project(const std::string& name, const std::string& program) {
        const fs::path dir = tmp() / name;
        fs::create_directories(dir / "home");
        fs::copy_file(kPrograms / program, dir / program);
        fs::create_directory_symlink(node_deps::nodeModules(), dir / "node_modules");
        return dir;
    }

    Run alchemy(const fs::path& dir, const std::string& program, const std::optional<fs::path>& stateFile) {
        std::map<QString, QString> env{{QStringLiteral("HOME"), q(dir / "home")},
                                       {QStringLiteral("DO_NOT_TRACK"), QStringLiteral("1")},
                                       {QStringLiteral("NO_COLOR"), QStringLiteral("1")}};
        if (stateFile)
            env[QStringLiteral("STATE_FILE")] = q(*stateFile);
        Run r = runProcess(QStringLiteral("node"), {QString::fromStdString(program)}, dir, env);
        if (r.exitCode != 0)
            throw std::runtime_error("node " + program + " failed (" + std::to_string(r.exitCode) + "):\n" +
                                     r.out + r.err);
        return r;
    }

    Run athanorctl(const QStringList& args, const fs::path& cwd) {
        const fs::path passwords = tmp() / "passwords.txt";
        writeFile(passwords, std::string(kTeamPassword) + "\n");
        QStringList all = args;
        if (args.size() > 1 && args[1] == QStringLiteral("get"))
            all << QStringLiteral("--password-file") << q(passwords);
        return runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), all, cwd,
                          {{QStringLiteral("ALCHEMY_PASSWORD"), QString::fromUtf8(kMainPassword)}});
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void alchemyWritesAthanorShowsExactlyItsRecordsAndPlaintexts() {
        requireNodeDeps();
        const fs::path dir = project("alchemy-writes", "vault.mjs");
        const fs::path db = dir / ".alchemy" / "state.sqlite";
        alchemy(dir, "vault.mjs", db);
        const QString source = QStringLiteral("sqlite:") + q(db);

        const Run list = athanorctl({"state", "list", "--state", source}, dir);
        QVERIFY2(list.exitCode == 0, list.err.c_str());
        QCOMPARE(lines(list.out), rowFqns(db));
        QCOMPARE(rowFqns(db).size(), size_t{7});

        const Run tree = athanorctl({"state", "tree", "--state", source}, dir);
        QVERIFY2(tree.exitCode == 0, tree.err.c_str());
        QVERIFY2(tree.out.find("team-exec  [os::Exec, created") != std::string::npos, tree.out.c_str());
        // The folder holding only state.sqlite is the database, and athanorctl says so.
        const Run byFolder = athanorctl({"state", "list", "--root", q(dir)}, dir);
        QCOMPARE(byFolder.out, list.out);
        QVERIFY2(byFolder.err.find("opened state.sqlite") != std::string::npos, byFolder.err.c_str());

        // Every secret decrypts to what the program itself used (its plaintexts.json).
        const Json expected = parseJsonText(readFile(dir / "plaintexts.json"));
        int compared = 0;
        for (const auto& [fqn, places] : expected.items()) {
            const Run get = athanorctl(
                {"state", "get", QString::fromStdString(fqn), "--decrypt", "--state", source}, dir);
            QVERIFY2(get.exitCode == 0, (fqn + ": " + get.err).c_str());
            const Json doc = parseJsonText(get.out);
            for (const auto& [pointer, plaintext] : places.items()) {
                QVERIFY2(doc.at(Json::json_pointer(pointer)) == plaintext,
                         (fqn + pointer + ": " + get.out).c_str());
                ++compared;
            }
        }
        QCOMPARE(compared, 6);
        // Without the team's own password its secret stays closed, and says why.
        const Run locked =
            runProcess(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"),
                       {"state", "get", "vault/dev/team/team-exec", "--decrypt", "--state", source}, dir,
                       {{QStringLiteral("ALCHEMY_PASSWORD"), QString::fromUtf8(kMainPassword)}});
        QCOMPARE(locked.exitCode, 1);

        // The checked-in fixture was made the same way: same records, same kinds and statuses.
        const auto fixture = sqlRows(kPrograms / "state.sqlite",
                                     "SELECT scope, id, kind, status FROM resources ORDER BY scope, id");
        QCOMPARE(sqlRows(db, "SELECT scope, id, kind, status FROM resources ORDER BY scope, id"), fixture);
    }

    void athanorCreatesADatabaseAlchemyOpensAndSkips() {
        requireNodeDeps();
        const fs::path dir = project("athanor-creates", "vault-config.mjs");
        const Run first = alchemy(dir, "vault-config.mjs", std::nullopt); // into .alchemy files
        QCOMPARE(resourceLines(first.out).size(), size_t{5 * 2});
        const auto alchemysFiles = filesBelow(dir / ".alchemy");

        const fs::path db = tmp() / "athanor-made" / "state.sqlite";
        const Run migrate = athanorctl(
            {"state", "migrate", "--from", q(dir), "--to", QStringLiteral("sqlite:") + q(db)}, dir);
        QVERIFY2(migrate.exitCode == 0, (migrate.out + migrate.err).c_str());
        QVERIFY2(migrate.out.find("migrated 7 records") != std::string::npos, migrate.out.c_str());

        // Real Alchemy opens it (no migration to apply) and finds nothing to do.
        const Run again = alchemy(dir, "vault-config.mjs", db);
        const auto resources = resourceLines(again.out);
        QCOMPARE(resources.size(), size_t{5});
        for (const auto& [action, name] : resources)
            QVERIFY2(action == "skipped", (action + " " + name + "\n" + again.out).c_str());
        QCOMPARE(sqlRows(db, R"(SELECT count(*) FROM "__drizzle_migrations")")[0][0], std::string("2"));

        // And back into files: byte for byte what Alchemy wrote.
        const fs::path back = tmp() / "back-to-files";
        const Run home = athanorctl(
            {"state", "migrate", "--from", QStringLiteral("sqlite:") + q(db), "--to", q(back)}, dir);
        QVERIFY2(home.exitCode == 0, (home.out + home.err).c_str());
        QCOMPARE(filesBelow(back / ".alchemy"), alchemysFiles);
    }

    void athanorRunsOnAlchemysDatabaseAndAlchemyStillSkips() {
        requireNodeDeps();
        const fs::path dir = project("athanor-runs", "vault.mjs");
        fs::copy_file(kPrograms / "vault.stack.json", dir / "alchemy.stack.json");
        const fs::path db = dir / ".alchemy" / "state.sqlite";
        alchemy(dir, "vault.mjs", db);
        const QString source = QStringLiteral("sqlite:") + q(db);

        const Run up = athanorctl({"up", "--state", source, "--stage", "dev"}, dir);
        QVERIFY2(up.exitCode == 0, (up.out + up.err).c_str());
        QVERIFY2(up.out.find("[skipped]   readme") != std::string::npos, up.out.c_str());
        QVERIFY2(up.out.find("[skipped]   storage > inner") != std::string::npos, up.out.c_str());
        QVERIFY2(up.out.find("[updated]   with-env") != std::string::npos,
                 up.out.c_str());                         // os::Exec always runs
        QVERIFY(!fs::exists(dir / ".alchemy" / "vault")); // nothing went into files beside the database

        // Alchemy reads what Athanor wrote: the same resources skipped again, os::Exec run as always.
        const Run again = alchemy(dir, "vault.mjs", db);
        const auto resources = resourceLines(again.out);
        QVERIFY(!resources.empty());
        for (const auto& [action, name] : resources) {
            const bool exec = name == "with-env" || name == "team > team-exec";
            QVERIFY2(exec ? action.rfind("updat", 0) == 0 : action == "skipped",
                     (action + " " + name + "\n" + again.out).c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestAlchemySqlite)
#include "tst_alchemy_sqlite.moc"

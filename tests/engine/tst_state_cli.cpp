// The `athanorctl state` contract, run as a real process on copies of the real Alchemy fixtures: list, tree,
// get (with --decrypt), check and migrate, including their failure messages and exit codes.
#include "EngineTestFiles.h"
#include "store/IdCodec.h"

#include "json/JsonParse.h"
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace athanor;
using test_files::filesBelow;
using test_files::fixtureProjects;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

const fs::path kRealAlchemy = test_files::fixtureDir();
const char* const kMainPassword = "correct horse battery staple";
const char* const kTeamPassword = "team-scope-password";

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs athanorctl with ALCHEMY_PASSWORD set to `password` (unset when null).
Run run(const QStringList& args, const char* password = nullptr) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("ALCHEMY_PASSWORD"));
    if (password)
        env.insert(QStringLiteral("ALCHEMY_PASSWORD"), QString::fromUtf8(password));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args);
    if (!p.waitForFinished(120000))
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

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// The sorted FQNs of every record file of a project: folders + id.
std::vector<std::string> expectedFqns(const fs::path& project) {
    std::vector<std::string> out;
    for (const auto& [rel, bytes] : filesBelow(project / ".alchemy")) {
        const fs::path p(rel);
        std::string fqn;
        for (const auto& part : p.parent_path())
            fqn += part.string() + "/";
        out.push_back(fqn + fileNameToId(p.filename().string()));
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct TsvRow {
    std::string file, pointer, format, plaintextJson;
};

std::vector<TsvRow> readTsv() {
    std::vector<TsvRow> rows;
    std::istringstream in(readFile(kRealAlchemy / "secrets-plaintext.tsv"));
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        if (line.empty())
            continue;
        std::vector<std::string> cols;
        std::istringstream ss(line);
        for (std::string col; std::getline(ss, col, '\t');)
            cols.push_back(col);
        if (cols.size() != 4)
            throw std::runtime_error("bad tsv line: " + line);
        rows.push_back({cols[0], cols[1], cols[2], cols[3]});
    }
    return rows;
}

// What `get --decrypt` must print at a secret's place: the string, or the JSON value of an object secret.
Json expectedPlaintext(const TsvRow& row) {
    const Json cell = parseJsonText(row.plaintextJson);
    return row.format.find("object") != std::string::npos ? parseJsonText(cell.get<std::string>()) : cell;
}

// "secrets/01-up/.alchemy/vault/dev/config.json" -> project "secrets/01-up", fqn "vault/dev/config".
std::pair<std::string, std::string> splitTsvFile(const std::string& file) {
    const size_t dot = file.find("/.alchemy/");
    const std::string rel = file.substr(dot + 10);
    const fs::path p(rel);
    std::string fqn;
    for (const auto& part : p.parent_path())
        fqn += part.string() + "/";
    return {file.substr(0, dot), fqn + fileNameToId(p.filename().string())};
}

} // namespace

class TestStateCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    fs::path tmp() const { return fs::path(m_tmp.path().toStdString()); }

    // A private copy of a fixture project (the CLI runs only on copies).
    fs::path copyProject(const fs::path& project, const std::string& name) {
        const fs::path target = tmp() / name;
        fs::create_directories(target);
        fs::copy(project / ".alchemy", target / ".alchemy", fs::copy_options::recursive);
        return target;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(QFileInfo::exists(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl")), "athanorctl is not built");
    }

    void listGivesExactlyTheRecords() {
        int n = 0;
        for (const auto& fixture : fixtureProjects()) {
            const fs::path project = copyProject(fixture, "list-" + std::to_string(n++));
            const Run r = run({"state", "list", "--root", q(project)});
            QVERIFY2(r.exitCode == 0, r.err.c_str());
            QVERIFY2(r.err.empty(), r.err.c_str());
            QCOMPARE(lines(r.out), expectedFqns(project));
        }
    }

    void listMatchesAlchemysOwnList() {
        const fs::path step = kRealAlchemy / "app-stages" / "06-state-list";
        const fs::path project = copyProject(step, "alchemy-list");
        const auto alchemy = lines(readFile(step / "stdout.nocolor.txt"));
        const std::set<std::string> alchemySet(alchemy.begin(), alchemy.end());
        QCOMPARE(alchemySet.size(), size_t{22});

        const Run prod = run({"state", "list", "--root", q(project), "--app", "shop", "--stage", "prod"});
        QCOMPARE(prod.exitCode, 0);
        const auto ours = lines(prod.out);
        QCOMPARE(std::set<std::string>(ours.begin(), ours.end()), alchemySet);
        QVERIFY(std::is_sorted(ours.begin(), ours.end()));

        // Unfiltered: the shop/prod lines are the same set.
        std::set<std::string> prodLines;
        for (const auto& line : lines(run({"state", "list", "--root", q(project)}).out))
            if (line.rfind("shop/prod/", 0) == 0)
                prodLines.insert(line);
        QCOMPARE(prodLines, alchemySet);
    }

    void treeShowsNestedResourcesOnce() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "tree");
        const Run r = run({"state", "tree", "--root", q(project)});
        QVERIFY2(r.exitCode == 0, r.err.c_str());
        const auto out = lines(r.out);
        // One line per app and stage, then one per record: Alchemy's own tree shows an owner twice, we don't.
        QCOMPARE(out.size(), size_t{1 + 2 + 43});
        QCOMPARE(out.front(), std::string("shop"));
        auto count = [&](const std::string& needle) {
            return std::count_if(out.begin(), out.end(),
                                 [&](const std::string& l) { return l.find(needle) != std::string::npos; });
        };
        QCOMPARE(count("─ bundle  ["), 2);        // once per stage
        QCOMPARE(count("─ nested/bundle  ["), 2); // the '/' owner keeps its id
        QCOMPARE(count("─ manifest  ["), 4);
        QCOMPARE(count("─ deep  ["), 4);
        QCOMPARE(count("─ storage/"), 2);
        QCOMPARE(count("unreadable"), 0);

        // A child is indented one level deeper than its owner, directly below it.
        const auto owner = std::find_if(out.begin(), out.end(), [](const std::string& l) {
            return l.find("─ bundle  [") != std::string::npos;
        });
        QVERIFY(owner != out.end() && owner + 1 != out.end());
        // Columns, not bytes: the tree's bars are multi-byte UTF-8.
        const auto indentOf = [](const std::string& l) {
            const std::string head = l.substr(0, l.find("─"));
            return std::count_if(head.begin(), head.end(),
                                 [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
        };
        QVERIFY((owner + 1)->find("─ a  [fs::File") != std::string::npos);
        QCOMPARE(indentOf(*(owner + 1)), indentOf(*owner) + 3);

        // Filters.
        const Run prod = run({"state", "tree", "--root", q(project), "--stage", "prod"});
        QCOMPARE(lines(prod.out).size(), size_t{1 + 1 + 22});
    }

    void getPrintsTheRecord() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "get");
        const fs::path dot = project / ".alchemy";
        const std::vector<std::pair<std::string, fs::path>> cases{
            {"shop/dev/bundle/manifest", dot / "shop/dev/bundle/manifest.json"},
            {"shop/prod/routes/api/v1", dot / "shop/prod/routes:api:v1.json"},
            {"shop/prod/example.com/*", dot / "shop/prod/example.com:*.json"},
            {"shop/dev/config.json", dot / "shop/dev/config.json.json"},
            {"shop/dev/nested/bundle/manifest/deep", dot / "shop/dev/nested/bundle/manifest/deep.json"},
            {"shop/prod/session-key", dot / "shop/prod/session-key.json"}, // encrypted, printed as stored
        };
        for (const auto& [fqn, file] : cases) {
            const Run r = run({"state", "get", QString::fromStdString(fqn), "--root", q(project)});
            QVERIFY2(r.exitCode == 0, (fqn + ": " + r.err).c_str());
            QCOMPARE(r.out, readFile(file) + "\n");
        }
        // A stage record.
        const fs::path life = copyProject(kRealAlchemy / "lifecycle" / "run5-read", "get-life");
        const Run stage = run({"state", "get", "life/dev", "--root", q(life)});
        QCOMPARE(stage.exitCode, 0);
        QCOMPARE(stage.out, readFile(life / ".alchemy/life/dev.json") + "\n");
    }

    void getUnknownFqn() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "get-unknown");
        for (const QString& fqn :
             {QStringLiteral("shop/dev/nope"), QStringLiteral("nope"), QStringLiteral("shop/staging/assets"),
              QStringLiteral("shop/dev/bundle")}) {
            const Run r = run({"state", "get", fqn, "--root", q(project)});
            if (fqn == QStringLiteral("shop/dev/bundle")) {
                QCOMPARE(r.exitCode, 0); // exists: sanity check of the loop
                continue;
            }
            QVERIFY(r.exitCode != 0);
            QVERIFY(r.out.empty());
            QVERIFY2(r.err.find("no record " + fqn.toStdString()) != std::string::npos, r.err.c_str());
        }
        const Run noState = run({"state", "get", "shop/dev/a", "--root", q(tmp() / "empty-project")});
        QVERIFY(noState.exitCode != 0);
        QVERIFY2(noState.err.find("no Alchemy state") != std::string::npos, noState.err.c_str());
        const Run usage = run({"state", "get", "--root", q(project)});
        QCOMPARE(usage.exitCode, 2);
    }

    void getDecryptsEverySecret() {
        const std::string passwordFile = (tmp() / "passwords.txt").string();
        writeFile(passwordFile, std::string(kMainPassword) + "\n" + kTeamPassword + "\n");

        // Group the tsv by record; decrypt each record twice: main password in the environment (records
        // outside the team scope) and the two-line password file (every record).
        std::map<std::pair<std::string, std::string>, std::vector<TsvRow>> byRecord;
        for (const auto& row : readTsv())
            byRecord[splitTsvFile(row.file)].push_back(row);
        QVERIFY(byRecord.size() >= 20);
        std::map<std::string, fs::path> copies;
        int checked = 0;
        for (const auto& [key, rows] : byRecord) {
            const auto& [projectRel, fqn] = key;
            if (!copies.count(projectRel))
                copies[projectRel] =
                    copyProject(kRealAlchemy / projectRel, "decrypt-" + std::to_string(copies.size()));
            const fs::path project = copies[projectRel];
            // The stored document with each secret replaced by its plaintext is exactly what --decrypt
            // prints.
            Json expected = parseJsonText(readFile(kRealAlchemy / rows.front().file));
            for (const auto& row : rows)
                expected[Json::json_pointer(row.pointer)] = expectedPlaintext(row);

            const bool team = fqn.find("/team/") != std::string::npos;
            std::vector<Run> runs;
            runs.push_back(run({"state", "get", QString::fromStdString(fqn), "--root", q(project),
                                "--decrypt", "--password-file", QString::fromStdString(passwordFile)}));
            if (!team)
                runs.push_back(
                    run({"state", "get", QString::fromStdString(fqn), "--root", q(project), "--decrypt"},
                        kMainPassword));
            for (const auto& r : runs) {
                QVERIFY2(r.exitCode == 0, (fqn + ": " + r.err).c_str());
                const Json got = parseJsonText(r.out);
                QVERIFY2(got == expected, (fqn + "\n" + r.out).c_str());
                QVERIFY(r.out.find("\"@secret\"") == std::string::npos);
                ++checked;
            }
        }
        QVERIFY(checked >= 30);
    }

    void getWithWrongPassword() {
        const fs::path project = copyProject(kRealAlchemy / "secrets" / "01-up", "wrong-password");
        const Run wrong =
            run({"state", "get", "vault/dev/config", "--root", q(project), "--decrypt"}, "not the password");
        QVERIFY(wrong.exitCode != 0);
        QVERIFY(wrong.out.empty());
        QVERIFY2(wrong.err.find("vault/dev/config") != std::string::npos, wrong.err.c_str());
        QVERIFY2(wrong.err.find("/output/apiKey") != std::string::npos,
                 wrong.err.c_str()); // first in the file
        QVERIFY2(wrong.err.find("not the password") == std::string::npos, "the password was printed");

        // The team scope has its own password: the main one alone does not open it.
        const Run team = run(
            {"state", "get", "vault/dev/team/team-config", "--root", q(project), "--decrypt"}, kMainPassword);
        QVERIFY(team.exitCode != 0);
        QVERIFY2(team.err.find("vault/dev/team/team-config") != std::string::npos, team.err.c_str());
        QVERIFY2(team.err.find("/output/apiKey") != std::string::npos, team.err.c_str());

        const Run none = run({"state", "get", "vault/dev/token", "--root", q(project), "--decrypt"});
        QVERIFY(none.exitCode != 0);
        QVERIFY2(none.err.find("vault/dev/token") != std::string::npos, none.err.c_str());
        QVERIFY2(none.err.find("ALCHEMY_PASSWORD") != std::string::npos, none.err.c_str());

        const Run missingFile = run({"state", "get", "vault/dev/token", "--root", q(project), "--decrypt",
                                     "--password-file", q(tmp() / "no-such-file")});
        QVERIFY(missingFile.exitCode != 0);
        QVERIFY2(missingFile.err.find("no-such-file") != std::string::npos, missingFile.err.c_str());
    }

    void checkCleanFixtures() {
        int n = 0;
        for (const auto& fixture : fixtureProjects()) {
            const fs::path project = copyProject(fixture, "check-" + std::to_string(n++));
            const Run r = run({"state", "check", "--root", q(project)});
            QVERIFY2(r.exitCode == 0, (fixture.string() + "\n" + r.out + r.err).c_str());
            const auto out = lines(r.out);
            QCOMPARE(out.size(), size_t{1});
            QCOMPARE(out.back(), std::to_string(expectedFqns(project).size()) + " records, 0 errors");
        }
    }

    void checkReportsEachProblem() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "check-broken");
        const fs::path dev = project / ".alchemy" / "shop" / "dev";
        const std::string full = readFile(dev / "assets.json");
        writeFile(dev / "assets.json", full.substr(0, full.size() - 40));
        writeFile(dev / "build.json", "");
        std::string seed = readFile(dev / "storage" / "seed.json");
        seed.replace(seed.find("\"id\": \"seed\""), 12, "\"id\": \"sedd\"");
        writeFile(dev / "storage" / "seed.json", seed);
        Json cdn = parseJsonText(readFile(project / ".alchemy/shop/prod/cdn.json"));
        cdn["props"]["weird"] = Json{{"@foo", 1}};
        // Not errors: Alchemy reads a falsy "@secret" as a plain object, then goes on to the next tag.
        cdn["props"]["falsySecret"] = Json{{"@secret", nullptr}};
        cdn["props"]["falsySecretDate"] = Json{{"@secret", ""}, {"@date", "2024-01-02T03:04:05.000Z"}};
        writeFile(project / ".alchemy/shop/prod/cdn.json", cdn.dump(2));

        const Run r = run({"state", "check", "--root", q(project)});
        QCOMPARE(r.exitCode, 1);
        const auto out = lines(r.out);
        QCOMPARE(out.back(), std::string("43 records, 4 errors"));
        auto reported = [&](const fs::path& file, const std::string& reason) {
            return std::any_of(out.begin(), out.end(), [&](const std::string& l) {
                return l.rfind(file.string() + ": ", 0) == 0 && l.find(reason) != std::string::npos;
            });
        };
        QVERIFY2(reported(dev / "assets.json", "truncated"), r.out.c_str());
        QVERIFY2(reported(dev / "build.json", "file is empty"), r.out.c_str());
        QVERIFY2(reported(dev / "storage" / "seed.json", "id \"sedd\" does not match its file name"),
                 r.out.c_str());
        QVERIFY2(
            reported(project / ".alchemy/shop/prod/cdn.json", "/props/weird: unknown serde tag \"@foo\""),
            r.out.c_str());
        QCOMPARE(out.size(), size_t{5});
    }

    // Issue 9: one hostile record file among good ones. Before, a 40,000-deep record made every command
    // segfault and a 1e400 failed each of them with nlohmann's raw message naming no file.
    void hostileRecordsStayConfinedToTheirFile() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "hostile");
        const fs::path dev = project / ".alchemy" / "shop" / "dev";
        const auto addProp = [&](const fs::path& file, const std::string& value) {
            std::string text = readFile(file);
            text.insert(text.find("\"props\": {") + 10, "\n    \"hostile\": " + value + ",");
            writeFile(file, text);
        };
        addProp(dev / "config.json.json", std::string(40000, '[') + std::string(40000, ']'));
        addProp(dev / "bundle.json", "1e400");
        std::string assets = readFile(dev / "assets.json");
        assets.replace(assets.find("\"seq\": 0"), 8, "\"seq\": 1e300");
        writeFile(dev / "assets.json", assets);
        const std::vector<std::string> all = expectedFqns(project);

        const Run list = run({"state", "list", "--root", q(project)});
        QVERIFY2(list.exitCode == 0, list.err.c_str());
        QCOMPARE(lines(list.out), all);

        const Run tree = run({"state", "tree", "--root", q(project)});
        QVERIFY2(tree.exitCode == 0, tree.err.c_str());
        QVERIFY2(tree.out.find("session-key") != std::string::npos, tree.out.c_str());

        const Run check = run({"state", "check", "--root", q(project)});
        QCOMPARE(check.exitCode, 1);
        const auto out = lines(check.out);
        QCOMPARE(out.back(), std::to_string(all.size()) + " records, 3 errors");
        const auto reported = [&](const fs::path& file, const std::string& reason) {
            return std::any_of(out.begin(), out.end(), [&](const std::string& l) {
                return l.rfind(file.string() + ": ", 0) == 0 && l.find(reason) != std::string::npos;
            });
        };
        QVERIFY2(reported(dev / "config.json.json", "nesting deeper than 1000 levels"), check.out.c_str());
        QVERIFY2(reported(dev / "bundle.json",
                          "at /props/hostile: the number 1e400 is beyond the range of a double"),
                 check.out.c_str());
        QVERIFY2(reported(dev / "assets.json", "field \"seq\" is not an integer"), check.out.c_str());

        const Run deep = run({"state", "get", "shop/dev/config.json", "--root", q(project)});
        QCOMPARE(deep.exitCode, 1);
        QVERIFY2(deep.err.find((dev / "config.json.json").string()) != std::string::npos, deep.err.c_str());
        QVERIFY2(deep.err.find("nesting deeper") != std::string::npos, deep.err.c_str());
        const Run overflow = run({"state", "get", "shop/dev/bundle", "--root", q(project)});
        QCOMPARE(overflow.exitCode, 1);
        QVERIFY2(overflow.err.find((dev / "bundle.json").string() + ": line ") != std::string::npos,
                 overflow.err.c_str());
        QCOMPARE(run({"state", "get", "shop/dev/assets", "--root", q(project)}).exitCode, 0);
        QCOMPARE(run({"state", "get", "shop/dev/session-key", "--root", q(project)}).exitCode, 0);
    }

    // Real Alchemy writes a Uint8Array as {"@buffer": "104,105"} and reads it back without error (as four
    // bytes): not a problem for `state check`, and migrated byte for byte.
    void uint8ArrayBufferIsNotAnError() {
        const fs::path fixture =
            fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-extra" / "uint8array" / "01-up";
        const fs::path project = copyProject(fixture, "uint8array");
        const Run check = run({"state", "check", "--root", q(project)});
        QVERIFY2(check.exitCode == 0, check.out.c_str());
        const auto out = lines(check.out);
        QCOMPARE(out.size(), size_t{1});
        QVERIFY2(out.front().rfind("1 record", 0) == 0 && out.front().ends_with(", 0 errors"),
                 check.out.c_str());
        const fs::path target = tmp() / "uint8array-migrated";
        QCOMPARE(run({"state", "migrate", "--from", q(project), "--to", q(target)}).exitCode, 0);
        QCOMPARE(filesBelow(target / ".alchemy"), filesBelow(fixture / ".alchemy"));
    }

    void backslashIdsAreAcceptedWhereAlchemyStoresThem() {
        // Written by real Alchemy: "back\\slash" at bs/dev/back/slash.json, grp's "a\\b\\c" at
        // grp/a/b/c.json.
        const fs::path data = fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids";
        const fs::path project = copyProject(data, "backslash");
        const Run check = run({"state", "check", "--root", q(project)});
        QVERIFY2(check.exitCode == 0, check.out.c_str());
        QCOMPARE(lines(check.out), std::vector<std::string>{"4 records, 0 errors"});

        const Run list = run({"state", "list", "--root", q(project)});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(lines(list.out), (std::vector<std::string>{"bs/dev/back\\slash", "bs/dev/grp",
                                                            "bs/dev/grp/a\\b\\c", "bs/dev/plain"}));

        // The record under its own id, directly in its scope (no folder "back" of its own).
        const Run tree = run({"state", "tree", "--root", q(project)});
        QCOMPARE(tree.exitCode, 0);
        QCOMPARE(lines(tree.out),
                 (std::vector<std::string>{"bs", "└─ dev/", "   ├─ back\\slash  [fs::File, created]",
                                           "   ├─ grp/", "   │  └─ a\\b\\c  [fs::File, created]",
                                           "   └─ plain  [fs::File, created]"}));

        // By its fqn, and as Alchemy's own `state get` also finds it: by its folders.
        const std::string record = readFile(project / ".alchemy/bs/dev/back/slash.json") + "\n";
        for (const QString& fqn :
             {QStringLiteral("bs/dev/back\\slash"), QStringLiteral("bs/dev/back/slash")}) {
            const Run get = run({"state", "get", fqn, "--root", q(project)});
            QVERIFY2(get.exitCode == 0, get.err.c_str());
            QCOMPARE(get.out, record);
        }
        const Run nested = run({"state", "get", "bs/dev/grp/a\\b\\c", "--root", q(project)});
        QCOMPARE(nested.out, readFile(project / ".alchemy/bs/dev/grp/a/b/c.json") + "\n");
    }

    void checkNamesCopiesAndUnsafeIdsAsUpAndDestroyDo() {
        const fs::path project = copyProject(kRealAlchemy / "app-stages" / "06-state-list", "check-copies");
        const fs::path dev = project / ".alchemy" / "shop" / "dev";
        // A backup copy beside the live record, and an id whose file name climbs out of the stage.
        fs::copy_file(dev / "storage" / "seed.json", dev / "storage" / "seed.bak.json");
        Json victim = parseJsonText(readFile(dev / "assets.json"));
        victim["id"] = "x/../../victim";
        victim["fqn"] = "shop/dev/x/../../victim";
        writeFile(dev / "x:..:..:victim.json", victim.dump(2));

        const Run r = run({"state", "check", "--root", q(project)});
        QCOMPARE(r.exitCode, 1);
        const auto out = lines(r.out);
        QCOMPARE(out.back(), std::string("45 records, 3 errors"));
        const auto has = [&](const fs::path& file, const std::string& reason) {
            return std::any_of(out.begin(), out.end(), [&](const std::string& l) {
                return l.rfind(file.string() + ": ", 0) == 0 && l.find(reason) != std::string::npos;
            });
        };
        QVERIFY2(has(dev / "storage/seed.bak.json", "id \"seed\" does not match its file name"),
                 r.out.c_str());
        QVERIFY2(
            has(dev / "storage/seed.bak.json", "does not match its location \"shop/dev/storage/seed.bak\""),
            r.out.c_str());
        QVERIFY2(has(dev / "x:..:..:victim.json",
                     "id \"x/../../victim\" is refused by up and destroy: it contains a '..' segment"),
                 r.out.c_str());
    }

    void migrateIsByteIdentical() {
        const QString diff = QStandardPaths::findExecutable(QStringLiteral("diff"));
        int n = 0;
        for (const auto& fixture : fixtureProjects()) {
            const fs::path target = tmp() / ("migrated-" + std::to_string(n++));
            const Run r = run({"state", "migrate", "--from", q(fixture), "--to", q(target)});
            QVERIFY2(r.exitCode == 0, (fixture.string() + "\n" + r.err).c_str());
            const auto source = filesBelow(fixture / ".alchemy");
            const auto copied = filesBelow(target / ".alchemy");
            QCOMPARE(copied.size(), source.size());
            for (const auto& [rel, bytes] : source) {
                QVERIFY2(copied.count(rel), rel.c_str());
                QVERIFY2(copied.at(rel) == bytes, (fixture.string() + ": " + rel).c_str());
            }
            if (!diff.isEmpty()) {
                QProcess p;
                p.start(diff, {QStringLiteral("-r"), q(fixture / ".alchemy"), q(target / ".alchemy")});
                QVERIFY(p.waitForFinished(60000));
                QVERIFY2(p.exitCode() == 0, p.readAllStandardOutput().constData());
            }
            QVERIFY2(r.out.find("migrated " + std::to_string(source.size()) + " records") !=
                         std::string::npos,
                     r.out.c_str());
            QVERIFY2(r.out.find(std::to_string(source.size()) + " read back identical") != std::string::npos,
                     r.out.c_str());
            // Running it again finds a target that is not empty: refused, nothing touched.
            const Run again = run({"state", "migrate", "--from", q(fixture), "--to", q(target)});
            QCOMPARE(again.exitCode, 1);
            QVERIFY2(again.err.find("already holds " + std::to_string(source.size()) + " records") !=
                         std::string::npos,
                     again.err.c_str());
            QCOMPARE(filesBelow(target / ".alchemy"), source);
        }
    }

    void migrateRefusesToOverwrite() {
        const fs::path source = kRealAlchemy / "secrets" / "01-up";
        const fs::path target = tmp() / "migrate-overwrite";
        QCOMPARE(run({"state", "migrate", "--from", q(source), "--to", q(target)}).exitCode, 0);
        const fs::path changed = target / ".alchemy/vault/dev/token.json";
        writeFile(changed, "{\"edited\": true}");

        const Run refused = run({"state", "migrate", "--from", q(source), "--to", q(target)});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.find((target / ".alchemy").string() +
                                  " already holds 5 records; nothing was copied") != std::string::npos,
                 refused.err.c_str());
        QVERIFY2(refused.err.find("--overwrite") != std::string::npos, refused.err.c_str());
        QCOMPARE(readFile(changed), std::string("{\"edited\": true}"));

        const Run forced = run({"state", "migrate", "--from", q(source), "--to", q(target), "--overwrite"});
        QVERIFY2(forced.exitCode == 0, forced.err.c_str());
        QCOMPARE(readFile(changed), readFile(source / ".alchemy/vault/dev/token.json"));

        const Run same = run({"state", "migrate", "--from", q(source), "--to", q(source)});
        QVERIFY(same.exitCode != 0);
        const Run usage = run({"state", "migrate", "--from", q(source)});
        QCOMPARE(usage.exitCode, 2);
    }

    void migrateFolderToSqliteAndBackIsByteIdentical() {
        int n = 0;
        for (const auto& fixture : fixtureProjects()) {
            const fs::path db = tmp() / ("roundtrip-" + std::to_string(n) + ".sqlite");
            const fs::path back = tmp() / ("roundtrip-" + std::to_string(n++));
            const Run in = run({"state", "migrate", "--from", q(fixture), "--to", "sqlite:" + q(db)});
            QVERIFY2(in.exitCode == 0, (fixture.string() + "\n" + in.out + in.err).c_str());
            const Run out = run({"state", "migrate", "--from", "sqlite:" + q(db), "--to", q(back)});
            QVERIFY2(out.exitCode == 0, (fixture.string() + "\n" + out.out + out.err).c_str());
            QCOMPARE(filesBelow(back / ".alchemy"), filesBelow(fixture / ".alchemy"));
            // The database shows the same records as the folder.
            QCOMPARE(run({"state", "list", "--state", "sqlite:" + q(db)}).out,
                     run({"state", "list", "--root", q(fixture)}).out);
            // A database that holds records is a non-empty target too.
            const Run again = run({"state", "migrate", "--from", q(fixture), "--to", "sqlite:" + q(db)});
            QCOMPARE(again.exitCode, 1);
            QVERIFY2(again.err.find(db.string() + " already holds") != std::string::npos, again.err.c_str());
            const Run forced =
                run({"state", "migrate", "--from", q(fixture), "--to", "sqlite:" + q(db), "--overwrite"});
            QVERIFY2(forced.exitCode == 0, forced.err.c_str());
        }
    }

    void commandsReadAlchemysSqliteDatabase() {
        const fs::path fixture = fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-sqlite";
        const fs::path db = tmp() / "alchemys" / "state.sqlite";
        fs::create_directories(db.parent_path());
        fs::copy_file(fixture / "state.sqlite", db);
        const QString source = "sqlite:" + q(db);
        const Run list = run({"state", "list", "--state", source});
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(lines(list.out),
                 (std::vector<std::string>{"vault/dev/readme", "vault/dev/storage", "vault/dev/storage/inner",
                                           "vault/dev/team", "vault/dev/team/team-exec", "vault/dev/token",
                                           "vault/dev/with-env"}));
        const Run tree = run({"state", "tree", "--state", source});
        QCOMPARE(tree.exitCode, 0);
        QVERIFY2(
            tree.out.find("├─ storage/\n   │  └─ inner  [fs::File, created; oldProps kept (SQL store)]") !=
                std::string::npos,
            tree.out.c_str());
        QVERIFY2(tree.out.find("token  [random::String, created; oldProps kept (SQL store)]") !=
                     std::string::npos,
                 tree.out.c_str());
        const Run check = run({"state", "check", "--state", source});
        QVERIFY2(check.exitCode == 0, check.out.c_str());
        QCOMPARE(lines(check.out).back(), std::string("7 records, 0 errors"));

        const fs::path passwordFile = tmp() / "team-password.txt";
        writeFile(passwordFile, std::string(kTeamPassword) + "\n");
        const Json expected = parseJsonText(readFile(fixture / "plaintexts.json"));
        for (const auto& [fqn, places] : expected.items()) {
            const Run get = run({"state", "get", QString::fromStdString(fqn), "--decrypt", "--state", source,
                                 "--password-file", q(passwordFile)},
                                kMainPassword);
            QVERIFY2(get.exitCode == 0, (fqn + ": " + get.err).c_str());
            const Json doc = parseJsonText(get.out);
            for (const auto& [pointer, plaintext] : places.items())
                QVERIFY2(doc.at(Json::json_pointer(pointer)) == plaintext, (fqn + pointer).c_str());
        }
        // Without --decrypt: the record as Alchemy's SQL store gives it (its column order), ciphertexts as
        // stored.
        const Run raw = run({"state", "get", "vault/dev/with-env", "--state", source});
        QCOMPARE(raw.exitCode, 0);
        QVERIFY2(raw.out.rfind("{\n  \"id\": \"with-env\",\n  \"status\": \"created\",\n  \"kind\"", 0) == 0,
                 raw.out.c_str());
        QVERIFY(raw.out.find("\"@secret\"") != std::string::npos);

        const Run both = run({"state", "list", "--state", source, "--root", q(tmp())});
        QCOMPARE(both.exitCode, 2);
        const Run unknown = run({"state", "list", "--state", "d1://database"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.find("unknown kind \"d1\"") != std::string::npos, unknown.err.c_str());
    }

    void migrateReportsACorruptSource() {
        const fs::path project =
            copyProject(kRealAlchemy / "app-stages" / "06-state-list", "migrate-corrupt");
        const fs::path broken = project / ".alchemy/shop/dev/bundle/manifest.json";
        writeFile(broken, readFile(broken).substr(0, 50));
        const fs::path target = tmp() / "migrate-corrupt-target";
        const Run r = run({"state", "migrate", "--from", q(project), "--to", q(target)});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.find(broken.string()) != std::string::npos, r.err.c_str());
        QVERIFY2(r.err.find("truncated") != std::string::npos, r.err.c_str());
        auto source = filesBelow(project / ".alchemy");
        source.erase("shop/dev/bundle/manifest.json");
        QCOMPARE(filesBelow(target / ".alchemy"),
                 source); // the rest, byte for byte; the corrupt one not copied
        QVERIFY2(r.out.find("migrated 42 records") != std::string::npos, r.out.c_str());
    }
};

QTEST_GUILESS_MAIN(TestStateCli)
#include "tst_state_cli.moc"

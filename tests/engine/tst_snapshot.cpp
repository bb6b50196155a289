// loadSnapshot(): every real Alchemy tree loads completely and without errors, the scope tree puts nested
// resources under their owner and naked scopes as scopes, non-state folders are skipped, a corrupt file is an
// error entry while the rest loads, and the result does not depend on the number of reader threads.
#include "EngineTestFiles.h"
#include "snapshot/SnapshotLoader.h"
#include "snapshot/SortedRuns.h"
#include "store/IdCodec.h"
#include "store/StateSources.h"

#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <set>

using namespace athanor;
using test_files::fixtureProjects;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

const fs::path kRealAlchemy = test_files::fixtureDir();

// Relative paths of every *.json file below `dotAlchemy` (what the snapshot must hold, stage records
// included).
std::set<std::string> jsonFiles(const fs::path& dotAlchemy) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dotAlchemy))
        if (e.is_regular_file() && e.path().extension() == ".json")
            out.insert(e.path().lexically_relative(dotAlchemy).string());
    return out;
}

// The FQN a record file stands for: its folders, then its id ('/' restored from ':').
std::string fqnOfPath(const std::string& relativePath) {
    const fs::path p(relativePath);
    std::string fqn;
    for (const auto& part : p.parent_path())
        fqn += part.string() + "/";
    return fqn + fileNameToId(p.filename().string());
}

const SnapshotNode& nodeAt(const StateSnapshot& snap, std::string_view fqn) {
    const int32_t i = snap.findNode(fqn);
    if (i < 0)
        throw std::runtime_error("no node " + std::string(fqn));
    return snap.nodes[static_cast<size_t>(i)];
}

std::vector<std::string> childNames(const StateSnapshot& snap, const SnapshotNode& node) {
    std::vector<std::string> out;
    for (int32_t c : node.children)
        out.push_back(snap.nodes[static_cast<size_t>(c)].name);
    return out;
}

// A comparable text form of everything a snapshot holds (records with all fields, the node tree).
std::string dump(const StateSnapshot& snap) {
    std::string out;
    for (const auto& r : snap.records)
        out += r.fqn + "|" + r.id + "|" + r.kind + "|" + r.recordFqn + "|" + r.status + "|" +
               std::to_string(r.seq) + "|" + std::to_string(r.hasOldProps) + std::to_string(r.legacyShape) +
               "|" + std::to_string(r.secretCount) + "|" + r.relativePath + "|" + std::to_string(r.fileSize) +
               "|" + std::to_string(r.modifiedNs) + "|" + r.error + "|" +
               std::to_string(r.pendingDeletions.size()) + "\n";
    for (const auto& n : snap.nodes) {
        out += std::to_string(static_cast<int>(n.kind)) + "|" + n.name + "|" + n.fqn + "|" +
               std::to_string(n.parent) + "|" + std::to_string(n.record) + "|";
        for (int32_t c : n.children)
            out += std::to_string(c) + ",";
        out += "\n";
    }
    for (const auto& p : snap.problems)
        out += "problem " + p + "\n";
    return out;
}

} // namespace

class TestSnapshot : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    // A private copy of a fixture's .alchemy (tests that change files never touch the shared data).
    fs::path copyFixture(const std::string& step, const std::string& name) {
        const fs::path project = fs::path(m_tmp.path().toStdString()) / name;
        fs::create_directories(project);
        fs::copy(kRealAlchemy / step / ".alchemy", project / ".alchemy", fs::copy_options::recursive);
        return project;
    }

private slots:
    void everyFixtureLoadsCompletely() {
        const auto projects = fixtureProjects();
        QCOMPARE(projects.size(), size_t{14});
        size_t total = 0;
        for (const auto& project : projects) {
            const auto snap = loadSnapshot(project);
            const std::string where = project.string();
            QVERIFY2(snap->stateFolderExists, where.c_str());
            QVERIFY2(snap->problems.empty(), where.c_str());
            QVERIFY2(snap->errorCount() == 0, (where + "\n" + dump(*snap)).c_str());

            std::set<std::string> loaded;
            for (const auto& r : snap->records) {
                QVERIFY2(r.ok(), (r.relativePath + ": " + r.error).c_str());
                QVERIFY2(loaded.insert(r.relativePath).second, r.relativePath.c_str());
                QCOMPARE(r.fqn, fqnOfPath(r.relativePath));
                QVERIFY2(!r.kind.empty(), r.relativePath.c_str());
                QVERIFY2(r.statusValue().has_value(), r.relativePath.c_str());
                QCOMPARE(r.fileSize, static_cast<uint64_t>(fs::file_size(snap->absolutePath(r))));
                // The record's own fqn is its location, except naked scopes which write "".
                if (!(r.kind == "alchemy::Scope" && r.recordFqn.empty()))
                    QCOMPARE(r.recordFqn, r.fqn);
            }
            QCOMPARE(loaded, jsonFiles(project / ".alchemy"));
            QVERIFY(std::is_sorted(snap->records.begin(), snap->records.end(),
                                   [](const auto& a, const auto& b) { return a.fqn < b.fqn; }));
            // Each record hangs in the tree exactly once.
            std::multiset<int32_t> referenced;
            for (const auto& n : snap->nodes)
                if (n.record >= 0)
                    referenced.insert(n.record);
            QCOMPARE(referenced.size(), snap->records.size());
            QCOMPARE(std::set<int32_t>(referenced.begin(), referenced.end()).size(), snap->records.size());
            total += snap->records.size();
        }
        QCOMPARE(total, size_t{327});
    }

    void recordSummaries() {
        const auto snap = loadSnapshot(kRealAlchemy / "secrets" / "01-up");
        const SnapshotRecord* config = snap->findRecord("vault/dev/config");
        QVERIFY(config);
        QCOMPARE(config->secretCount, uint32_t{7}); // as listed in secrets-plaintext.tsv
        QCOMPARE(config->relativePath, std::string("vault/dev/config.json"));
        QVERIFY(!config->hasOldProps);
        const SnapshotRecord* team = snap->findRecord("vault/dev/team");
        QVERIFY(team);
        QCOMPARE(team->kind, std::string("alchemy::Scope"));
        QCOMPARE(team->recordFqn, std::string(""));
        QCOMPARE(nodeAt(*snap, "vault/dev/team").kind, SnapshotNodeKind::Scope);

        // The stage record life/dev.json is the stage node's record.
        const auto life = loadSnapshot(kRealAlchemy / "lifecycle" / "run5-read");
        const SnapshotNode& stage = nodeAt(*life, "life/dev");
        QCOMPARE(stage.kind, SnapshotNodeKind::Stage);
        QVERIFY(stage.record >= 0);
        QCOMPARE(life->records[static_cast<size_t>(stage.record)].relativePath, std::string("life/dev.json"));
        QCOMPARE(life->records[static_cast<size_t>(stage.record)].seq, int64_t{4});
    }

    void nestedOwnersAndNakedScopes() {
        const auto snap = loadSnapshot(kRealAlchemy / "app-stages" / "06-state-list");
        const SnapshotNode& root = snap->nodes.front();
        QCOMPARE(childNames(*snap, root), std::vector<std::string>{"shop"});
        QCOMPARE(childNames(*snap, nodeAt(*snap, "shop")), (std::vector<std::string>{"dev", "prod"}));

        const std::vector<std::string> stageChildren{
            "assets",        "build",         "bundle",        "cdn",         "config-backup", "config.json",
            "example.com/*", "nested/bundle", "routes/api/v1", "session-key", "storage"};
        QCOMPARE(childNames(*snap, nodeAt(*snap, "shop/prod")), stageChildren);

        const SnapshotNode& bundle = nodeAt(*snap, "shop/prod/bundle");
        QCOMPARE(bundle.kind, SnapshotNodeKind::Resource);
        QCOMPARE(childNames(*snap, bundle), (std::vector<std::string>{"a", "b", "manifest"}));
        QCOMPARE(childNames(*snap, nodeAt(*snap, "shop/prod/bundle/manifest")),
                 std::vector<std::string>{"deep"});

        // An owner whose id has a '/' keeps its children under it (folder nested/bundle/).
        const SnapshotNode& nested = nodeAt(*snap, "shop/prod/nested/bundle");
        QCOMPARE(nested.kind, SnapshotNodeKind::Resource);
        QCOMPARE(nested.name, std::string("nested/bundle"));
        QCOMPARE(childNames(*snap, nested), (std::vector<std::string>{"manifest", "x"}));
        QCOMPARE(childNames(*snap, nodeAt(*snap, "shop/prod/nested/bundle/manifest")),
                 std::vector<std::string>{"deep"});
        QCOMPARE(snap->findNode("shop/prod/nested"), -1); // no phantom scope "nested"

        // Naked scopes are scope nodes that carry their record, children under them.
        const SnapshotNode& storage = nodeAt(*snap, "shop/prod/storage");
        QCOMPARE(storage.kind, SnapshotNodeKind::Scope);
        QVERIFY(storage.record >= 0);
        QCOMPARE(childNames(*snap, storage), (std::vector<std::string>{"cache", "data", "seed"}));
        const SnapshotNode& cache = nodeAt(*snap, "shop/prod/storage/cache");
        QCOMPARE(cache.kind, SnapshotNodeKind::Scope);
        QCOMPARE(childNames(*snap, cache), std::vector<std::string>{"warm"});

        // Every resource/scope node with a record has that record's fqn.
        for (const auto& n : snap->nodes)
            if (n.record >= 0)
                QCOMPARE(n.fqn, snap->records[static_cast<size_t>(n.record)].fqn);
    }

    void backslashIdsBelongToTheirScope() {
        // Real Alchemy keeps "back\\slash" at bs/dev/back/slash.json: a record of the stage, not of a folder
        // "back"; likewise grp's "a\\b\\c" at grp/a/b/c.json.
        const auto snap = loadSnapshot(fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids");
        QCOMPARE(snap->errorCount(), size_t{0});
        std::vector<std::string> fqns;
        for (const auto& r : snap->records)
            fqns.push_back(r.fqn);
        QCOMPARE(fqns, (std::vector<std::string>{"bs/dev/back\\slash", "bs/dev/grp", "bs/dev/grp/a\\b\\c",
                                                 "bs/dev/plain"}));
        QCOMPARE(snap->findRecord("bs/dev/back\\slash")->id, std::string("back\\slash"));
        QCOMPARE(snap->findRecord("bs/dev/back\\slash")->relativePath, std::string("bs/dev/back/slash.json"));
        QCOMPARE(childNames(*snap, nodeAt(*snap, "bs/dev")),
                 (std::vector<std::string>{"back\\slash", "grp", "plain"}));
        QCOMPARE(childNames(*snap, nodeAt(*snap, "bs/dev/grp")), std::vector<std::string>{"a\\b\\c"});
        QCOMPARE(nodeAt(*snap, "bs/dev/back\\slash").kind, SnapshotNodeKind::Resource);
        QCOMPARE(snap->findNode("bs/dev/back"), -1); // no folder node left behind
        QCOMPARE(snap->findNode("bs/dev/grp/a"), -1);
        for (size_t i = 0; i < snap->nodes.size(); ++i) {
            const SnapshotNode& n = snap->nodes[i];
            if (n.record >= 0)
                QCOMPARE(n.fqn, snap->records[static_cast<size_t>(n.record)].fqn);
            for (int32_t c : n.children)
                QCOMPARE(snap->nodes[static_cast<size_t>(c)].parent, static_cast<int32_t>(i));
        }

        // A copy of that record elsewhere is not moved: it stays where it is and is an error for `state
        // check`.
        QTemporaryDir tmp;
        const fs::path project = fs::path(tmp.path().toStdString());
        fs::copy(fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids/.alchemy", project / ".alchemy",
                 fs::copy_options::recursive);
        fs::create_directories(project / ".alchemy/bs/dev/other");
        fs::copy_file(project / ".alchemy/bs/dev/back/slash.json",
                      project / ".alchemy/bs/dev/other/slash.json");
        const auto withCopy = loadSnapshot(project);
        QVERIFY(withCopy->findRecord("bs/dev/other/slash"));
        QVERIFY(withCopy->findRecord("bs/dev/back\\slash"));
    }

    void childrenSortedById() {
        // "old" < "old-server" by id, although "old-server.json" < "old.json" by file name.
        const auto snap = loadSnapshot(kRealAlchemy / "lifecycle" / "run1-create");
        QCOMPARE(childNames(*snap, nodeAt(*snap, "life/dev/legacy-scope")),
                 (std::vector<std::string>{"old", "old-server"}));
        QCOMPARE(nodeAt(*snap, "life/dev/legacy-scope").kind, SnapshotNodeKind::Scope);
    }

    void nonStateFoldersAreNotApps() {
        const fs::path project = copyFixture("app-stages/06-state-list", "reserved");
        const fs::path dot = project / ".alchemy";
        const size_t before = loadSnapshot(project)->records.size();
        writeFile(dot / "logs" / "dev-server.log", "listening\n");
        writeFile(dot / "logs" / "stray.json", "{}");
        writeFile(dot / "pids" / "dev-server.pid.json", "{\n  \"pid\": 1234\n}");
        writeFile(dot / ".athanor" / "runs" / "r1.json", "{}");
        writeFile(dot / ".athanor" / "lock.json", "{}");
        writeFile(dot / "shop" / "dev" / ".config.json.athanor-1-0.tmp", "{");
        writeFile(dot / "shop" / "dev" / "notes.txt", "not a record");
        const auto snap = loadSnapshot(dot); // the .alchemy folder itself is accepted too
        QCOMPARE(snap->records.size(), before);
        QCOMPARE(snap->errorCount(), size_t{0});
        QCOMPARE(childNames(*snap, snap->nodes.front()), std::vector<std::string>{"shop"});
        for (const auto& r : snap->records)
            QVERIFY2(r.relativePath.rfind("shop/", 0) == 0, r.relativePath.c_str());
    }

    void corruptFileIsAnErrorEntry() {
        const fs::path project = copyFixture("app-stages/06-state-list", "corrupt");
        const fs::path dev = project / ".alchemy" / "shop" / "dev";
        const std::string full = readFile(dev / "config.json.json");
        writeFile(dev / "config.json.json", full.substr(0, full.size() / 2));
        writeFile(dev / "bundle" / "a.json", "");
        writeFile(project / ".alchemy" / "shop" / "prod" / "cdn.json", "[\"not an object\"]");
        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->records.size(), size_t{43});
        QCOMPARE(snap->errorCount(), size_t{3});

        const SnapshotRecord* truncated = snap->findRecord("shop/dev/config.json");
        QVERIFY(truncated && !truncated->ok());
        QCOMPARE(truncated->relativePath, std::string("shop/dev/config.json.json"));
        QVERIFY2(truncated->error.find("truncated") != std::string::npos, truncated->error.c_str());
        QVERIFY2(truncated->error.find("line ") != std::string::npos, truncated->error.c_str());

        const SnapshotRecord* empty = snap->findRecord("shop/dev/bundle/a");
        QVERIFY(empty && !empty->ok());
        QCOMPARE(empty->error, std::string("file is empty"));

        const SnapshotRecord* array = snap->findRecord("shop/prod/cdn");
        QVERIFY(array && !array->ok());
        QVERIFY2(array->error.find("not a JSON object") != std::string::npos, array->error.c_str());

        // Everything else still loaded, and the broken records keep their place in the tree.
        for (const auto& r : snap->records)
            if (r.ok())
                QVERIFY2(!r.kind.empty(), r.relativePath.c_str());
        QVERIFY(nodeAt(*snap, "shop/dev/bundle/a").record >= 0);
    }

    // Hostile record files: each is that file's error (or loads with a clamped seq), never the whole tree's
    // end. Before, a 40,000-deep record overflowed the stack in countSecrets and 1e400 escaped as nlohmann's
    // raw out_of_range from a reader thread.
    void hostileRecordsStayConfinedToTheirFile() {
        const fs::path project = copyFixture("app-stages/06-state-list", "hostile");
        const fs::path dev = project / ".alchemy" / "shop" / "dev";
        // Edits a real record in place: a hostile value in its props, or a hostile seq.
        const auto addProp = [&](const std::string& file, const std::string& value) {
            const std::string anchor = "\"props\": {";
            std::string text = readFile(dev / file);
            text.insert(text.find(anchor) + anchor.size(), "\n    \"hostile\": " + value + ",");
            writeFile(dev / file, text);
        };
        const auto setSeq = [&](const std::string& file, const std::string& seq) {
            std::string text = readFile(dev / file);
            const size_t at = text.find("\"seq\": ");
            text.replace(at, text.find(',', at) - at, "\"seq\": " + seq);
            writeFile(dev / file, text);
        };
        addProp("config.json.json", std::string(40000, '[') + std::string(40000, ']')); // 80 KB
        addProp("bundle.json", "1e400");
        setSeq("assets.json", "1e300");
        setSeq("build.json", "123456789012345678901234567890");
        setSeq("config-backup.json", "18446744073709551615");
        for (const unsigned threads : {1u, 4u}) {
            SnapshotOptions options;
            options.threads = threads;
            const auto snap = loadSnapshot(project, options);
            QCOMPARE(snap->records.size(), size_t{43});
            QCOMPARE(snap->errorCount(), size_t{2});
            const SnapshotRecord* deep = snap->findRecord("shop/dev/config.json");
            QVERIFY(deep && !deep->ok());
            QVERIFY2(deep->error.find("nesting deeper than 1000 levels") != std::string::npos,
                     deep->error.c_str());
            QVERIFY2(deep->error.rfind("line ", 0) == 0, deep->error.c_str());
            const SnapshotRecord* overflow = snap->findRecord("shop/dev/bundle");
            QVERIFY(overflow && !overflow->ok());
            QVERIFY2(
                overflow->error.find("at /props/hostile: the number 1e400 is beyond the range of a double") !=
                    std::string::npos,
                overflow->error.c_str());
            // seq beyond int64 (undefined behaviour to convert before) is clamped; the record loads.
            for (const char* fqn : {"shop/dev/assets", "shop/dev/build", "shop/dev/config-backup"}) {
                const SnapshotRecord* r = snap->findRecord(fqn);
                QVERIFY2(r && r->ok(), fqn);
                QCOMPARE(r->seq, std::numeric_limits<int64_t>::max());
            }
            for (const auto& r : snap->records)
                if (r.ok())
                    QVERIFY2(!r.kind.empty(), r.relativePath.c_str());
        }
    }

    // simdjson refuses a lone surrogate escape; the record still loads (JSON.stringify writes such escapes).
    // data.pendingDeletions (reference §2.6, §7.6) is summarised for the record that holds it: the stage
    // record, a naked scope's record and a resource's own record (for the resources nested under it).
    void pendingDeletionsAreSummarized() {
        const fs::path project = copyFixture("lifecycle/run2-update-orphans", "pending");
        const fs::path dev = project / ".alchemy" / "life" / "dev";
        {
            const auto before = loadSnapshot(project);
            const SnapshotNode& stage = nodeAt(*before, "life/dev");
            QVERIFY(stage.record >= 0);
            // Real Alchemy leaves an empty list in the stage and scope records once processed.
            QVERIFY(readFile(project / ".alchemy" / "life" / "dev.json").find("\"pendingDeletions\": []") !=
                    std::string::npos);
            for (const auto& r : before->records)
                QVERIFY2(r.pendingDeletions.empty(), r.fqn.c_str());
        }
        // An entry as Alchemy writes it: the old output's envelope and the old props.
        const auto entry = [](const std::string& kind, const std::string& id, const std::string& fqn) {
            return "{\n        \"resource\": {\n          \"Symbol(alchemy::ResourceKind)\": \"" + kind +
                   "\",\n          \"Symbol(alchemy::ResourceID)\": \"" + id +
                   "\",\n          \"Symbol(alchemy::ResourceFQN)\": \"" + fqn +
                   "\",\n          \"Symbol(alchemy::ResourceScope)\": {\n            \"@scope\": null\n"
                   "          },\n          \"Symbol(alchemy::ResourceSeq)\": 0,\n          \"k\": \"2\"\n"
                   "        },\n        \"oldProps\": {\n          \"k\": \"2\"\n        }\n      }";
        };
        const auto fill = [&](const fs::path& file, const std::string& entries) {
            std::string text = readFile(file);
            const std::string empty = "\"pendingDeletions\": []";
            const size_t at = text.find(empty);
            if (at != std::string::npos) {
                text.replace(at, empty.size(), "\"pendingDeletions\": [\n      " + entries + "\n    ]");
            } else {
                const size_t data = text.find("\"data\": {}");
                QVERIFY(data != std::string::npos);
                text.replace(data, 10,
                             "\"data\": {\n    \"pendingDeletions\": [\n      " + entries + "\n    ]\n  }");
            }
            writeFile(file, text);
        };
        fill(project / ".alchemy" / "life" / "dev.json",
             entry("demo::Rep", "rep", "life/dev/rep") +
                 ",\n      {\"resource\": {\"k\": 1}, \"oldProps\": {}}");
        fill(dev / "storage.json", entry("fs::File", "db", "life/dev/storage/db"));
        // A resource's own record holds its nested resources' list; this one also has a lone surrogate, which
        // only the reference parser reads.
        const fs::path owner = dev / "api.json";
        QVERIFY(fs::exists(owner));
        fill(owner, entry("fs::File", "child", "life/dev/api/child"));
        std::string text = readFile(owner);
        text.insert(text.find("\"props\": {") + 10, "\n    \"cut\": \"half \\ud83d\",");
        writeFile(owner, text);

        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->errorCount(), size_t{0});
        const auto& stage = snap->records[static_cast<size_t>(nodeAt(*snap, "life/dev").record)];
        QCOMPARE(stage.pendingDeletions.size(), size_t{2});
        QCOMPARE(stage.pendingDeletions[0].kind, std::string("demo::Rep"));
        QCOMPARE(stage.pendingDeletions[0].id, std::string("rep"));
        QCOMPARE(stage.pendingDeletions[0].fqn, std::string("life/dev/rep"));
        QVERIFY(stage.pendingDeletions[1].id.empty()); // corrupted: no id
        const SnapshotRecord* storage = snap->findRecord("life/dev/storage");
        QVERIFY(storage && storage->pendingDeletions.size() == 1);
        QCOMPARE(storage->pendingDeletions[0].fqn, std::string("life/dev/storage/db"));
        const SnapshotRecord* api = snap->findRecord("life/dev/api");
        QVERIFY(api && api->ok());
        QCOMPARE(api->pendingDeletions.size(), size_t{1});
        QCOMPARE(api->pendingDeletions[0].id, std::string("child"));
        QCOMPARE(api->pendingDeletions[0].kind, std::string("fs::File"));
    }

    void loneSurrogateRecordLoads() {
        const fs::path project = copyFixture("app-stages/06-state-list", "surrogate");
        const fs::path file = project / ".alchemy" / "shop" / "dev" / "config.json.json";
        std::string text = readFile(file);
        const std::string anchor = "\"props\": {";
        const size_t at = text.find(anchor);
        QVERIFY(at != std::string::npos);
        text.insert(at + anchor.size(), "\n    \"cut\": \"half \\ud83d\",");
        writeFile(file, text);
        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->errorCount(), size_t{0});
        const SnapshotRecord* r = snap->findRecord("shop/dev/config.json");
        QVERIFY(r && r->ok());
        QCOMPARE(r->kind, std::string("fs::File"));
        QCOMPARE(r->status, std::string("created"));
    }

    void symlinkLeavingTheRootIsAProblem() {
        const fs::path project = copyFixture("secrets/01-up", "symlink");
        const fs::path outside = fs::path(m_tmp.path().toStdString()) / "outside";
        writeFile(outside / "x.json", readFile(project / ".alchemy" / "vault" / "dev" / "token.json"));
        fs::create_symlink(outside / "x.json", project / ".alchemy" / "vault" / "dev" / "leak.json");
        fs::create_directory_symlink(outside, project / ".alchemy" / "vault" / "dev" / "leakdir");
        // A link that stays inside is followed.
        fs::create_symlink(project / ".alchemy" / "vault" / "dev" / "token.json",
                           project / ".alchemy" / "vault" / "dev" / "alias.json");
        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->problems.size(), size_t{2});
        for (const auto& p : snap->problems)
            QVERIFY2(p.find("leaves the state root") != std::string::npos, p.c_str());
        QVERIFY(!snap->findRecord("vault/dev/leak"));
        QVERIFY(!snap->findRecord("vault/dev/leakdir/x"));
        QVERIFY(snap->findRecord("vault/dev/alias") && snap->findRecord("vault/dev/alias")->ok());
    }

    void symlinkLoopsAreNotFollowed() {
        // Two links back to a parent: followed naively, the walk would branch twice per level until ELOOP.
        const fs::path project = copyFixture("secrets/01-up", "loops");
        const fs::path dev = project / ".alchemy" / "vault" / "dev";
        fs::create_directory_symlink(project / ".alchemy" / "vault", dev / "up1");
        fs::create_directory_symlink(dev, dev / "team" / "up2");
        fs::create_directory_symlink(dev / "team", dev / "team" / "self");
        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->records.size(), size_t{5});
        QCOMPARE(snap->problems.size(), size_t{3});
        for (const auto& p : snap->problems)
            QVERIFY2(p.find("a loop") != std::string::npos, p.c_str());
    }

    void filters() {
        const fs::path project = kRealAlchemy / "app-stages" / "06-state-list";
        const auto prod = loadSnapshot(project, {"shop", "prod", 0});
        QCOMPARE(prod->records.size(), size_t{22});
        for (const auto& r : prod->records)
            QVERIFY2(r.fqn.rfind("shop/prod/", 0) == 0, r.fqn.c_str());
        QCOMPARE(loadSnapshot(project, {"shop", "dev", 0})->records.size(), size_t{21});
        QCOMPARE(loadSnapshot(project, {"shop", "", 0})->records.size(), size_t{43});
        QCOMPARE(loadSnapshot(project, {"", "prod", 0})->records.size(), size_t{22});
        QCOMPARE(loadSnapshot(project, {"nope", "", 0})->records.size(), size_t{0});
        QCOMPARE(loadSnapshot(project, {"shop", "staging", 0})->records.size(), size_t{0});
        // The stage record belongs to its stage.
        const auto life = loadSnapshot(kRealAlchemy / "lifecycle" / "run5-read", {"life", "dev", 0});
        QVERIFY(life->findRecord("life/dev"));
        QCOMPARE(life->records.size(), size_t{7});

        const auto missing = loadSnapshot(fs::path(m_tmp.path().toStdString()) / "no-such-project");
        QVERIFY(!missing->stateFolderExists);
        QVERIFY(missing->records.empty());
    }

    // A staged scan (the GUI's first load of a folder) shows the walked tree before reading the records and
    // announces every record once; what it returns is exactly what a whole scan returns, on every real tree,
    // with a corrupt file, ids with '\\' (whose records move after reading: a finished copy is returned) and
    // a naked scope without a folder (whose node becomes a scope: likewise).
    void stagedScanEqualsWholeScan() {
        const fs::path corrupt = copyFixture("app-stages/06-state-list", "staged-corrupt");
        writeFile(corrupt / ".alchemy" / "shop" / "dev" / "assets.json", "{\"kind\": ");
        const fs::path emptyScope = copyFixture("app-stages/06-state-list", "staged-empty-scope");
        writeFile(
            emptyScope / ".alchemy" / "shop" / "dev" / "lonely.json",
            "{\n  \"kind\": \"alchemy::Scope\",\n  \"id\": \"lonely\",\n  \"fqn\": \"\",\n  \"seq\": 1,\n"
            "  \"data\": {},\n  \"status\": \"created\",\n  \"props\": {},\n  \"output\": {}\n}");
        std::vector<std::pair<fs::path, bool>> trees; // project, whether finishing moves nodes
        for (const fs::path& project : fixtureProjects())
            trees.emplace_back(project, false);
        trees.emplace_back(corrupt, false);
        trees.emplace_back(fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids", true);
        trees.emplace_back(emptyScope, true);
        for (const auto& [project, moves] : trees) {
            const std::string name = project.string();
            const auto whole = loadSnapshot(project);
            std::shared_ptr<const StateSnapshot> walked;
            std::string walkedDump;
            std::vector<int> announced;
            bool announcedBeforeWalk = false;
            SnapshotOptions options;
            options.threads = 2;
            options.fillBatchMs = 1;
            options.treeWalked = [&](const std::shared_ptr<StateSnapshot>& snap) {
                walked = snap;
                announced.assign(snap->records.size(), 0);
                // Ids, FQNs, chains and files are final before any file but an owner's is read.
                for (const SnapshotRecord& r : snap->records) {
                    const SnapshotRecord* same = whole->findRecord(r.fqn);
                    if (!moves) {
                        QVERIFY2(same, (name + ": " + r.fqn).c_str());
                        QCOMPARE(r.chain, same->chain);
                        QCOMPARE(r.relativePath, same->relativePath);
                    }
                }
                QVERIFY(snap->source); // named before it is shared
            };
            options.recordsFilled = [&](std::vector<int32_t> records) {
                if (!walked) {
                    announcedBeforeWalk = true;
                    return;
                }
                for (int32_t r : records)
                    ++announced.at(static_cast<size_t>(r));
            };
            auto source = openResolvedSource(SourceSpec::folder(project));
            const auto staged = loadSnapshot(*source, options);
            QVERIFY2(!announcedBeforeWalk, name.c_str());
            QVERIFY2(walked, name.c_str());
            QCOMPARE(dump(*staged), dump(*whole));
            QCOMPARE(staged.get() == walked.get(), !moves);
            QVERIFY2(std::all_of(announced.begin(), announced.end(), [](int n) { return n == 1; }),
                     name.c_str());
        }
    }

    // The record the user selected is read before the others a staged scan has not read yet.
    void stagedScanReadsTheWantedRecordFirst() {
        const fs::path project = copyFixture("app-stages/06-state-list", "staged-first");
        std::atomic<int32_t> wanted{-1};
        std::vector<int32_t> order;
        bool walkBatch = true;
        int32_t last = -1;
        SnapshotOptions options;
        options.threads = 1;
        options.readFirst = &wanted;
        options.treeWalked = [&](const std::shared_ptr<StateSnapshot>& snap) {
            last = static_cast<int32_t>(snap->records.size()) - 1;
            wanted = last;
        };
        options.recordsFilled = [&](std::vector<int32_t> records) {
            if (std::exchange(walkBatch, false))
                return; // the owners, read with the walk
            order.insert(order.end(), records.begin(), records.end());
        };
        auto source = openResolvedSource(SourceSpec::folder(project));
        const auto snap = loadSnapshot(*source, options);
        QVERIFY(last > 10);
        QVERIFY(!order.empty());
        QCOMPARE(order.front(), last);
        QCOMPARE(wanted.load(), -1);
    }

    // The merge of sorted runs the walk's FQN order relies on is a stable sort, whatever the runs: one, many,
    // single elements, equal keys across runs.
    void sortedRunsMergeLikeAStableSort() {
        std::mt19937 random(14);
        for (int round = 0; round < 200; ++round) {
            std::vector<int> keys;
            const int runs = 1 + static_cast<int>(random() % 12);
            for (int r = 0; r < runs; ++r) {
                std::vector<int> run(random() % 40);
                for (int& k : run)
                    k = static_cast<int>(random() % 25);
                std::sort(run.begin(), run.end());
                keys.insert(keys.end(), run.begin(), run.end());
            }
            std::vector<int32_t> merged(keys.size());
            for (size_t i = 0; i < merged.size(); ++i)
                merged[i] = static_cast<int32_t>(i);
            std::vector<int32_t> expected = merged;
            const auto less = [&](int32_t a, int32_t b) {
                return keys[static_cast<size_t>(a)] < keys[static_cast<size_t>(b)];
            };
            std::stable_sort(expected.begin(), expected.end(), less);
            sortBySortedRuns(merged, less);
            QCOMPARE(merged, expected);
        }
    }

    // Records come out of the walk in FQN byte order and every node names its own record, in a stage where
    // folder contents interleave with their neighbours ("a" < "a-b" < "a/x" < "a0"), nested owners, scopes
    // and an id holding '/'.
    void walkedRecordsAreInFqnOrder() {
        const fs::path project = fs::path(m_tmp.path().toStdString()) / "fqn-order";
        const fs::path stage = project / ".alchemy" / "app" / "dev";
        const auto record = [](const std::string& id, const std::string& fqn) {
            return "{\"kind\":\"t::T\",\"id\":\"" + id + "\",\"fqn\":\"" + fqn +
                   "\",\"seq\":0,\"status\":\"created\",\"data\":{},\"output\":{},\"props\":{}}";
        };
        for (const std::string id : {"a", "a-b", "a0", "b", "z"})
            writeFile(stage / (id + ".json"), record(id, "app/dev/" + id));
        writeFile(stage / "a:y.json", record("a/y", "app/dev/a/y"));   // an id with '/'
        writeFile(stage / "a" / "x.json", record("x", "app/dev/a/x")); // nested in "a"
        writeFile(stage / "a" / "x" / "deep.json", record("deep", "app/dev/a/x/deep"));
        for (int i = 0; i < 30; ++i) {
            const std::string id = "r" + std::to_string(i);
            writeFile(stage / "scope" / (id + ".json"), record(id, "app/dev/scope/" + id));
            writeFile(stage / (id + ".json"), record(id, "app/dev/" + id));
        }
        const auto snap = loadSnapshot(project);
        QCOMPARE(snap->records.size(), size_t{5 + 1 + 2 + 60});
        QVERIFY(
            std::is_sorted(snap->records.begin(), snap->records.end(),
                           [](const SnapshotRecord& a, const SnapshotRecord& b) { return a.fqn < b.fqn; }));
        for (const SnapshotNode& node : snap->nodes)
            if (node.record >= 0)
                QCOMPARE(snap->records[static_cast<size_t>(node.record)].fqn, node.fqn);
        for (const SnapshotRecord& r : snap->records)
            QVERIFY2(r.ok() && r.recordFqn == r.fqn, r.fqn.c_str());
    }

    void threadCountDoesNotChangeTheResult() {
        // Many apps so that several threads really share the work (the loader gives each thread >= 64 files).
        const fs::path project = fs::path(m_tmp.path().toStdString()) / "threads";
        const fs::path source = kRealAlchemy / "app-stages" / "06-state-list" / ".alchemy" / "shop";
        fs::create_directories(project / ".alchemy");
        for (int i = 0; i < 20; ++i)
            fs::copy(source, project / ".alchemy" / ("shop" + std::to_string(i)),
                     fs::copy_options::recursive);
        writeFile(project / ".alchemy" / "shop7" / "dev" / "assets.json", "{\"kind\": ");
        const auto one = loadSnapshot(project, {"", "", 1});
        const auto four = loadSnapshot(project, {"", "", 4});
        const auto dflt = loadSnapshot(project);
        QCOMPARE(one->records.size(), size_t{20 * 43});
        QCOMPARE(one->errorCount(), size_t{1});
        QCOMPARE(dump(*four), dump(*one));
        QCOMPARE(dump(*dflt), dump(*one));
    }
};

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"

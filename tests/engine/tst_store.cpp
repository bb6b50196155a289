// FileSystemStateStore: Alchemy's file layout and id mapping (reference §5), the StateStore semantics, the
// refusal of unsafe ids, atomic writes, and containment against symlinks that leave the state root.
#include "EngineTestFiles.h"
#include "lifecycle/OutputsText.h"
#include "lifecycle/StaleTempFiles.h"
#include "store/AtomicFile.h"
#include "store/FileSystemStateStore.h"
#include "store/IdCodec.h"
#include "store/RecordLocation.h"
#include "store/RecordParse.h"
#include "store/StoreError.h"
#include "store/folder/FolderSource.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace athanor;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

StateRecord makeRecord(const std::string& id, const std::string& fqn, int seq = 0) {
    Json doc = Json::object();
    doc["kind"] = "fs::File";
    doc["id"] = id;
    doc["fqn"] = fqn;
    doc["seq"] = seq;
    doc["data"] = Json::object();
    doc["status"] = "created";
    Json output = Json::object();
    output["Symbol(alchemy::ResourceKind)"] = "fs::File";
    output["Symbol(alchemy::ResourceID)"] = id;
    output["Symbol(alchemy::ResourceFQN)"] = fqn;
    output["Symbol(alchemy::ResourceScope)"] = Json{{"@scope", nullptr}};
    output["Symbol(alchemy::ResourceSeq)"] = seq;
    output["path"] = "out/" + id;
    doc["output"] = output;
    doc["props"] = Json{{"path", "out/" + id}};
    return StateRecord(std::move(doc));
}

// Files whose name starts with '.' (temp files of an atomic write) anywhere below `dir`.
std::vector<std::string> hiddenFiles(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().front() == '.')
            out.push_back(e.path().string());
    return out;
}

// Values, key order and number kinds (1 and 1.0 differ), and lone surrogates (kept as WTF-8) as JS writes
// them.
std::string exactText(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace) + " " + stringifyJs(value, 0);
}

template <typename F>
std::string storeErrorOf(F&& f) {
    try {
        f();
    } catch (const StoreError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path m_project;

    DotAlchemyLayout layout() const { return DotAlchemyLayout::forProject(m_project); }
    FileSystemStateStore store(std::vector<std::string> chain = {"shop", "dev"}) const {
        return FileSystemStateStore(layout(), std::move(chain), Durability::Durable);
    }

private slots:
    void init() {
        QVERIFY(m_tmp.isValid());
        m_project = fs::path(m_tmp.path().toStdString()) / QTest::currentTestFunction();
        fs::create_directories(m_project);
    }

    void idCodec_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("fileName");
        QTest::newRow("plain") << "config"
                               << "config.json";
        QTest::newRow("slashes") << "routes/api/v1"
                                 << "routes:api:v1.json";
        QTest::newRow("star") << "example.com/*"
                              << "example.com:*.json";
        QTest::newRow("dot json") << "config.json"
                                  << "config.json.json";
        QTest::newRow("unicode") << QString::fromUtf8("caf\xc3\xa9") << QString::fromUtf8("caf\xc3\xa9.json");
    }
    void idCodec() {
        QFETCH(QString, id);
        QFETCH(QString, fileName);
        QCOMPARE(QString::fromStdString(idToFileName(id.toStdString())), fileName);
        QCOMPARE(QString::fromStdString(fileNameToId(fileName.toStdString())), id);
        QVERIFY(isRecordFileName(fileName.toStdString()));
        QVERIFY(idProblem(id.toStdString()).empty());
    }

    void backslashIdsLiveInSubFoldersAsInAlchemy() {
        // Real Alchemy stores "back\\slash" at <stage>/back/slash.json (tests/data/alchemy-backslash-ids).
        QCOMPARE(idToRecordPath("back\\slash"), std::string("back/slash.json"));
        QCOMPARE(idToRecordPath("routes/api"), std::string("routes:api.json"));
        QCOMPARE(idToRecordPath("a/b\\c"), std::string("a:b/c.json"));
        QCOMPARE(recordPath({"bs", "dev", "grp"}, "a\\b\\c"), std::string("bs/dev/grp/a/b/c.json"));
        QCOMPARE(scopeFolderPath({"bs", "dev", "back\\slash"}), std::string("bs/dev/back/slash"));
        QVERIFY(idProblem("back\\slash").empty());

        auto s = store({"bs", "dev"});
        const StateRecord record = makeRecord("back\\slash", "bs/dev/back\\slash");
        s.set("back\\slash", record);
        const fs::path file = m_project / ".alchemy/bs/dev/back/slash.json";
        QCOMPARE(readFile(file), record.toFileText());
        QCOMPARE(s.fileFor("back\\slash"), file);
        QCOMPARE(s.get("back\\slash")->toFileText(), record.toFileText());
        QCOMPARE(*s.readText("back\\slash"), record.toFileText());
        // Alchemy's list() reads the scope's own folder only: the record is not listed (nor an orphan).
        QVERIFY(s.list().empty());
        s.remove("back\\slash");
        QVERIFY(!fs::exists(file));
        QVERIFY(!s.get("back\\slash"));
    }

    void recordPlacement() {
        // Where it belongs.
        QVERIFY(placeRecord("shop/dev/a.json", "a", "shop/dev/a", false).ok());
        QVERIFY(placeRecord("shop/dev/routes:api.json", "routes/api", "shop/dev/routes/api", false).ok());
        QVERIFY(placeRecord("shop/dev/storage.json", "storage", "", true).ok()); // naked scope record
        QVERIFY(placeRecord("shop/dev.json", "dev", "shop/dev", false).ok());    // stage record
        QVERIFY(placeRecord("shop/dev/legacy.json", std::nullopt, std::nullopt, false).ok());
        const RecordPlacement back =
            placeRecord("bs/dev/back/slash.json", "back\\slash", "bs/dev/back\\slash", false);
        QVERIFY(back.ok());
        QCOMPARE(back.scopeFolder, std::string("bs/dev"));
        QCOMPARE(back.id, std::string("back\\slash"));
        QCOMPARE(back.fqn, std::string("bs/dev/back\\slash"));
        QVERIFY(placeRecord("bs/dev/grp/a/b/c.json", "a\\b\\c", "bs/dev/grp/a\\b\\c", false).ok());
        // A nested resource under an owner whose id has a '\\' (its folder is split too).
        QVERIFY(placeRecord("bs/dev/back/slash/child.json", "child", "bs/dev/back\\slash/child", false).ok());
        // A backup copy holds another record: never that record, never an orphan.
        const RecordPlacement copy = placeRecord("shop/dev/s/f1.bak.json", "f1", "shop/dev/s/f1", false);
        QVERIFY(!copy.ok());
        QCOMPARE(copy.problems.size(), size_t{2});
        QCOMPARE(copy.problems[0],
                 std::string("id \"f1\" does not match its file name (expected \"f1.bak\")"));
        QCOMPARE(copy.problems[1],
                 std::string("fqn \"shop/dev/s/f1\" does not match its location \"shop/dev/s/f1.bak\""));
        // A record moved into another stage.
        QVERIFY(!placeRecord("shop/prod/a.json", "a", "shop/dev/a", false).ok());
        // An id that escapes its folder, even when its file name says the same.
        const RecordPlacement escape =
            placeRecord("shop/dev/x:..:..:victim.json", "x/../../victim", "shop/dev/x/../../victim", false);
        QCOMPARE(escape.problems.size(), size_t{1});
        QVERIFY2(escape.problems[0].find("refused by up and destroy: it contains a '..' segment") !=
                     std::string::npos,
                 escape.problems[0].c_str());
        QVERIFY(!placeRecord("shop/dev/x:..:..:victim.json", std::nullopt, std::nullopt, false).ok());
        // A backslash id in the wrong folder.
        QVERIFY(!placeRecord("bs/dev/back\\slash.json", "back\\slash", "bs/dev/back\\slash", false).ok());
    }

    void recordFileNames() {
        QVERIFY(!isRecordFileName(".json"));
        QVERIFY(!isRecordFileName(".x.json.athanor-1-0.tmp"));
        QVERIFY(!isRecordFileName(".hidden.json"));
        QVERIFY(!isRecordFileName("app.log"));
        QVERIFY(!isRecordFileName("x.json.bak"));
        QVERIFY(isRecordFileName("x.json"));
    }

    void layoutPaths() {
        const auto a = DotAlchemyLayout::locate(m_project);
        const auto b = DotAlchemyLayout::locate(m_project / ".alchemy");
        QCOMPARE(a.dotAlchemy, b.dotAlchemy);
        QCOMPARE(a.projectRoot, b.projectRoot);
        QCOMPARE(a.scopeDir({"shop", "dev"}), m_project / ".alchemy" / "shop" / "dev");
        QVERIFY(isReservedTopLevelName("logs"));
        QVERIFY(isReservedTopLevelName("pids"));
        QVERIFY(isReservedTopLevelName(".athanor"));
        QVERIFY(!isReservedTopLevelName("shop"));
    }

    void setGetListRemove() {
        auto s = store();
        QVERIFY(s.list().empty()); // missing folder: nothing, no error
        QCOMPARE(s.count(), size_t{0});
        QVERIFY(!s.get("config"));
        QVERIFY(s.listScopes().empty());

        const StateRecord routes = makeRecord("routes/api/v1", "shop/dev/routes/api/v1");
        s.set("routes/api/v1", routes);
        s.set("example.com/*", makeRecord("example.com/*", "shop/dev/example.com/*"));
        s.set("config.json", makeRecord("config.json", "shop/dev/config.json"));
        s.set("b", makeRecord("b", "shop/dev/b"));

        const fs::path dir = m_project / ".alchemy" / "shop" / "dev";
        QCOMPARE(s.directory(), dir);
        QCOMPARE(s.fileFor("routes/api/v1"), dir / "routes:api:v1.json");
        QVERIFY(fs::is_regular_file(dir / "routes:api:v1.json"));
        QVERIFY(fs::is_regular_file(dir / "example.com:*.json"));
        QVERIFY(fs::is_regular_file(dir / "config.json.json"));
        // The exact bytes Alchemy writes: 2-space JSON, no trailing newline.
        QCOMPARE(readFile(dir / "routes:api:v1.json"), routes.toFileText());
        QVERIFY(readFile(dir / "b.json").back() == '}');

        // Non-record entries are not listed: sub-folders, other extensions, hidden files.
        writeFile(dir / "notes.txt", "x");
        writeFile(dir / ".hidden.json", "{}");
        fs::create_directories(dir / "bundle");
        fs::create_directories(dir / "assets");
        const std::vector<std::string> expected{"b", "config.json", "example.com/*", "routes/api/v1"};
        QCOMPARE(s.list(), expected);
        QCOMPARE(s.count(), size_t{4});
        QCOMPARE(s.listScopes(), (std::vector<std::string>{"assets", "bundle"}));

        auto got = s.get("routes/api/v1");
        QVERIFY(got);
        QCOMPARE(got->document(), routes.document());
        QCOMPARE(got->toFileText(), routes.toFileText());

        auto batch = s.getBatch({"b", "missing", "config.json"});
        QCOMPARE(batch.size(), size_t{2});
        QVERIFY(batch.count("b") && batch.count("config.json"));
        QCOMPARE(batch.at("b").fqn(), std::string("shop/dev/b"));
        QCOMPARE(s.all().size(), size_t{4});

        // Overwrite replaces the whole file.
        s.set("b", makeRecord("b", "shop/dev/b", 7));
        QCOMPARE(s.get("b")->seq(), int64_t{7});

        s.remove("b");
        s.remove("never-existed"); // ignored, as in Alchemy
        QVERIFY(!s.get("b"));
        QVERIFY(!fs::exists(dir / "b.json"));
        QCOMPARE(s.count(), size_t{3});

        // Nested resources live in the owner's folder.
        auto nested = store({"shop", "dev", "bundle"});
        nested.set("a", makeRecord("a", "shop/dev/bundle/a"));
        QVERIFY(fs::is_regular_file(dir / "bundle" / "a.json"));

        // Exact text round trip through readText / writeText.
        s.writeText("raw", "{\n  \"x\": 1\n}");
        QCOMPARE(*s.readText("raw"), std::string("{\n  \"x\": 1\n}"));
        QVERIFY(!s.readText("nope"));
        QVERIFY(hiddenFiles(m_project / ".alchemy").size() == 1); // only the planted .hidden.json
    }

    void initAndDeinit() {
        auto s = store({"shop", "dev", "grp"});
        const fs::path dir = m_project / ".alchemy" / "shop" / "dev" / "grp";
        s.deinit(); // missing folder: ignored
        s.init();
        QVERIFY(fs::is_directory(dir));
        s.init(); // idempotent

        s.set("r", makeRecord("r", "shop/dev/grp/r"));
        const std::string refusal = storeErrorOf([&] { s.deinit(); });
        QVERIFY2(refusal.find("r.json") != std::string::npos, refusal.c_str());
        QVERIFY(fs::exists(dir / "r.json"));

        // Only empty folders (sub-folders aside) are removed, as in Alchemy.
        s.remove("r");
        fs::create_directories(dir / "child" / "grandchild");
        s.deinit();
        QVERIFY(!fs::exists(dir));
        QVERIFY(fs::is_directory(dir.parent_path()));
    }

    void badIdsAreRefused_data() {
        QTest::addColumn<QByteArray>("id");
        QTest::addColumn<QString>("reason");
        QTest::newRow("dotdot") << QByteArray("..") << "'..' segment";
        QTest::newRow("dotdot inside") << QByteArray("a/../b") << "'..' segment";
        QTest::newRow("dotdot end") << QByteArray("a/..") << "'..' segment";
        QTest::newRow("dot segment") << QByteArray("./a") << "'.' segment";
        QTest::newRow("colon") << QByteArray("a:b") << "':'";
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << "NUL";
        QTest::newRow("absolute") << QByteArray("/etc/passwd") << "absolute";
        QTest::newRow("empty") << QByteArray() << "empty";
        // Alchemy's path library turns '\\' into '/': the same escapes through a backslash.
        QTest::newRow("dotdot between backslashes") << QByteArray("x\\..\\..\\victim") << "'..' segment";
        QTest::newRow("dotdot after slash and backslash") << QByteArray("a/..\\b") << "'..' segment";
        QTest::newRow("leading backslash") << QByteArray("\\x") << "empty segment";
        QTest::newRow("double backslash") << QByteArray("a\\\\b") << "empty segment";
    }
    void badIdsAreRefused() {
        QFETCH(QByteArray, id);
        QFETCH(QString, reason);
        const std::string badId(id.constData(), static_cast<size_t>(id.size()));
        auto s = store();
        const std::string r = reason.toStdString();
        for (const auto& message :
             {storeErrorOf([&] { s.set(badId, makeRecord("x", "shop/dev/x")); }),
              storeErrorOf([&] { s.get(badId); }), storeErrorOf([&] { s.remove(badId); })}) {
            QVERIFY2(message.rfind("invalid resource id \"", 0) == 0, message.c_str());
            QVERIFY2(message.find(r) != std::string::npos, message.c_str());
        }
        // A bad scope name in the chain is refused when the store is made.
        const std::string scopeMessage = storeErrorOf([&] {
            FileSystemStateStore(layout(), {"shop", badId}, Durability::Fast);
        });
        QVERIFY2(scopeMessage.rfind("invalid scope name", 0) == 0, scopeMessage.c_str());
        // Refused before touching the disk.
        QVERIFY(!fs::exists(m_project / ".alchemy"));
    }

    void writesLeaveNoTempFiles() {
        auto s = FileSystemStateStore(layout(), {"shop", "dev"}, Durability::Fast);
        for (int i = 0; i < 50; ++i)
            s.set("r" + std::to_string(i % 5), makeRecord("r", "shop/dev/r", i));
        auto d = store();
        d.set("durable", makeRecord("durable", "shop/dev/durable"));
        QVERIFY(hiddenFiles(m_project / ".alchemy").empty());
        QCOMPARE(s.count(), size_t{6});
    }

    // A write that fails must leave the previous bytes of the record untouched and no temp file behind.
    void failedWriteKeepsOldFile() {
        auto s = store();
        const StateRecord original = makeRecord("keep", "shop/dev/keep");
        s.set("keep", original);
        const fs::path file = s.fileFor("keep");
        const std::string before = readFile(file);

        if (::geteuid() != 0) {
            // A read-only folder: the temp file cannot be created.
            fs::permissions(file.parent_path(), fs::perms::owner_read | fs::perms::owner_exec);
            const std::string message =
                storeErrorOf([&] { s.set("keep", makeRecord("keep", "shop/dev/keep", 9)); });
            fs::permissions(file.parent_path(), fs::perms::owner_all);
            QVERIFY2(!message.empty(), "write into a read-only folder did not fail");
            QCOMPARE(readFile(file), before);
        }

        // Works for root too: the target path is a directory, so the final rename fails.
        const fs::path blocked = s.fileFor("blocked");
        fs::create_directories(blocked / "inner");
        writeFile(blocked / "inner" / "payload", "keep me");
        const std::string message =
            storeErrorOf([&] { s.set("blocked", makeRecord("blocked", "shop/dev/blocked")); });
        QVERIFY2(message.find("blocked.json") != std::string::npos, message.c_str());
        QVERIFY(fs::is_directory(blocked));
        QCOMPARE(readFile(blocked / "inner" / "payload"), std::string("keep me"));
        QCOMPARE(readFile(file), before);
        QVERIFY(hiddenFiles(m_project / ".alchemy").empty());
    }

    void symlinkLeavingTheRoot() {
        const fs::path dir = m_project / ".alchemy" / "shop" / "dev";
        fs::create_directories(dir);
        const fs::path outside = m_project / "outside";
        writeFile(outside / "victim.json", "{\"victim\": true}");
        fs::create_directories(outside / "folder");

        auto s = store();
        // A record file that is a symlink out of the root.
        fs::create_symlink(outside / "victim.json", dir / "evil.json");
        std::string message = storeErrorOf([&] { s.set("evil", makeRecord("evil", "shop/dev/evil")); });
        QVERIFY2(message.find((dir / "evil.json").string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find("leaves the state root") != std::string::npos, message.c_str());
        QCOMPARE(readFile(outside / "victim.json"), std::string("{\"victim\": true}"));
        QVERIFY(fs::is_symlink(dir / "evil.json")); // not replaced either
        message = storeErrorOf([&] { s.get("evil"); });
        QVERIFY2(message.find("evil.json") != std::string::npos, message.c_str());
        message = storeErrorOf([&] { s.readText("evil"); });
        QVERIFY2(!message.empty(), "read through a symlink leaving the root succeeded");

        // A scope folder that is a symlink out of the root.
        fs::create_directory_symlink(outside / "folder", dir / "escape");
        auto escaped = store({"shop", "dev", "escape"});
        message = storeErrorOf([&] { escaped.set("x", makeRecord("x", "shop/dev/escape/x")); });
        QVERIFY2(message.find((dir / "escape").string()) != std::string::npos, message.c_str());
        QVERIFY(fs::is_empty(outside / "folder"));
        writeFile(outside / "folder" / "y.json", "{}");
        message = storeErrorOf([&] { escaped.get("y"); });
        QVERIFY2(message.find("escape") != std::string::npos, message.c_str());

        // The app folder itself pointing out of the root.
        fs::create_directory_symlink(outside / "folder", m_project / ".alchemy" / "evilapp");
        auto evilApp = store({"evilapp", "dev"});
        message = storeErrorOf([&] { evilApp.set("x", makeRecord("x", "evilapp/dev/x")); });
        QVERIFY2(message.find("evilapp") != std::string::npos, message.c_str());
        QVERIFY(!fs::exists(outside / "folder" / "dev"));
        QVERIFY(hiddenFiles(outside).empty());
    }

    void symlinkInsideTheRoot() {
        auto s = store();
        s.set("real", makeRecord("real", "shop/dev/real"));
        const fs::path dir = s.directory();
        fs::create_symlink(dir / "real.json", dir / "alias.json");
        QCOMPARE(s.get("alias")->id(), std::string("real"));
        // A write through an inside link updates the link's target and keeps the link.
        s.set("alias", makeRecord("real", "shop/dev/real", 5));
        QVERIFY(fs::is_symlink(dir / "alias.json"));
        QCOMPARE(s.get("real")->seq(), int64_t{5});

        // A stage folder that is a symlink to another stage inside the same root.
        fs::create_directory_symlink(dir, dir.parent_path() / "staging");
        auto staging = store({"shop", "staging"});
        QCOMPARE(staging.get("real")->seq(), int64_t{5});
        staging.set("via-link", makeRecord("via-link", "shop/dev/via-link"));
        QVERIFY(fs::is_regular_file(dir / "via-link.json"));
    }

    // A source's stores open a scope folder from their parent's kept descriptor (FolderTree): the same
    // containment as a walk from the root, and a kept parent removed meanwhile is not written into.
    void scopeFoldersOpenedFromTheirKeptParent() {
        FolderSource source(SourceSpec::folder(m_project));
        const fs::path dev = m_project / ".alchemy" / "shop" / "dev";
        const fs::path outside = m_project / "outside";
        fs::create_directories(outside / "folder");
        auto first = source.openStore({"shop", "dev", "a"}, Durability::Durable);
        first->set("x", makeRecord("x", "shop/dev/a/x")); // keeps shop/dev open

        fs::create_directory_symlink(outside / "folder", dev / "escape");
        auto escaped = source.openStore({"shop", "dev", "escape"}, Durability::Durable);
        std::string message = storeErrorOf([&] { escaped->set("x", makeRecord("x", "shop/dev/escape/x")); });
        QVERIFY2(message.find((dev / "escape").string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find("leaves the state root") != std::string::npos, message.c_str());
        QVERIFY(fs::is_empty(outside / "folder"));
        writeFile(outside / "folder" / "y.json", "{}");
        message = storeErrorOf([&] { escaped->get("y"); });
        QVERIFY2(message.find((dev / "escape").string()) != std::string::npos, message.c_str());
        message = storeErrorOf([&] { escaped->readText("y"); });
        QVERIFY2(message.find("leaves the state root") != std::string::npos, message.c_str());

        // A symlink inside the root is followed, as by a walk.
        fs::create_directory_symlink(dev / "a", dev / "alias");
        auto alias = source.openStore({"shop", "dev", "alias"}, Durability::Durable);
        QCOMPARE(alias->get("x")->id(), std::string("x"));
        // A scope folder that is a file.
        writeFile(dev / "plain", "not a folder");
        auto plain = source.openStore({"shop", "dev", "plain"}, Durability::Durable);
        message = storeErrorOf([&] { plain->set("x", makeRecord("x", "shop/dev/plain/x")); });
        QVERIFY2(message.find((dev / "plain").string()) != std::string::npos, message.c_str());
        QVERIFY(!source.openStore({"shop", "dev", "missing"}, Durability::Durable)->get("x"));

        // The kept stage folder removed and made again: a new scope is written at the path, not in the old
        // one.
        fs::remove_all(dev);
        fs::create_directories(dev);
        auto later = source.openStore({"shop", "dev", "b"}, Durability::Durable);
        QVERIFY(!later->get("y"));
        later->set("y", makeRecord("y", "shop/dev/b/y"));
        QVERIFY(fs::is_regular_file(dev / "b" / "y.json"));
        fs::remove_all(dev);
        auto removed = source.openStore({"shop", "dev", "c"}, Durability::Durable);
        QVERIFY(!removed->get("z"));
        removed->set("z", makeRecord("z", "shop/dev/c/z"));
        QVERIFY(fs::is_regular_file(dev / "c" / "z.json"));
        QVERIFY(hiddenFiles(m_project / ".alchemy").empty());
    }

    // Listings kept for a run (FolderTree::keepListings) serve list() until a store of the same source
    // writes.
    void keptListingsServeUntilAWrite() {
        FolderSource source(SourceSpec::folder(m_project));
        writeFile(m_project / ".alchemy" / "shop" / "dev" / "a" / "x.json", "{}");
        auto a = source.openStore({"shop", "dev", "a"}, Durability::Durable);
        auto b = source.openStore({"shop", "dev", "b"}, Durability::Durable);
        source.keepListings({{"shop/dev/a", {"kept"}}});
        QCOMPARE(a->list(), std::vector<std::string>{"kept"}); // the listing, not the folder
        QVERIFY(b->list().empty());                            // no listing kept: the folder (missing)
        b->set("y", makeRecord("y", "shop/dev/b/y"));
        QCOMPARE(a->list(), std::vector<std::string>{"x"});
        source.keepListings({{"shop/dev/a", {"kept"}}}); // after a write, never again
        QCOMPARE(a->list(), std::vector<std::string>{"x"});
    }

    // The stale temp file sweep lists each folder of the stage as list() does.
    void staleTempSweepListsAsListDoes() {
        const fs::path dev = m_project / ".alchemy" / "shop" / "dev";
        writeFile(dev / "r1.json", "{}");
        writeFile(dev / "b:c.json", "{}");
        writeFile(dev / "notes.txt", "x");
        writeFile(dev / ".hidden.json", "{}");
        const fs::path stale = dev / ".r1.json.athanor-999999999-1.tmp"; // no such pid
        writeFile(stale, "half");
        fs::create_symlink(dev / "r1.json", dev / "alias.json");
        fs::create_symlink(dev / "missing.json", dev / "dangling.json");
        fs::create_directories(dev / "folder.json");
        writeFile(dev / "s" / "x.json", "{}");
        fs::create_directory_symlink(dev / "s", dev / "linked");
        FolderTree::Listings listings;
        removeStaleTempFiles(layout(), "shop", "dev", m_project / "locks",
                             [&](const fs::path& relative, std::vector<std::string> ids) {
                                 listings[relative.native()] = std::move(ids);
                             });
        QVERIFY(!fs::exists(stale));
        QCOMPARE(listings.size(), size_t{3}); // dev, dev/s, dev/folder.json; not the symlinked folder
        for (const std::vector<std::string>& chain :
             {std::vector<std::string>{"shop", "dev"}, {"shop", "dev", "s"}, {"shop", "dev", "folder.json"}})
            QCOMPARE(listings.at(scopeFolderPath(chain)), store(chain).list());
        QCOMPARE(listings.at("shop/dev"), (std::vector<std::string>{"alias", "b/c", "r1"}));
    }

    void unreadableRecords() {
        auto s = store();
        const fs::path dir = m_project / ".alchemy" / "shop" / "dev";
        writeFile(dir / "truncated.json", "{\n  \"kind\": \"fs::File\",\n  \"id\": \"trun");
        writeFile(dir / "empty.json", "");
        writeFile(dir / "array.json", "[1, 2]");
        try {
            s.get("truncated");
            QFAIL("truncated file read");
        } catch (const UnreadableRecordError& e) {
            QCOMPARE(e.file(), (dir / "truncated.json").string());
            QVERIFY2(std::string(e.what()).find("truncated.json") != std::string::npos, e.what());
            QVERIFY2(e.reason().find("truncated") != std::string::npos, e.what());
        }
        try {
            s.get("empty");
            QFAIL("empty file read");
        } catch (const UnreadableRecordError& e) {
            QCOMPARE(e.file(), (dir / "empty.json").string());
            QCOMPARE(e.reason(), std::string("file is empty"));
        }
        try {
            s.get("array");
            QFAIL("array file read");
        } catch (const UnreadableRecordError& e) {
            QVERIFY2(e.reason().find("not a JSON object") != std::string::npos, e.what());
        }
        // An unreadable record is never "missing": getBatch and all() propagate the error.
        QVERIFY(!storeErrorOf([&] { s.all(); }).empty());
    }

    void realFixtureRoundTrip() {
        // Copy a real Alchemy record through the store: identical bytes.
        const fs::path fixture = test_files::fixtureDir() / "secrets" / "01-up" / ".alchemy";
        auto source = FileSystemStateStore(DotAlchemyLayout::locate(fixture), {"vault", "dev"});
        auto target = store({"vault", "dev"});
        for (const auto& id : source.list()) {
            target.set(id, *source.get(id));
            QCOMPARE(readFile(target.fileFor(id)), readFile(source.fileFor(id)));
        }
        QCOMPARE(target.list(), source.list());
        QCOMPARE(source.listScopes(), std::vector<std::string>{"team"});
    }

    // The simdjson fast path gives exactly what the reference parser gives: values, number kinds, key order.
    void recordParseMatchesTheReferenceParser() {
        int files = 0;
        for (const auto& e : fs::recursive_directory_iterator(test_files::fixtureDir())) {
            if (!e.is_regular_file() || e.path().extension() != ".json")
                continue;
            const std::string text = readFile(e.path());
            QCOMPARE(exactText(parseRecordText(text)), exactText(parseJsonText(text)));
            ++files;
        }
        QVERIFY(files > 300);
        const auto nested = [](size_t depth) {
            return std::string(depth, '[') + std::string(depth, ']');
        };
        const std::vector<std::string> tricky = {
            R"({"a":-0,"b":-0.0,"c":0.1,"d":1e21,"e":1.5e-7,"f":1.0,"g":100,"h":-5})",
            R"({"big":18446744073709551615,"bigger":18446744073709551616,"neg":-9223372036854775808,)"
            R"("more":-9223372036854775809,"u":9223372036854775808})",
            "{\"s\":\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\/\",\"raw\":\"\xc3\xa9\"}",
            R"({"lone":"\ud800x","tail":"\udc00"})",
            "{\"ctl\":\"a\\u0001b\",\"raw\":\"a\x01"
            "b\"}",
            R"({"dup":1,"dup":2,"z":{"y":1,"x":[1,{"w":null}]}})",
            // At the nesting limit, one level beyond (simdjson's limit is set to the reference parser's),
            // and far beyond.
            nested(kMaxJsonDepth),
            R"({"nested":)" + nested(kMaxJsonDepth - 1) + "}",
            R"({"nested":)" + nested(kMaxJsonDepth) + "}",
            nested(kMaxJsonDepth + 1),
            R"({"nested":)" + nested(40000) + "}",
            // Numbers simdjson refuses: beyond a double (an error for both), beyond 64 bits (a double).
            R"({"n":1e400})",
            R"({"n":[-2e444]})",
            R"({"seq":123456789012345678901234567890,"tiny":1e-400,"neg":-1e-400})",
            R"(  {"ws" : [ true , false , null ] }  )",
        };
        for (const std::string& text : tricky) {
            std::string reference, fast;
            try {
                reference = exactText(parseJsonText(text));
            } catch (const JsonParseError& e) {
                reference = std::string("error: ") + e.what();
            }
            try {
                fast = exactText(parseRecordText(text));
            } catch (const JsonParseError& e) {
                fast = std::string("error: ") + e.what();
            }
            QVERIFY2(fast == reference, qPrintable(QString::fromStdString(
                                            text.substr(0, 80) + "\n fast: " + fast.substr(0, 200) +
                                            "\n  ref: " + reference.substr(0, 200))));
        }
        // Errors keep the reference parser's message (it names line and column).
        for (const std::string& bad :
             {std::string("{\"a\": 1,"), std::string(""), std::string("{\"a\" 1}"), std::string("[1] x")}) {
            QString fastError, referenceError;
            try {
                parseRecordText(bad);
            } catch (const JsonParseError& e) {
                fastError = e.what();
            }
            try {
                parseJsonText(bad);
            } catch (const JsonParseError& e) {
                referenceError = e.what();
            }
            QVERIFY(!referenceError.isEmpty());
            QCOMPARE(fastError, referenceError);
        }
    }

    // Large documents (stack files) are converted on several threads: the containers at the top on the
    // calling thread, the values below on helpers. The result is still exactly the reference parser's,
    // wherever the unusual value sits: at the top, in a container built on the calling thread, or in a value
    // a helper converts (a duplicate key or a "-0" there sends the whole text to the reference parser).
    void largeJsonParseMatchesTheReferenceParser() {
        const std::vector<std::string> values = {
            R"({"a":-0,"b":-0.0,"c":0.1,"d":1e21,"g":100,"h":-5})",
            R"({"big":18446744073709551615,"bigger":18446744073709551616,"neg":-9223372036854775808})",
            "{\"s\":\"\\u00e9\\ud83d\\ude00\\n\",\"raw\":\"\xc3\xa9\"}",
            R"({"lone":"\ud800x"})",
            "{\"ctl\":\"a\\u0001b\"}",
            R"({"dup":1,"dup":2,"z":{"y":1,"x":[1,{"w":null}]}})",
            R"([1,{"k":[true,false,null]},"x"])",
            R"("plain")",
            "-0",
            R"({"ok":{"kind":"fs::File","props":{"path":"a","content":"b"}}})",
        };
        const auto reference = [](const std::string& text) {
            try {
                return exactText(parseJsonText(text));
            } catch (const JsonParseError& e) {
                return std::string("error: ") + e.what();
            }
        };
        const auto large = [](const std::string& text) {
            try {
                return exactText(parseLargeJsonText(text, 4));
            } catch (const JsonParseError& e) {
                return std::string("error: ") + e.what();
            }
        };
        const auto ordinary = [](int i) {
            // (Ordinary literals: moc misreads a raw string that ends in "f)".)
            return "{\"kind\":\"fs::File\",\"props\":{\"path\":\"out/f" + std::to_string(i) +
                   ".txt\",\"n\":" + std::to_string(i) + "}}";
        };
        // `value` as the stage's own resource, as a resource of a scope (converted by a helper), as a scope
        // of few members (converted whole by a helper) and as a member of a scope of many resources (placed
        // on the calling thread, converted by a helper).
        const auto documents = [&](const std::string& value, bool duplicateAtTop) {
            std::vector<std::string> out;
            for (int place = 0; place < 4; ++place) {
                std::string text = R"({"app":"shop",)";
                if (duplicateAtTop)
                    text += R"("app":"again",)";
                text += R"("resources":{)";
                for (int i = 0; i < 40; ++i)
                    text += "\"r" + std::to_string(i) +
                            "\":" + (place == 0 && i == 17 ? value : ordinary(i)) + (i + 1 < 40 ? "," : "");
                text += R"(},"scopes":{)";
                for (int s = 0; s < 30; ++s) {
                    text += "\"s" + std::to_string(s) + "\":";
                    if (place == 2 && s == 11) {
                        text += value + ",";
                        continue;
                    }
                    text += R"({"resources":{)";
                    const int count = place == 3 ? 20 : 3; // 20: many members, placed by the calling thread
                    for (int i = 0; i < count; ++i)
                        text += "\"f" + std::to_string(i) + "\":" +
                                ((place == 1 || place == 3) && s == 7 && i == 2 ? value : ordinary(i)) +
                                (i + 1 < count ? "," : "");
                    text += s + 1 < 30 ? "}}," : "}}";
                }
                out.push_back(text + "}}");
            }
            return out;
        };
        int compared = 0;
        for (const std::string& value : values) {
            QCOMPARE(large(value), reference(value));
            for (bool duplicateAtTop : {false, true})
                for (const std::string& text : documents(value, duplicateAtTop)) {
                    const std::string fast = large(text), expected = reference(text);
                    QVERIFY2(fast == expected,
                             qPrintable(QString::fromStdString(value + "\n fast: " + fast.substr(0, 300) +
                                                               "\n  ref: " + expected.substr(0, 300))));
                    ++compared;
                }
        }
        QCOMPARE(compared, int(values.size()) * 8);
        // Errors: the reference parser's message.
        for (const std::string& bad : {std::string("{\"a\": 1,"), std::string(""), std::string("[1] x")})
            QCOMPARE(large(bad), reference(bad));
    }

    // The first text a thread parses may be empty (simdjson's buffer is not allocated yet): an error, and no
    // memcpy to a null pointer (UBSan aborts on that in a -DATHANOR_SANITIZE=ON build).
    void emptyTextFirstOnAThread() {
        for (const std::string& first : {std::string(), std::string("  \n")}) {
            std::string error;
            std::thread([&] {
                try {
                    parseRecordText(first);
                } catch (const JsonParseError& e) {
                    error = e.what();
                }
                QVERIFY(!parseRecordFields(first, {"kind"}));
            }).join();
            QCOMPARE(error, std::string("file is empty"));
        }
    }

    // Alchemy writes a Uint8Array as {"@buffer": "104,105"}; the store reads such a record and writes it
    // back byte for byte.
    void uint8ArrayRecordRoundTrips() {
        const fs::path fixture =
            fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-extra" / "uint8array" / "01-up";
        auto source = FileSystemStateStore(DotAlchemyLayout::locate(fixture / ".alchemy"), {"bytes", "dev"});
        auto target = store({"bytes", "dev"});
        const auto record = source.get("payload");
        QVERIFY(record);
        QCOMPARE(record->document().at("/props/bytes/@buffer"_json_pointer).get<std::string>(),
                 std::string("104,105"));
        target.set("payload", *record);
        QCOMPARE(readFile(target.fileFor("payload")), readFile(source.fileFor("payload")));
    }

    void recordFieldsAreTheWholeParsesFields() {
        const std::string text = R"({"kind":"fs::File","id":"a","status":"created","output":{"big":[1,2,3]},)"
                                 R"("props":{"path":"x","n":1.5}})";
        const auto fields = parseRecordFields(text, {"props", "kind", "status", "missing"});
        QVERIFY(fields);
        // Document order, only the asked-for keys, the same values as the whole parse.
        QCOMPARE(fields->dump(),
                 std::string(R"({"kind":"fs::File","status":"created","props":{"path":"x","n":1.5}})"));
        const Json whole = parseRecordText(text);
        QCOMPARE((*fields)["props"].dump(), whole["props"].dump());
        QVERIFY(!parseRecordFields("{\"kind\": ", {"kind"}));
        QVERIFY(!parseRecordFields("[1,2]", {"kind"}));
        QVERIFY(!parseRecordFields("", {"kind"}));
        // A duplicate top-level key (in a small record and in a large one) is left to the whole parse.
        QVERIFY(!parseRecordFields(R"({"kind":"a","status":"created","kind":"b"})", {"kind"}));
        std::string large = "{";
        for (int i = 0; i < 40; ++i)
            large += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        QVERIFY(parseRecordFields(large + "\"kind\":\"a\"}", {"kind"}));
        QVERIFY(!parseRecordFields(large + "\"k7\":1}", {"kind"}));
    }

    // Read's fast path prints an output straight from the record's DOM: exactly the text of the Json path
    // (whole parse, envelope left out, printed nested one level, pretty and compact), or false for what only
    // the Json path may decide.
    void recordOutputTextIsTheJsonPathsText() {
        const auto fast = [](const std::string& text, int indent) -> std::optional<std::string> {
            std::string out = "kept";
            if (!appendRecordOutputJs(out, text, "fs::File", indent, 1)) {
                if (out != "kept")
                    return std::string("(out changed on false)");
                return std::nullopt;
            }
            return out.substr(4);
        };
        const auto slow = [](const std::string& text, int indent) {
            const Json doc = parseRecordText(text);
            OutputsTextFormat format;
            format.indent = indent;
            return shownOutputText(doc.contains("output") ? doc["output"] : Json::object(), format);
        };
        const std::string envelope = "\"Symbol(alchemy::ResourceKind)\":\"fs::File\","
                                     "\"Symbol(alchemy::ResourceScope)\":{\"@scope\":null},";
        const std::vector<std::string> outputs{
            "{" + envelope + "\"path\":\"out/a.txt\",\"content\":\"x\\\"y\\\\z/\\u00e9 😀 \\u2028<>\"}",
            "{\"n\":[0,-1,1.5,1e21,1e-7,123456789012345678,18446744073709551615,-9223372036854775808,0.1]}",
            "{\"empty\":{},\"list\":[],\"deep\":[[{\"a\":[true,false,null]}]],\"Symbol(inner)\":{\"kept\":1}"
            "}",
            "{" + envelope.substr(0, envelope.size() - 1) + "}", // only the envelope: {}
            "\"a string\"",
            "null",
            "42",
            "[{\"x\":1},{}]"};
        for (const std::string& output : outputs) {
            const std::string text =
                "{\"kind\":\"fs::File\",\"id\":\"a\",\"status\":\"created\",\"output\":" + output +
                ",\"props\":{\"x\":[1,{\"@secret\":\"ignored: not the output\"}]}}";
            for (int indent : {2, 0}) {
                const auto fastText = fast(text, indent);
                QVERIFY2(fastText, text.c_str());
                QCOMPARE(*fastText, slow(text, indent));
            }
        }
        // No output at all prints {}.
        QCOMPARE(*fast("{\"kind\":\"fs::File\",\"status\":\"created\"}", 2), std::string("{}"));

        // Left to the Json path: secrets (also in the envelope), array-index keys, duplicate keys (also at
        // the top), another kind, the legacy "provider" key, control characters, -0, lone surrogates, bad
        // JSON, a record that is no object.
        for (const std::string& text : std::vector<std::string>{
                 "{\"kind\":\"fs::File\",\"output\":{\"v\":{\"@secret\":\"abc\"}}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"Symbol(x)\":{\"@secret\":\"abc\"},\"v\":1}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"b\":1,\"10\":2}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"a\":1,\"a\":2}}",
                 "{\"kind\":\"fs::File\",\"output\":{},\"output\":{\"a\":1}}",
                 "{\"kind\":\"fs::Folder\",\"output\":{\"a\":1}}",
                 "{\"provider\":\"fs::File\",\"kind\":\"fs::File\",\"output\":{\"a\":1}}",
                 "{\"output\":{\"a\":1}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"a\":\"line\\nbreak\",\"b\":\"\\u0001\"}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"a\":-0.0}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"a\":\"\\ud800\"}}",
                 "{\"kind\":\"fs::File\",\"output\":{\"a\":1}", "[\"kind\"]", ""}) {
            QVERIFY2(!fast(text, 2), text.c_str());
        }
        // Many keys (looked up in a set rather than looked back for): still exact, duplicates still refused.
        std::string large = "{\"kind\":\"fs::File\",\"output\":{";
        for (int i = 0; i < 40; ++i)
            large += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
        QCOMPARE(*fast(large + "\"last\":true}}", 2), slow(large + "\"last\":true}}", 2));
        QVERIFY(!fast(large + "\"k3\":true}}", 2));
    }

    // Up's fast skip: true only for the same document (key order, strings, number kinds), the asked-for kind
    // and a listed status; anything unusual is false, which decides nothing (the full decision runs).
    void recordKindStatusAndPropsMatchOnlyTheSameDocument() {
        const Json props =
            parseRecordText(R"({"path":"x","n":1,"neg":-2,"f":1.5,"list":[true,null,{"a":"b"}]})");
        // Plain strings here: moc misreads a raw string that ends in a quote.
        const auto record = [](const std::string& kind, const std::string& status,
                               const std::string& propsText) {
            return "{\"kind\":\"" + kind + "\",\"id\":\"a\",\"status\":\"" + status +
                   "\",\"output\":{\"big\":[1,2,3]},\"props\":" + propsText + "}";
        };
        const std::string same = R"({"path":"x","n":1,"neg":-2,"f":1.5,"list":[true,null,{"a":"b"}]})";
        const auto matches = [&](const std::string& text) {
            return recordHasKindStatusAndProps(text, "fs::File", {"created", "updated"}, props);
        };
        QVERIFY(matches(record("fs::File", "created", same)));
        QVERIFY(matches(record("fs::File", "updated", same)));
        QVERIFY(!matches(record("fs::File", "creating", same)));
        QVERIFY(!matches(record("fs::Folder", "created", same)));
        // Another key order, number kind, string, array length or nested value.
        QVERIFY(!matches(record("fs::File", "created",
                                R"({"n":1,"path":"x","neg":-2,"f":1.5,"list":[true,null,{"a":"b"}]})")));
        QVERIFY(!matches(record("fs::File", "created",
                                R"({"path":"x","n":1.0,"neg":-2,"f":1.5,"list":[true,null,{"a":"b"}]})")));
        QVERIFY(!matches(record("fs::File", "created",
                                R"({"path":"y","n":1,"neg":-2,"f":1.5,"list":[true,null,{"a":"b"}]})")));
        QVERIFY(!matches(
            record("fs::File", "created", R"({"path":"x","n":1,"neg":-2,"f":1.5,"list":[true,null]})")));
        QVERIFY(!matches(record("fs::File", "created",
                                R"({"path":"x","n":1,"neg":-2,"f":1.5,"list":[true,null,{"a":"c"}]})")));
        QVERIFY(!matches(record("fs::File", "created", R"({"path":"x"})")));
        QVERIFY(!matches(
            record("fs::File", "created",
                   R"({"path":"x","n":1,"neg":-2,"f":1.5,"list":[true,null,{"a":"b"}],"extra":1})")));
        // No props, a legacy "provider" key, a duplicate top-level key, a lone surrogate, a broken text.
        QVERIFY(!matches(R"({"kind":"fs::File","status":"created"})"));
        QVERIFY(!matches(R"({"provider":"fs::File","status":"created","props":)" + same + "}"));
        QVERIFY(!matches(R"({"kind":"fs::File","status":"created","props":)" + same + R"(,"props":{}})"));
        QVERIFY(!matches(R"({"kind":"fs::File","status":"created","kind":"fs::File","props":)" + same + "}"));
        QVERIFY(!matches(R"({"kind":"fs::File","status":"created","note":"\ud800","props":)" + same + "}"));
        QVERIFY(!matches(record("fs::File", "created", same).substr(0, 40)));
    }

    // Group-committed folder fsyncs: many writers into one folder, every write lands whole, no temp file
    // left.
    // A run's batched writes (Durability::Batched) through the folder source: a batch of in-flight records
    // across folders and settled records handed to the committer all land byte-exact; a rewrite swaps a spare
    // temp file in (the old file becomes the spare, so rewriting creates no file); closing the stores removes
    // the spares.
    void batchedWritesLandExactAndLeaveNoTempFiles() {
        FolderSource source(SourceSpec::folder(m_project));
        std::vector<std::unique_ptr<StateStore>> stores;
        for (const char* scope : {"a", "b", "c"})
            stores.push_back(source.openStore({"shop", "dev", scope}, Durability::Batched));
        std::vector<StateRecord> records;
        records.reserve(30);
        std::vector<StateSource::InFlightWrite> writes;
        for (size_t i = 0; i < 30; ++i) {
            const std::string id = "r" + std::to_string(i);
            Json doc = makeRecord(id, "shop/dev/x/" + id, static_cast<int>(i)).document();
            doc["status"] = "creating";
            records.emplace_back(std::move(doc));
            writes.push_back({stores[i % 3].get(), id, &records.back(), {}});
        }
        source.writeInFlight(writes);
        for (size_t i = 0; i < writes.size(); ++i) {
            QVERIFY(!writes[i].error);
            QCOMPARE(*stores[i % 3]->readText(writes[i].id), records[i].toFileText());
        }
        const auto inodeOf = [](const fs::path& file) {
            struct stat st {};
            return ::stat(file.c_str(), &st) == 0 ? st.st_ino : ino_t{0};
        };
        auto* a = dynamic_cast<FileSystemStateStore*>(stores[0].get());
        std::atomic<int> done{0}, failed{0};
        for (size_t i = 0; i < 30; ++i) {
            const std::string id = "r" + std::to_string(i);
            source.writeSettled(*stores[i % 3], id, makeRecord(id, "shop/dev/x/" + id, 100),
                                [&](std::exception_ptr error) { ++(error ? failed : done); });
        }
        source.waitForSettledWrites();
        QCOMPARE(done.load(), 30);
        QCOMPARE(failed.load(), 0);
        for (size_t i = 0; i < 30; ++i) {
            const std::string id = "r" + std::to_string(i);
            QCOMPARE(*stores[i % 3]->readText(id), makeRecord(id, "shop/dev/x/" + id, 100).toFileText());
        }
        // Replaced files are kept as spares under temp names (which one is left depends on the committer's
        // order); a rewrite reuses a spare: no new file.
        const auto inodesIn = [&](const fs::path& dir, bool sparesOnly) {
            std::set<ino_t> inodes;
            for (const auto& entry : fs::directory_iterator(dir))
                if (!sparesOnly || entry.path().filename().string().front() == '.')
                    inodes.insert(inodeOf(entry.path()));
            return inodes;
        };
        const std::set<ino_t> sparesBefore = inodesIn(a->directory(), true);
        QVERIFY(!sparesBefore.empty());
        const std::set<ino_t> filesBefore = inodesIn(a->directory(), false);
        a->set("r0", makeRecord("r0", "shop/dev/x/r0", 200));
        QVERIFY(sparesBefore.count(inodeOf(a->fileFor("r0"))));
        QVERIFY(inodesIn(a->directory(), false) == filesBefore);
        source.flushBatchedWrites();
        stores.clear();
        const std::vector<std::string> left = hiddenFiles(m_project / ".alchemy");
        QVERIFY2(left.empty(), left.empty() ? "" : left.front().c_str());
    }

    // A stage's folders lend each other their spare temp files: a write in a folder without a spare takes
    // another folder's (a rename, not a new file), which is what keeps a destroy from creating a file per
    // "deleting" record. A folder that is removed hands its spares on; nothing is left once the stores close.
    void sparesAreLentBetweenAStagesFolders() {
        FolderSource source(SourceSpec::folder(m_project));
        std::unique_ptr<StateStore> storeA = source.openStore({"shop", "dev", "a"}, Durability::Batched);
        std::unique_ptr<StateStore> storeB = source.openStore({"shop", "dev", "b"}, Durability::Batched);
        std::unique_ptr<StateStore> stage = source.openStore({"shop", "dev"}, Durability::Batched);
        auto* a = dynamic_cast<FileSystemStateStore*>(storeA.get());
        auto* b = dynamic_cast<FileSystemStateStore*>(storeB.get());
        auto* s = dynamic_cast<FileSystemStateStore*>(stage.get());
        QVERIFY(a && b && s);
        const auto inodeOf = [](const fs::path& file) {
            struct stat st {};
            return ::stat(file.c_str(), &st) == 0 ? st.st_ino : ino_t{0};
        };
        stage->set("a", makeRecord("a", "shop/dev/a", 1));
        a->set("x", makeRecord("x", "shop/dev/a/x", 1));
        const ino_t firstX = inodeOf(a->fileFor("x"));
        a->set("x", makeRecord("x", "shop/dev/a/x", 2)); // the first file of x is a's spare now
        QCOMPARE(hiddenFiles(a->directory()).size(), size_t(1));
        b->set("y", makeRecord("y", "shop/dev/b/y", 1)); // b has no spare of its own: it takes a's
        QCOMPARE(inodeOf(b->fileFor("y")), firstX);
        QCOMPARE(*b->readText("y"), makeRecord("y", "shop/dev/b/y", 1).toFileText());
        QVERIFY(hiddenFiles(a->directory()).empty());
        b->set("y",
               makeRecord("y", "shop/dev/b/y", 2)); // no spare anywhere: a new file; y's first is b's spare

        // b's spare (y's first file) goes to the stage folder when b's folder is removed, and is reused
        // there.
        const std::vector<std::string> bSpares = hiddenFiles(b->directory());
        QCOMPARE(bSpares.size(), size_t(1));
        const ino_t bSpare = inodeOf(b->directory() / bSpares.front());
        b->remove("y");
        b->deinit();
        QVERIFY(!fs::exists(b->directory()));
        stage->set("a", makeRecord("a", "shop/dev/a", 2));
        QCOMPARE(inodeOf(s->fileFor("a")), bSpare);
        source.flushBatchedWrites();
        storeA.reset();
        storeB.reset();
        stage.reset();
        const std::vector<std::string> left = hiddenFiles(m_project / ".alchemy");
        QVERIFY2(left.empty(), left.empty() ? "" : left.front().c_str());
    }

    // A destroy removes records while its next wave will write as many "deleting" records: while the pool
    // wants spares (expectInFlightWrites), a removed record's file is renamed into a spare instead of
    // deleted, and it is rewritten only once that removal is durable: a write before the next sync creates a
    // file; writeInFlight() syncs first and then reuses it. Past the demand, records are deleted.
    void removedRecordsBecomeSparesOnlyOnceTheirRemovalIsDurable() {
        FolderSource source(SourceSpec::folder(m_project));
        std::unique_ptr<StateStore> storeA = source.openStore({"shop", "dev", "a"}, Durability::Batched);
        std::unique_ptr<StateStore> storeB = source.openStore({"shop", "dev", "b"}, Durability::Batched);
        auto* a = dynamic_cast<FileSystemStateStore*>(storeA.get());
        auto* b = dynamic_cast<FileSystemStateStore*>(storeB.get());
        QVERIFY(a && b);
        const auto inodeOf = [](const fs::path& file) {
            struct stat st {};
            return ::stat(file.c_str(), &st) == 0 ? st.st_ino : ino_t{0};
        };
        a->set("x", makeRecord("x", "shop/dev/a/x", 1));
        a->set("w", makeRecord("w", "shop/dev/a/w", 2));
        const ino_t xFile = inodeOf(a->fileFor("x"));
        QVERIFY(hiddenFiles(a->directory()).empty());

        source.expectInFlightWrites(1);
        a->remove("x");
        QVERIFY(!fs::exists(a->fileFor("x")));
        const std::vector<std::string> kept = hiddenFiles(a->directory());
        QCOMPARE(kept.size(), size_t(1));
        QCOMPARE(inodeOf(kept.front()), xFile);
        a->remove("w"); // the demand is met: deleted
        QCOMPARE(hiddenFiles(a->directory()).size(), size_t(1));

        // Not durable yet: a write now must not take it (a power loss could still give it back its name).
        b->set("y", makeRecord("y", "shop/dev/b/y", 1));
        QVERIFY(inodeOf(b->fileFor("y")) != xFile);
        QCOMPARE(hiddenFiles(a->directory()).size(), size_t(1));

        const StateRecord z = makeRecord("z", "shop/dev/b/z", 2);
        std::vector<StateSource::InFlightWrite> writes{{b, "z", &z, {}}};
        source.writeInFlight(writes);
        QVERIFY(!writes.front().error);
        QCOMPARE(inodeOf(b->fileFor("z")), xFile); // x's file, rewritten after its removal was synced
        QCOMPARE(*b->readText("z"), z.toFileText());
        QVERIFY(hiddenFiles(a->directory()).empty());

        source.flushBatchedWrites();
        storeA.reset();
        storeB.reset();
        const std::vector<std::string> left = hiddenFiles(m_project / ".alchemy");
        QVERIFY2(left.empty(), left.empty() ? "" : left.front().c_str());
    }

    // Settled records (created / updated after a change) are staged by the committer just before it commits
    // them, as many as the spares its last commit made usable allow (at first a small batch): a run's
    // settled writes create new files only for that first batch, not one per write queued while spares
    // still wait for their sync. The records land byte-exact.
    void settledWritesCreateFilesOnlyForTheFirstBatch() {
        FolderSource source(SourceSpec::folder(m_project));
        std::vector<std::unique_ptr<StateStore>> stores;
        for (const char* scope : {"a", "b", "c"})
            stores.push_back(source.openStore({"shop", "dev", scope}, Durability::Batched));
        constexpr size_t kRecords = 200;
        std::vector<StateRecord> inFlight;
        inFlight.reserve(kRecords);
        std::vector<StateSource::InFlightWrite> writes;
        for (size_t i = 0; i < kRecords; ++i) {
            const std::string id = "r" + std::to_string(i);
            Json doc = makeRecord(id, "shop/dev/x/" + id, static_cast<int>(i)).document();
            doc["status"] = "creating";
            inFlight.emplace_back(std::move(doc));
            writes.push_back({stores[i % 3].get(), id, &inFlight.back(), {}});
        }
        source.writeInFlight(writes);
        const auto inodeOf = [](const fs::path& file) {
            struct stat st {};
            return ::stat(file.c_str(), &st) == 0 ? st.st_ino : ino_t{0};
        };
        std::set<ino_t> inFlightFiles;
        for (size_t i = 0; i < kRecords; ++i)
            inFlightFiles.insert(inodeOf(
                dynamic_cast<FileSystemStateStore&>(*stores[i % 3]).fileFor("r" + std::to_string(i))));
        QCOMPARE(inFlightFiles.size(), kRecords);

        std::atomic<int> failed{0};
        for (size_t i = 0; i < kRecords; ++i) {
            const std::string id = "r" + std::to_string(i);
            source.writeSettled(*stores[i % 3], id, makeRecord(id, "shop/dev/x/" + id, 1000),
                                [&](std::exception_ptr error) { failed += error ? 1 : 0; });
        }
        source.waitForSettledWrites();
        QCOMPARE(failed.load(), 0);
        size_t created = 0;
        for (size_t i = 0; i < kRecords; ++i) {
            const std::string id = "r" + std::to_string(i);
            auto& files = dynamic_cast<FileSystemStateStore&>(*stores[i % 3]);
            QCOMPARE(*files.readText(id), makeRecord(id, "shop/dev/x/" + id, 1000).toFileText());
            created += inFlightFiles.count(inodeOf(files.fileFor(id))) ? 0 : 1;
        }
        QVERIFY2(created <= 16, std::to_string(created).c_str());
        source.flushBatchedWrites();
        stores.clear();
        const std::vector<std::string> left = hiddenFiles(m_project / ".alchemy");
        QVERIFY2(left.empty(), left.empty() ? "" : left.front().c_str());
    }

    // A spare is rewritten in place, so a record file with another hard link (a user's backup made with
    // `ln`) must never become one: neither the file a rewrite replaces nor a removed record's.
    void aHardLinkedRecordFileIsNeverRewrittenAsASpare() {
        FolderSource source(SourceSpec::folder(m_project));
        std::unique_ptr<StateStore> storeA = source.openStore({"shop", "dev", "a"}, Durability::Batched);
        auto* a = dynamic_cast<FileSystemStateStore*>(storeA.get());
        QVERIFY(a);
        const StateRecord r1 = makeRecord("r", "shop/dev/a/r", 1);
        a->set("r", r1);
        fs::create_hard_link(a->fileFor("r"), m_project / "r-backup");
        a->set("r", makeRecord("r", "shop/dev/a/r", 2));
        a->set("s", makeRecord("s", "shop/dev/a/s", 3)); // would take r's first file if it were a spare
        QCOMPARE(readFile(m_project / "r-backup"), r1.toFileText());

        const std::string s1 = *a->readText("s");
        fs::create_hard_link(a->fileFor("s"), m_project / "s-backup");
        source.expectInFlightWrites(4);
        a->remove("s");
        QVERIFY(!fs::exists(a->fileFor("s")));
        const StateRecord t = makeRecord("t", "shop/dev/a/t", 4);
        std::vector<StateSource::InFlightWrite> writes{{a, "t", &t, {}}};
        source.writeInFlight(writes);
        QVERIFY(!writes.front().error);
        QCOMPARE(readFile(m_project / "s-backup"), s1);
        source.flushBatchedWrites();
    }

    void concurrentDurableWritesIntoOneFolder() {
        auto s = store({"shop", "busy"});
        s.init();
        constexpr int kThreads = 8, kEach = 60;
        std::vector<std::thread> writers;
        std::atomic<int> failures{0};
        for (int t = 0; t < kThreads; ++t)
            writers.emplace_back([&, t] {
                try {
                    for (int i = 0; i < kEach; ++i) {
                        const std::string id = "r" + std::to_string(t) + "-" + std::to_string(i);
                        s.set(id, makeRecord(id, "shop/busy/" + id, i));
                        s.set(id, makeRecord(id, "shop/busy/" + id, i + 1)); // replace an existing file too
                    }
                } catch (...) {
                    ++failures;
                }
            });
        for (auto& w : writers)
            w.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(static_cast<int>(s.list().size()), kThreads * kEach);
        for (int t = 0; t < kThreads; ++t)
            for (int i = 0; i < kEach; ++i) {
                const std::string id = "r" + std::to_string(t) + "-" + std::to_string(i);
                QCOMPARE(s.get(id)->document()["seq"].get<int>(), i + 1);
            }
        QVERIFY(hiddenFiles(s.fileFor("r0-0").parent_path()).empty());
    }

    // A failed folder fsync is reported to every writer it covered, naming the folder, and the next one
    // works.
    void folderSyncFailureNamesTheFolder() {
        FolderSync sync;
        const QString message =
            QString::fromStdString(storeErrorOf([&] { sync.sync(-1, "/state/shop/dev"); }));
        QVERIFY2(message.contains("/state/shop/dev"), qPrintable(message));
        const int fd = ::open(m_tmp.path().toLocal8Bit().constData(), O_RDONLY | O_DIRECTORY);
        QVERIFY(fd >= 0);
        QVERIFY(storeErrorOf([&] { sync.sync(fd, m_tmp.path().toStdString()); }).empty());
        ::close(fd);
    }

    // A record that disappears between listing and reading (a concurrent destroy) reads as missing, not as
    // an error; one replaced concurrently reads as the old or the new bytes, never a mix.
    void readsRaceWithWriters() {
        auto s = store({"shop", "race"});
        s.init();
        s.set("flip", makeRecord("flip", "shop/race/flip", 0));
        std::atomic<bool> stop{false};
        std::thread writer([&] {
            for (int i = 0; !stop; ++i) {
                s.set("flip", makeRecord("flip", "shop/race/flip", i % 2));
                s.set("gone", makeRecord("gone", "shop/race/gone", 0));
                s.remove("gone");
            }
        });
        int seen = 0, missing = 0;
        for (int i = 0; i < 400; ++i) {
            const auto flip = s.get("flip");
            QVERIFY(flip);
            const int seq = flip->document()["seq"].get<int>();
            QVERIFY(seq == 0 || seq == 1);
            try {
                if (s.get("gone"))
                    ++seen;
                else
                    ++missing;
            } catch (const std::exception& e) {
                stop = true;
                writer.join();
                QFAIL(e.what());
            }
        }
        stop = true;
        writer.join();
        QCOMPARE(seen + missing, 400);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"

// runPhase() with the built-in providers on copies of state written by the real Alchemy 0.94.0
// (tests/data/real-alchemy/app-stages): a stack declaring the same resources is all `skipped` and changes no
// byte; one changed prop updates exactly that resource; os::Exec is always updated; destroy empties the
// stage.
#include "tst_lifecycle_support.h"

#include <QTemporaryDir>

using namespace lifecycle_test;

namespace {

const char* const kPassword = "correct horse battery staple";

// A copy of 03-up-dev-again without the custom test::* kinds (and, unless asked, without os::Exec), plus the
// files its fs::* resources manage, recreated from the recorded props (paths are relative to where Alchemy
// ran: the project folder).
struct AppStages {
    QTemporaryDir dir;
    fs::path root() const { return fs::path(dir.path().toStdString()); }
    fs::path dev() const { return root() / ".alchemy/shop/dev"; }

    explicit AppStages(bool keepExec) {
        copyTree(fixtureDir() / "app-stages/03-up-dev-again/.alchemy", root() / ".alchemy");
        for (const char* name : {"bundle.json", "bundle", "nested:bundle.json", "nested"})
            fs::remove_all(dev() / name);
        if (!keepExec)
            fs::remove(dev() / "build.json");
        for (const auto& entry : fs::recursive_directory_iterator(dev())) {
            if (!entry.is_regular_file())
                continue;
            const Json record = readJson(entry.path());
            const std::string kind = record["kind"];
            const Json& props = record["props"];
            if (kind == "fs::Folder")
                fs::create_directories(root() / props["path"].get<std::string>());
            else if (kind == "fs::File")
                writeFile(root() / props["path"].get<std::string>(), props["content"].get<std::string>());
        }
        for (const auto& entry : fs::recursive_directory_iterator(dev()))
            if (entry.is_regular_file() && readJson(entry.path())["kind"] == "fs::CopyFile") {
                const Json props = readJson(entry.path())["props"];
                fs::copy_file(root() / props["src"].get<std::string>(),
                              root() / props["dest"].get<std::string>(),
                              fs::copy_options::overwrite_existing);
            }
    }

    Json propsOf(const std::string& relativeRecord) const {
        return readJson(dev() / relativeRecord)["props"];
    }

    // The stack file equivalent of the fixture's alchemy.run (built-in kinds only).
    StackFile stackFile(bool withExec) const {
        std::vector<DeclaredResource> top{
            resource("assets", "fs::Folder", propsOf("assets.json")),
            resource("config.json", "fs::File", propsOf("config.json.json")),
            resource("routes/api/v1", "fs::File", propsOf("routes:api:v1.json")),
            resource("example.com/*", "fs::File", propsOf("example.com:*.json")),
            resource("config-backup", "fs::CopyFile", propsOf("config-backup.json")),
            resource("session-key", "random::String", propsOf("session-key.json")),
        };
        if (withExec)
            top.push_back(resource("build", "os::Exec", propsOf("build.json")));
        ScopeSpec cache = scope("cache", {resource("warm", "fs::File", propsOf("storage/cache/warm.json"))});
        ScopeSpec storage = scope("storage",
                                  {resource("data", "fs::Folder", propsOf("storage/data.json")),
                                   resource("seed", "fs::File", propsOf("storage/seed.json"))},
                                  {cache});
        return stack(root(), "shop", top, {storage});
    }

    RunReport run(Phase phase, const StackFile* s, RecordingSink& sink) const {
        RunOptions o = options(phase, root(), ProviderRegistry::withBuiltins());
        o.durability = Durability::Durable;
        o.passwords.add(SecureString(kPassword));
        if (!s)
            o.app = "shop";
        CancellationToken cancel;
        return runPhaseWithStack(o, s, sink, cancel);
    }
};

} // namespace

class TestLifecycleFixture : public QObject {
    Q_OBJECT

private slots:
    void sameDeclarationsSkipEverythingAndChangeNoByte() {
        AppStages tree(false);
        const auto before = filesBelow(tree.root());
        const StackFile s = tree.stackFile(false);
        RecordingSink sink;
        RunReport r = tree.run(Phase::Up, &s, sink);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        QCOMPARE(r.counts.skipped, 9);
        QCOMPARE(r.counts.total(), 9);
        for (const auto& line : sink.transitions())
            QVERIFY2(line.rfind("skipped ", 0) == 0, line.c_str());
        QCOMPARE(filesBelow(tree.root()), before); // state, other stage and managed files: not one byte
        QVERIFY(!fs::exists(tree.root() / ".alchemy/.athanor/locks/shop/dev.lock"));
    }

    void oneChangedPropUpdatesExactlyThatResource() {
        AppStages tree(false);
        StackFile s = tree.stackFile(false);
        s.root.scopes[0].resources[1].props["content"] = "INSERT 2;";
        const auto before = filesBelow(tree.root());
        RecordingSink sink;
        RunReport r = tree.run(Phase::Up, &s, sink);
        QCOMPARE(r.counts.updated, 1);
        QCOMPARE(r.counts.skipped, 8);
        QCOMPARE(readFile(tree.root() / "out-dev/data/seed.sql"), std::string("INSERT 2;"));
        auto after = filesBelow(tree.root());
        // Athanor's own files (the run's before-images in .alchemy/.athanor/history) are not state.
        std::erase_if(after,
                      [](const auto& entry) { return entry.first.rfind(".alchemy/.athanor/", 0) == 0; });
        int changed = 0;
        for (const auto& [file, bytes] : after)
            if (before.at(file) != bytes)
                ++changed;
        QCOMPARE(changed, 2); // seed.json and seed.sql
        const Json seed = readJson(tree.dev() / "storage/seed.json");
        QCOMPARE(seed["status"].get<std::string>(), std::string("updated"));
        QCOMPARE(seed["output"]["content"].get<std::string>(), std::string("INSERT 2;"));
    }

    void execIsAlwaysUpdated() {
        AppStages tree(true);
        const StackFile s = tree.stackFile(true);
        RecordingSink sink;
        RunReport r = tree.run(Phase::Up, &s, sink);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        QCOMPARE(r.counts.updated, 1);
        QCOMPARE(r.counts.skipped, 9);
        const Json build = readJson(tree.dev() / "build.json");
        QCOMPARE(build["status"].get<std::string>(), std::string("updated"));
        QCOMPARE(build["output"]["stdout"].get<std::string>(), std::string("building shop dev\n"));
    }

    void destroyRemovesFilesAndEmptiesTheStage() {
        AppStages tree(true);
        const auto prodBefore = filesBelow(tree.root() / ".alchemy/shop/prod");
        RecordingSink sink;
        RunReport r = tree.run(Phase::Destroy, nullptr, sink);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        QCOMPARE(r.counts.deleted, 10);
        QVERIFY(!fs::exists(tree.dev()));
        QVERIFY(!fs::exists(tree.root() / ".alchemy/shop/dev.json"));
        for (const char* file :
             {"out-dev/config.json", "out-dev/config.backup.json", "out-dev/routes-api-v1.txt",
              "out-dev/wildcard-route.txt", "out-dev/data/seed.sql", "out-dev/data/cache-warm.txt"})
            QVERIFY2(!fs::exists(tree.root() / file), file);
        QCOMPARE(filesBelow(tree.root() / ".alchemy/shop/prod"), prodBefore);
        // Children before owners: storage's records (and cache's) before the storage scope itself.
        const auto lines = sink.transitions();
        QCOMPARE(lines.front(), std::string("deleting shop/dev/storage/cache/warm"));
    }

    void readGivesOutputsWithOpenedSecrets() {
        AppStages tree(false);
        const StackFile s = tree.stackFile(false);
        const auto before = filesBelow(tree.root());
        RecordingSink sink;
        RunReport r = tree.run(Phase::Read, &s, sink);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(r.counts.read, 9);
        const Json value = r.outputs.at("shop/dev/session-key")["value"];
        QCOMPARE(value["@secret"].get<std::string>().size(), size_t(32));
        QCOMPARE(filesBelow(tree.root()), before);
    }
};

QTEST_GUILESS_MAIN(TestLifecycleFixture)
#include "tst_lifecycle_fixture.moc"

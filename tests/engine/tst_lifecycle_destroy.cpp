// Deleting from state (destroy, orphans at finalize): the order Alchemy uses (nesting, descending seq) and
// the stack's references, parallel only where deletions are provably independent; kinds without a provider
// refuse the whole deletion before anything changes; a record that is not where its id and fqn say (a backup
// copy) is never deleted; records below a stage that Alchemy's deinit would sweep away (ids with '\', folders
// without an owner) are deleted by their provider.
#include "lifecycle/DeletionOrder.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/WaveWrites.h"
#include "providers/BuiltinProviders.h"
#include "tst_lifecycle_support.h"

#include "json/JsJsonText.h"
#include <QTemporaryDir>
#include <set>
#include <sys/stat.h>

using namespace lifecycle_test;

namespace {

const char* const kPassword = "correct horse battery staple";

struct Fixture {
    QTemporaryDir dir;
    fs::path root() const { return fs::path(dir.path().toStdString()); }
    fs::path stageDir() const { return root() / ".alchemy" / "shop" / "dev"; }
    std::shared_ptr<CallLog> log = std::make_shared<CallLog>();
    std::shared_ptr<ProviderRegistry> registry = std::make_shared<ProviderRegistry>();
    RecordingSink sink;
    CancellationToken cancel;

    Fixture() {
        registry->add(makeFileProvider());
        registry->add(makeFolderProvider());
        registry->add(makeCopyFileProvider());
        registry->add(makeRandomStringProvider());
        registry->add(makeCommandProvider());
        registry->add(makeExecProvider());
        registry->add(std::make_unique<TestProvider>("test::Thing", log));
        auto paths = std::make_unique<TestProvider>("test::Path", log);
        paths->withPathFootprint();
        registry->add(std::move(paths));
    }

    RunOptions optionsFor(Phase phase, int parallel) {
        RunOptions o = options(phase, root(), registry);
        o.parallel = parallel;
        o.passwords.add(SecureString(kPassword));
        return o;
    }
    RunReport run(Phase phase, const StackFile& s, int parallel = 1) {
        return runPhaseWithStack(optionsFor(phase, parallel), &s, sink, cancel);
    }
    // Destroy with the stack file at hand (its references known), or from state alone.
    RunReport destroy(int parallel, const StackFile* s = nullptr, const std::string& app = "shop") {
        RunOptions o = optionsFor(Phase::Destroy, parallel);
        o.app = app;
        return runPhaseWithStack(o, s, sink, cancel);
    }
};

Json props(std::initializer_list<std::pair<const char*, Json>> items) {
    Json out = Json::object();
    for (const auto& [k, v] : items)
        out[k] = v;
    return out;
}

Json ref(const std::string& path, const std::string& output) {
    return Json{{"$ref", path}, {"output", output}};
}

void writeRecord(const fs::path& file, const std::string& kind, const std::string& id, const std::string& fqn,
                 int seq, const Json& p) {
    RecordIdentity who{kind, id, fqn, seq};
    writeFile(file, stringifyJs(records::success(who, Json::object(), ResourceStatus::Created,
                                                 records::envelope(p, who), p)));
}

// Position of the first event line `line` ("deleted shop/dev/a"); fails the test when it is missing.
size_t positionOf(const std::vector<std::string>& lines, const std::string& line) {
    auto it = std::find(lines.begin(), lines.end(), line);
    if (it == lines.end())
        throw std::runtime_error("no event \"" + line + "\"");
    return static_cast<size_t>(it - lines.begin());
}

// `first` was deleted before `then` started deleting.
bool deletedBefore(const std::vector<std::string>& lines, const std::string& first, const std::string& then) {
    return positionOf(lines, "deleted " + first) < positionOf(lines, "deleting " + then);
}

// The demo's shape (examples/demo): a folder, files in it, commands, a secret, a child scope using them.
StackFile demoStack(const fs::path& folder) {
    return stack(
        folder, "shop",
        {resource("out", "fs::Folder", props({{"path", "out"}, {"clean", true}})),
         resource("api-key", "random::String", props({{"length", 8}})),
         resource("build", "athanor::Command",
                  props({{"create", "echo '{\"version\": \"1.0.1\"}'"}, {"delete", "sleep 0.2"}})),
         resource("readme", "fs::File", props({{"path", "out/README.txt"}, {"content", "hello\n"}}))},
        {scope(
            "site",
            {resource("version", "fs::File",
                      props({{"path", "out/site/version.txt"}, {"content", ref("build", "result.version")}}),
                      {"build"}),
             resource("key-fingerprint", "athanor::Command",
                      props({{"create", "mkdir -p out/site && printf %s \"$K\" > out/site/key.fingerprint"},
                             {"delete", "sleep 0.3; rm -f out/site/key.fingerprint"},
                             {"env", Json{{"K", ref("api-key", "value")}}}}),
                      {"api-key"}),
             resource("notes", "fs::CopyFile",
                      props({{"src", ref("readme", "path")}, {"dest", "out/NOTES.txt"}}), {"readme"}),
             resource("smoke-test", "athanor::Command",
                      props({{"create", "true"}, {"triggers", Json{{"v", ref("site/version", "content")}}}}),
                      {"site/version"})})});
}

} // namespace

class TestLifecycleDestroy : public QObject {
    Q_OBJECT

private slots:
    void orderKeepsAlchemysOrderAndRunsOnlyIndependentStepsTogether() {
        // 0 a/x file, 1 b file, 2 a/x/y file, 3 a command (unknown footprint), 4 the folder holding them all,
        // 5 a random string (touches nothing).
        std::vector<DeletionStep> steps(6);
        steps[0].footprint = std::vector<std::string>{"/w/a/x"};
        steps[1].footprint = std::vector<std::string>{"/w/b"};
        steps[2].footprint = std::vector<std::string>{"/w/a/x/y"};
        steps[3].footprint = std::nullopt;
        steps[4].footprint = std::vector<std::string>{"/w"};
        steps[5].footprint = std::vector<std::string>{};
        const DeletionGraph graph = orderDeletions(steps);
        QCOMPARE(graph.order, (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
        const std::set<std::pair<size_t, size_t>> edges(graph.edges.begin(), graph.edges.end());
        // 0 and 1 are disjoint: no edge. 2 lies inside 0. The command waits for all before it, the folder
        // waits for the command. The random string waits for nothing.
        QCOMPARE(edges, (std::set<std::pair<size_t, size_t>>{{0, 2}, {0, 3}, {1, 3}, {2, 3}, {3, 4}}));

        // A folder after files in it, and a sibling path that only shares a prefix ("/w/a-b").
        std::vector<DeletionStep> files(3);
        files[0].footprint = std::vector<std::string>{"/w/a/f"};
        files[1].footprint = std::vector<std::string>{"/w/a-b"};
        files[2].footprint = std::vector<std::string>{"/w/a"};
        const DeletionGraph folder = orderDeletions(files);
        QCOMPARE(folder.edges, (std::vector<std::pair<size_t, size_t>>{{0, 2}}));

        // References: "user" uses "base" although base comes first in Alchemy's order: user goes first.
        std::vector<DeletionStep> refs(3);
        refs[0].fqn = "shop/dev/base";
        refs[1].fqn = "shop/dev/other";
        refs[2].fqn = "shop/dev/user";
        for (auto& step : refs)
            step.footprint = std::vector<std::string>{};
        const std::multimap<std::string, std::string> uses{{"shop/dev/user", "shop/dev/base"}};
        const DeletionGraph byRefs = orderDeletions(refs, uses);
        QCOMPARE(byRefs.order, (std::vector<size_t>{1, 2, 0}));
        QCOMPARE(byRefs.edges, (std::vector<std::pair<size_t, size_t>>{{2, 0}}));

        // A reference against nesting (an owner "uses" its own nested resource) cannot be kept: nesting wins.
        std::vector<DeletionStep> nested(2);
        nested[0].fqn = "shop/dev/owner/child";
        nested[1].fqn = "shop/dev/owner";
        nested[1].after = {0};
        const DeletionGraph kept = orderDeletions(nested, {{"shop/dev/owner/child", "shop/dev/owner"}});
        QCOMPARE(kept.order, (std::vector<size_t>{0, 1}));
        const DeletionGraph dropped = orderDeletions(nested, {{"shop/dev/owner", "shop/dev/owner/child"}});
        QCOMPARE(dropped.order, (std::vector<size_t>{0, 1}));
        QCOMPARE(dropped.droppedReferences,
                 std::vector<std::string>{"shop/dev/owner -> shop/dev/owner/child"});
    }

    void destroyOrdersTheDemoByNestingReferencesAndFiles_data() {
        QTest::addColumn<bool>("withStack");
        QTest::newRow("with the stack file") << true;
        QTest::newRow("from state alone") << false;
    }
    void destroyOrdersTheDemoByNestingReferencesAndFiles() {
        QFETCH(bool, withStack);
        Fixture f;
        const StackFile s = demoStack(f.root());
        QVERIFY(f.run(Phase::Up, s, 4).result == RunResult::Succeeded);
        QVERIFY(fs::exists(f.root() / "out/site/key.fingerprint"));
        f.sink.clear();
        const RunReport r = f.destroy(4, withStack ? &s : nullptr);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        QCOMPARE(r.counts.deleted, 8);
        const auto lines = f.sink.transitions();
        // Nesting and files: what lies in the folder out goes before it (the commands may touch anything).
        for (const char* inside : {"shop/dev/readme", "shop/dev/site/version", "shop/dev/site/notes",
                                   "shop/dev/site/key-fingerprint", "shop/dev/build"})
            QVERIFY2(deletedBefore(lines, inside, "shop/dev/out"), inside);
        // A copy goes before the file it copies (its reference, and its source path).
        QVERIFY(deletedBefore(lines, "shop/dev/site/notes", "shop/dev/readme"));
        // Alchemy's order among commands: highest seq first, the child scope (seq 4) before the stage's own.
        QVERIFY(deletedBefore(lines, "shop/dev/site/key-fingerprint", "shop/dev/build"));
        if (withStack) {
            // The stack's references: a user before what it uses.
            QVERIFY(deletedBefore(lines, "shop/dev/site/key-fingerprint", "shop/dev/api-key"));
            QVERIFY(deletedBefore(lines, "shop/dev/site/smoke-test", "shop/dev/site/version"));
            QVERIFY(deletedBefore(lines, "shop/dev/site/version", "shop/dev/build"));
        }
        QVERIFY(!fs::exists(f.root() / "out"));
        QVERIFY(!fs::exists(f.stageDir()));
    }

    void aDryRunListsExactlyWhatDestroyDoesInItsOrder() {
        Fixture f;
        const StackFile s = demoStack(f.root());
        QVERIFY(f.run(Phase::Up, s, 4).result == RunResult::Succeeded);
        const auto before = filesBelow(f.root());
        RunOptions o = f.optionsFor(Phase::Destroy, 1);
        o.dryRun = true;
        const RunReport listed = runPhaseWithStack(o, &s, f.sink, f.cancel);
        QVERIFY(listed.result == RunResult::Succeeded);
        QCOMPARE(filesBelow(f.root()), before); // nothing changed, no lock taken
        std::vector<std::string> promised;
        for (const auto& change : listed.plan) {
            QVERIFY(change.action == PlannedChange::Action::Delete);
            promised.push_back("deleting " + change.fqn);
        }
        QCOMPARE(promised.size(), size_t{8});
        f.sink.clear();
        QVERIFY(f.destroy(1, &s).result == RunResult::Succeeded);
        std::vector<std::string> done;
        for (const auto& line : f.sink.transitions())
            if (line.rfind("deleting ", 0) == 0)
                done.push_back(line);
        QCOMPARE(done, promised);

        // Kinds without a provider: the dry run refuses as destroy does.
        Fixture alchemy;
        copyTree(fixtureDir() / "app-stages/03-up-dev-again/.alchemy", alchemy.root() / ".alchemy");
        RunOptions dry = alchemy.optionsFor(Phase::Destroy, 1);
        dry.app = "shop";
        dry.dryRun = true;
        QVERIFY_THROWS_EXCEPTION(UnknownKindsError,
                                 runPhaseWithStack(dry, nullptr, alchemy.sink, alchemy.cancel));
    }

    void independentDeletionsOverlapAndNestedPathsWait() {
        Fixture f;
        // The folder first (lowest seq: deleted last), then six files in it.
        std::vector<DeclaredResource> resources{
            resource("all", "test::Path", props({{"path", "files"}, {"deleteMs", 10}}))};
        for (int i = 0; i < 6; ++i)
            resources.push_back(
                resource("r" + std::to_string(i), "test::Path",
                         props({{"path", "files/r" + std::to_string(i)}, {"deleteMs", 150}})));
        QVERIFY(f.run(Phase::Up, stack(f.root(), "shop", resources)).result == RunResult::Succeeded);
        f.sink.clear();
        const auto started = std::chrono::steady_clock::now();
        const RunReport r = f.destroy(3);
        QVERIFY(r.result == RunResult::Succeeded);
        QVERIFY(f.log->maxRunning.load() >= 2); // disjoint files: deleted together
        QVERIFY(f.log->maxRunning.load() <= 3);
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(6 * 150));
        const auto lines = f.sink.transitions();
        for (int i = 0; i < 6; ++i) // the folder holding them waits for all
            QVERIFY(deletedBefore(lines, "shop/dev/r" + std::to_string(i), "shop/dev/all"));
    }

    void aRecordSaysDeletingWhileItsResourceIsDeleted() {
        // Killed between the provider's delete and the record's removal, the record must not still say
        // "created" (the next up would skip a resource that is gone): it says "deleting" meanwhile, and an up
        // that declares it again runs its handler (an update).
        Fixture f;
        std::vector<std::string> statusSeen;
        auto registry = std::make_shared<ProviderRegistry>();
        auto watched = std::make_unique<TestProvider>(
            "test::Path", f.log, TestProvider::ApplyFn{}, [&](ProviderContext& ctx) {
                statusSeen.push_back(readJson(f.stageDir() / (ctx.id() + ".json"))["status"]);
            });
        watched->withPathFootprint();
        registry->add(std::move(watched));
        f.registry = registry;
        const StackFile s = stack(f.root(), "shop",
                                  {resource("file", "test::Path", props({{"path", "out/file"}})),
                                   resource("nothing", "test::Path", props({}))}); // touches nothing outside
        QVERIFY(f.run(Phase::Up, s).result == RunResult::Succeeded);
        QVERIFY(f.destroy(1).result == RunResult::Succeeded);
        QCOMPARE(statusSeen, (std::vector<std::string>{"created", "deleting"})); // highest seq first

        // What a kill at that moment leaves: up resumes it.
        QVERIFY(f.run(Phase::Up, s).result == RunResult::Succeeded);
        Json doc = readJson(f.stageDir() / "file.json");
        doc["status"] = "deleting";
        writeFile(f.stageDir() / "file.json", stringifyJs(doc));
        f.log->calls.clear();
        const RunReport again = f.run(Phase::Up, s);
        QVERIFY(again.result == RunResult::Succeeded);
        QCOMPARE(f.log->snapshot(), std::vector<std::string>{"update shop/dev/file"});
        QCOMPARE(again.plan.front().reason, std::string("interrupted while deleting"));
        QCOMPARE(readJson(f.stageDir() / "file.json")["status"].get<std::string>(), std::string("updated"));
    }

    void unknownKindsRefuseDestroyBeforeAnythingChanges() {
        // Real Alchemy's app-stages tree holds the custom kind test::Bundle (with nested resources).
        Fixture f;
        copyTree(fixtureDir() / "app-stages/03-up-dev-again/.alchemy", f.root() / ".alchemy");
        const auto before = filesBelow(f.root());
        try {
            f.destroy(4);
            QFAIL("destroy ran although test::Bundle has no provider");
        } catch (const UnknownKindsError& e) {
            // The bundles and what their handlers nested (test::Manifest): the whole list, not the first.
            QCOMPARE(e.kinds(), (std::vector<std::string>{"test::Bundle", "test::Manifest"}));
            const auto& bundles = e.fqnsByKind.at("test::Bundle");
            QCOMPARE(std::set<std::string>(bundles.begin(), bundles.end()),
                     (std::set<std::string>{"shop/dev/nested/bundle", "shop/dev/bundle"}));
            const auto& manifests = e.fqnsByKind.at("test::Manifest");
            QCOMPARE(std::set<std::string>(manifests.begin(), manifests.end()),
                     (std::set<std::string>{"shop/dev/nested/bundle/manifest", "shop/dev/bundle/manifest"}));
            const std::string message = e.what();
            QVERIFY2(message.find("\"test::Bundle\"") != std::string::npos, message.c_str());
            QVERIFY2(message.find("before anything was deleted") != std::string::npos, message.c_str());
            QVERIFY2(message.find("--destroy") != std::string::npos, message.c_str());
        }
        QCOMPARE(filesBelow(f.root()), before); // not a byte changed, lock released
        QVERIFY(f.sink.events().empty());
        QVERIFY(f.log->snapshot().empty());
    }

    void upAndPlanKeepEveryOrphanWhenAKindHasNoProvider() {
        Fixture f;
        const fs::path dev = f.stageDir();
        writeRecord(dev / "keep.json", "test::Thing", "keep", "shop/dev/keep", 0, props({}));
        writeRecord(dev / "old.json", "test::Thing", "old", "shop/dev/old", 1, props({}));
        writeRecord(dev / "alien.json", "cloud::Alien", "alien", "shop/dev/alien", 2, props({}));
        writeRecord(dev / "alien/inner.json", "test::Thing", "inner", "shop/dev/alien/inner", 0, props({}));
        const StackFile s = stack(f.root(), "shop", {resource("keep", "test::Thing", props({}))});
        const auto before = filesBelow(f.root() / ".alchemy");

        const RunReport plan = f.run(Phase::Plan, s);
        QVERIFY(plan.result == RunResult::Failed);
        QCOMPARE(plan.unknownKinds, std::vector<std::string>{"cloud::Alien"});
        std::map<std::string, PlannedChange> byFqn;
        for (const auto& c : plan.plan)
            byFqn[c.fqn] = c;
        for (const char* kept : {"shop/dev/old", "shop/dev/alien", "shop/dev/alien/inner"}) {
            QVERIFY2(byFqn.count(kept), kept);
            QVERIFY2(byFqn.at(kept).action == PlannedChange::Action::Skip, kept);
            QVERIFY2(byFqn.at(kept).reason.find("kept") != std::string::npos, byFqn.at(kept).reason.c_str());
        }

        const RunReport up = f.run(Phase::Up, s);
        QVERIFY(up.result == RunResult::Failed);
        QCOMPARE(up.unknownKinds, std::vector<std::string>{"cloud::Alien"});
        QCOMPARE(up.counts.deleted, 0);
        QVERIFY(f.log->snapshot().empty());
        QCOMPARE(filesBelow(f.root() / ".alchemy"), before);
        bool named = false;
        for (const auto& e : up.errors)
            named = named || (e.find("cloud::Alien") != std::string::npos &&
                              e.find("shop/dev/alien") != std::string::npos &&
                              e.find("3 orphan") != std::string::npos);
        QVERIFY2(named, up.errors.empty() ? "no errors" : up.errors.front().c_str());
    }

    void aBackupCopyIsNeverAnOrphanNorDeleted() {
        Fixture f;
        const StackFile s = stack(
            f.root(), "shop", {},
            {scope("s",
                   {resource("f1", "fs::File", props({{"path", "out/f1.txt"}, {"content", "live\n"}}))})});
        QVERIFY(f.run(Phase::Up, s).result == RunResult::Succeeded);
        const fs::path copy = f.stageDir() / "s/f1.bak.json";
        fs::copy_file(f.stageDir() / "s/f1.json", copy);

        const RunReport plan = f.run(Phase::Plan, s);
        for (const auto& c : plan.plan)
            QVERIFY2(c.action != PlannedChange::Action::Delete, c.fqn.c_str());
        f.sink.clear();
        const RunReport up = f.run(Phase::Up, s);
        QVERIFY(up.result == RunResult::Succeeded);
        QCOMPARE(up.counts.deleted, 0);
        QCOMPARE(readFile(f.root() / "out/f1.txt"), std::string("live\n")); // the live output is untouched
        QVERIFY(fs::exists(copy));
        bool warned = false;
        for (const auto& line : f.sink.logs())
            warned = warned || (line.find(copy.string()) != std::string::npos &&
                                line.find("not where its id and fqn belong") != std::string::npos);
        QVERIFY(warned);

        // Destroy deletes the real f1 (once) and keeps the copy, naming it.
        f.sink.clear();
        const RunReport destroy = f.destroy(2);
        QVERIFY(destroy.result == RunResult::Failed);
        QCOMPARE(destroy.counts.deleted, 1);
        QVERIFY(!fs::exists(f.root() / "out/f1.txt"));
        QVERIFY(!fs::exists(f.stageDir() / "s/f1.json"));
        QVERIFY(fs::exists(copy));
        bool named = false;
        for (const auto& e : destroy.errors)
            named = named || e.find(copy.string()) != std::string::npos;
        QVERIFY2(named, destroy.errors.empty() ? "no errors" : destroy.errors.front().c_str());
    }

    void recordsAlchemysDeinitWouldSweepAwayAreDeletedByTheirProvider() {
        Fixture f;
        const fs::path dev = f.stageDir();
        writeRecord(dev / "a.json", "test::Thing", "a", "shop/dev/a", 0, props({}));
        // A nested folder whose owner record is gone, and an id with '\' (stored in a sub-folder, as Alchemy
        // does): Alchemy's deinit would remove both files without calling a provider.
        writeRecord(dev / "ghost/x.json", "test::Thing", "x", "shop/dev/ghost/x", 0, props({}));
        writeRecord(dev / "back/slash.json", "test::Thing", "back\\slash", "shop/dev/back\\slash", 1,
                    props({}));
        const RunReport r = f.destroy(2);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        const auto calls = f.log->snapshot();
        const std::set<std::string> deleted(calls.begin(), calls.end());
        QCOMPARE(deleted, (std::set<std::string>{"delete shop/dev/a", "delete shop/dev/ghost/x",
                                                 "delete shop/dev/back\\slash"}));
        QVERIFY(!fs::exists(dev));
    }

    // A destroy rewrites each record once ("deleting", synced) before its resource goes. Its first wave is
    // small and each next wave writes its "deleting" records with the files of the records removed before
    // it, so a large destroy creates files only for its first wave (where many files were just deleted,
    // creating one can cost a millisecond): every "deleting" record the provider sees is in a file that held
    // a record before, or in one of at most kFirstDestroyWave new files. Nothing is left behind.
    void aDestroyCreatesFilesOnlyForItsFirstWave() {
        Fixture f;
        std::mutex mutex;
        std::set<ino_t> deletingFiles;
        std::vector<std::string> notDeleting;
        auto registry = std::make_shared<ProviderRegistry>();
        auto watched = std::make_unique<TestProvider>(
            "test::Path", f.log, TestProvider::ApplyFn{}, [&](ProviderContext& ctx) {
                const fs::path file = f.root() / ".alchemy" / (ctx.fqn() + ".json");
                struct stat st {};
                const bool found = ::stat(file.c_str(), &st) == 0;
                const std::string status = found ? readJson(file)["status"].get<std::string>() : "missing";
                std::lock_guard lock(mutex);
                if (status != "deleting")
                    notDeleting.push_back(ctx.fqn() + ": " + status);
                deletingFiles.insert(st.st_ino);
            });
        watched->withPathFootprint();
        registry->add(std::move(watched));
        f.registry = registry;
        std::vector<ScopeSpec> scopes;
        for (int s = 0; s < 4; ++s) {
            std::vector<DeclaredResource> resources;
            for (int i = 0; i < 50; ++i) {
                const std::string id = "r" + std::to_string(i);
                resources.push_back(
                    resource(id, "test::Path", props({{"path", "out/s" + std::to_string(s) + "-" + id}})));
            }
            scopes.push_back(scope("s" + std::to_string(s), resources));
        }
        const StackFile st = stack(f.root(), "shop", {}, scopes);
        QVERIFY(f.run(Phase::Up, st, 10).result == RunResult::Succeeded);
        std::set<ino_t> recordFiles;
        for (const auto& entry : fs::recursive_directory_iterator(f.stageDir())) {
            struct stat info {};
            if (entry.is_regular_file() && ::stat(entry.path().c_str(), &info) == 0)
                recordFiles.insert(info.st_ino);
        }
        QCOMPARE(recordFiles.size(), size_t(204)); // 200 resources, 4 scopes

        RunOptions o = f.optionsFor(Phase::Destroy, 10);
        o.durability = Durability::Batched; // as athanorctl runs
        const RunReport r = runPhaseWithStack(o, nullptr, f.sink, f.cancel);
        QVERIFY2(r.result == RunResult::Succeeded, r.errors.empty() ? "" : r.errors.front().c_str());
        QCOMPARE(r.counts.deleted, 200);
        QVERIFY2(notDeleting.empty(), notDeleting.empty() ? "" : notDeleting.front().c_str());
        size_t created = 0;
        for (ino_t file : deletingFiles)
            created += recordFiles.count(file) ? 0 : 1;
        QVERIFY2(created <= kFirstDestroyWave, std::to_string(created).c_str());
        QVERIFY(!fs::exists(f.stageDir())); // spares (temp files) and folders gone with it
    }

    // Destroy's scan reads each folder's records through the folder opened once: a record file that is a
    // symlink leaving the state root is never read (the run fails naming it; its target is untouched), a
    // symlinked folder is not entered, and the records beside them in every folder are still destroyed.
    void aRecordLinkedOutsideTheRootIsRefusedWhileTheOthersAreDestroyed() {
        Fixture f;
        const fs::path dev = f.stageDir();
        writeRecord(dev / "a.json", "test::Thing", "a", "shop/dev/a", 0, props({}));
        writeRecord(dev / "s/b.json", "test::Thing", "b", "shop/dev/s/b", 1, props({}));
        writeRecord(dev / "s/c.json", "test::Thing", "c", "shop/dev/s/c", 2, props({}));
        const fs::path outside = f.root() / "elsewhere";
        writeRecord(outside / "evil.json", "test::Thing", "evil", "shop/dev/s/evil", 3, props({}));
        const std::string evilText = readFile(outside / "evil.json");
        fs::create_symlink(outside / "evil.json", dev / "s/evil.json");
        fs::create_directory_symlink(outside, dev / "linked");
        const RunReport r = f.destroy(2);
        QVERIFY(r.result == RunResult::Failed);
        const auto calls = f.log->snapshot();
        QCOMPARE(std::set<std::string>(calls.begin(), calls.end()),
                 (std::set<std::string>{"delete shop/dev/a", "delete shop/dev/s/b", "delete shop/dev/s/c"}));
        bool named = false;
        for (const auto& e : r.errors)
            named = named || (e.find((dev / "s/evil.json").string()) != std::string::npos &&
                              e.find("leaves the state root") != std::string::npos);
        QVERIFY2(named, r.errors.empty() ? "no errors" : r.errors.front().c_str());
        QCOMPARE(readFile(outside / "evil.json"), evilText);
        QVERIFY(fs::is_symlink(dev / "s/evil.json"));
    }

    void backslashIdsWrittenByAlchemyAreFoundByUpAndDestroyed() {
        Fixture f;
        copyTree(fs::path(ATHANOR_TEST_DATA_DIR) / "alchemy-backslash-ids/.alchemy", f.root() / ".alchemy");
        const auto before = filesBelow(f.root() / ".alchemy");
        // The program of tests/data/alchemy-backslash-ids as a stack file (and one more id with a '\\').
        const auto programStack = [&](bool withNew) {
            std::vector<DeclaredResource> top{
                resource("plain", "fs::File", props({{"path", "out/plain.txt"}, {"content", "plain\n"}})),
                resource("back\\slash", "fs::File",
                         props({{"path", "out/back-slash.txt"},
                                {"content", "made by an id with a backslash\n"}}))};
            if (withNew)
                top.push_back(
                    resource("new\\one", "fs::File", props({{"path", "out/new.txt"}, {"content", "n\n"}})));
            return stack(
                f.root(), "bs", top,
                {scope("grp", {resource("a\\b\\c", "fs::File",
                                        props({{"path", "out/grp-a-b-c.txt"},
                                               {"content", "two backslashes in a child scope\n"}}))})});
        };
        const StackFile s = programStack(false);
        RunOptions o = f.optionsFor(Phase::Up, 2);
        const RunReport up = runPhaseWithStack(o, &s, f.sink, f.cancel);
        QVERIFY(up.result == RunResult::Succeeded);
        QCOMPARE(up.counts.skipped, 3); // as real Alchemy's second run: each finds its own record
        QCOMPARE(filesBelow(f.root() / ".alchemy"), before);

        // A new backslash id goes where Alchemy puts it.
        const StackFile more = programStack(true);
        QVERIFY(runPhaseWithStack(o, &more, f.sink, f.cancel).result == RunResult::Succeeded);
        QVERIFY(fs::exists(f.root() / ".alchemy/bs/dev/new/one.json"));
        QCOMPARE(readJson(f.root() / ".alchemy/bs/dev/new/one.json")["fqn"].get<std::string>(),
                 std::string("bs/dev/new\\one"));

        // Destroy reaches them all through their providers (their files go too).
        for (const char* file : {"out/plain.txt", "out/back-slash.txt", "out/grp-a-b-c.txt"})
            writeFile(f.root() / file, "x");
        f.sink.clear();
        const RunReport destroy = f.destroy(2, nullptr, "bs");
        QVERIFY2(destroy.result == RunResult::Succeeded,
                 destroy.errors.empty() ? "" : destroy.errors.front().c_str());
        QCOMPARE(destroy.counts.deleted, 4);
        QVERIFY(!fs::exists(f.root() / "out/back-slash.txt"));
        QVERIFY(!fs::exists(f.root() / "out/grp-a-b-c.txt"));
        QVERIFY(!fs::exists(f.root() / ".alchemy/bs/dev"));
    }
};

QTEST_GUILESS_MAIN(TestLifecycleDestroy)
#include "tst_lifecycle_destroy.moc"

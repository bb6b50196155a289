// The lifecycle engine: record key orders, plain forms, scopes, and runPhase() up / read / plan / destroy
// with Alchemy's rules (reference §7) and Athanor's safety rules (§14), against real files in temporary
// folders.
#include "lifecycle/ProcessExitKeep.h"
#include "lifecycle/RecordBuilder.h"
#include "lifecycle/Scope.h"
#include "lifecycle/WorkerPool.h"
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"
#include "tst_lifecycle_support.h"

#include "json/JsJsonText.h"
#include <QTemporaryDir>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

using namespace lifecycle_test;

namespace {

const char* const kPassword = "correct horse battery staple";

struct Fixture;
fs::path lockFileOf(const Fixture& f);

struct Fixture {
    QTemporaryDir dir;
    fs::path root() const { return fs::path(dir.path().toStdString()); }
    fs::path stageDir() const { return root() / ".alchemy" / "shop" / "dev"; }
    std::shared_ptr<CallLog> log = std::make_shared<CallLog>();
    std::shared_ptr<ProviderRegistry> registry = std::make_shared<ProviderRegistry>();
    RecordingSink sink;
    CancellationToken cancel;

    Fixture() {
        registry->add(std::make_unique<TestProvider>("test::Thing", log));
        registry->add(std::make_unique<TestProvider>(
            "test::Fail", log, [](ProviderContext&) -> Json { throw ProviderError("boom"); },
            [](ProviderContext&) { throw ProviderError("cannot delete"); }));
        registry->add(std::make_unique<TestProvider>("test::Server", log, [](ProviderContext& ctx) -> Json {
            // Replaced when the region changes (prop "force": forced replacement), like the fixture's server.
            if (ctx.phase() == HandlerPhase::Update &&
                ctx.previousProps().value("region", "") != ctx.props().value("region", ""))
                ctx.replace(ctx.props().value("force", false));
            Json out = Json::object();
            out["name"] = ctx.id() + "-" + ctx.props().value("region", "");
            out["region"] = ctx.props().value("region", "");
            out["replacement"] = ctx.isReplacement();
            return out;
        }));
        registry->add(std::make_unique<TestProvider>("test::Data", log, [](ProviderContext& ctx) -> Json {
            const auto previous = ctx.dataGet("runs");
            ctx.dataSet("runs", previous ? previous->get<int>() + 1 : 1);
            return Json::object();
        }));
        registry->add(std::make_unique<TestProvider>("test::Always", log, ProviderContext_identity(),
                                                     TestProvider::RemoveFn{}, true));
    }
    static TestProvider::ApplyFn ProviderContext_identity() {
        return [](ProviderContext& ctx) {
            return ctx.props();
        };
    }

    RunReport run(Phase phase, const StackFile& s, int parallel = 1, bool force = false) {
        RunOptions o = options(phase, root(), registry);
        o.parallel = parallel;
        o.force = force;
        o.passwords.add(SecureString(kPassword));
        return runPhaseWithStack(o, &s, sink, cancel);
    }
    RunReport destroy(int parallel = 1) {
        RunOptions o = options(Phase::Destroy, root(), registry);
        o.app = "shop";
        o.parallel = parallel;
        o.passwords.add(SecureString(kPassword));
        return runPhaseWithStack(o, nullptr, sink, cancel);
    }
};

Json secret(const char* plaintext) {
    Json out = Json::object();
    out["@secret"] = plaintext;
    return out;
}

Json props(std::initializer_list<std::pair<const char*, Json>> items) {
    Json out = Json::object();
    for (const auto& [k, v] : items)
        out[k] = v;
    return out;
}

// A record as real Alchemy writes it after a successful create (§2.4 C).
void writeRecord(const fs::path& file, const std::string& kind, const std::string& id, const std::string& fqn,
                 int seq, const Json& p) {
    RecordIdentity who{kind, id, fqn, seq};
    writeFile(file, stringifyJs(records::success(who, Json::object(), ResourceStatus::Created,
                                                 records::envelope(p, who), p)));
}

// Kind "test::Cancelling": the run is cancelled (a first Ctrl-C) once `cancelAt` changes have started, so
// what was running is known without racing a timer against a loaded machine; each change then takes 150 ms,
// long enough that nothing else starts before the runner sees the cancellation.
void addCancellingProvider(Fixture& f, int cancelAt) {
    auto started = std::make_shared<std::atomic<int>>(0);
    f.registry->add(std::make_unique<TestProvider>(
        "test::Cancelling", f.log, [&f, started, cancelAt](ProviderContext& ctx) -> Json {
            if (++*started == cancelAt)
                f.cancel.cancel();
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
            return ctx.props();
        }));
}

fs::path lockFileOf(const Fixture& f) {
    return f.root() / ".alchemy/.athanor/locks/shop/dev.lock";
}

} // namespace

class TestLifecycle : public QObject {
    Q_OBJECT

private slots:
    void recordBuildersReproduceAlchemyBytes() {
        // (D) naked scope record: byte-identical to the one Alchemy wrote.
        const fs::path storage = fixtureDir() / "app-stages/03-up-dev-again/.alchemy/shop/dev/storage.json";
        QCOMPARE(stringifyJs(records::nakedScope("storage", 9)), readFile(storage));
        // (C) success record + envelope: fs::File config.json.
        const fs::path config =
            fixtureDir() / "app-stages/03-up-dev-again/.alchemy/shop/dev/config.json.json";
        const Json doc = readJson(config);
        RecordIdentity who{"fs::File", "config.json", "shop/dev/config.json", 1};
        const Json out = records::success(who, Json::object(), ResourceStatus::Created,
                                          records::envelope(doc["props"], who), doc["props"]);
        QCOMPARE(stringifyJs(out), readFile(config));
        // (E) the stage record, as run2 of the lifecycle fixture left it (pendingDeletions processed).
        Json stage = records::stageScope("dev", "life/dev", 4, 5);
        stage["data"]["pendingDeletions"] = Json::array();
        QCOMPARE(stringifyJs(stage),
                 readFile(fixtureDir() / "lifecycle/run2-update-orphans/.alchemy/life/dev.json"));
        // (A) then (B): kind, id, fqn, seq, status, data, output, props, oldProps.
        Json placeholder = records::placeholder({"demo::Thing", "bad", "shop/dev/bad", 0});
        records::markInFlight(placeholder, ResourceStatus::Creating, props({{"x", 1}}));
        std::vector<std::string> keys;
        for (auto it = placeholder.begin(); it != placeholder.end(); ++it)
            keys.push_back(it.key());
        QCOMPARE(keys, (std::vector<std::string>{"kind", "id", "fqn", "seq", "status", "data", "output",
                                                 "props", "oldProps"}));
        QCOMPARE(placeholder["output"].begin().key(), std::string("Symbol(alchemy::ResourceID)"));
        QCOMPARE(placeholder["output"]["Symbol(alchemy::DestroyStrategy)"].get<std::string>(),
                 std::string("sequential"));
        // (B) from a success record: status stays where it was, oldProps appended.
        Json settled = out;
        records::markInFlight(settled, ResourceStatus::Updating, props({{"x", 2}}));
        keys.clear();
        for (auto it = settled.begin(); it != settled.end(); ++it)
            keys.push_back(it.key());
        QCOMPARE(keys, (std::vector<std::string>{"kind", "id", "fqn", "seq", "data", "status", "output",
                                                 "props", "oldProps"}));
        QCOMPARE(settled["oldProps"], doc["props"]);
    }

    void envelopeKeepsHandlerSymbolsAndOrder() {
        RecordIdentity who{"k::K", "a", "app/dev/a", 3};
        Json handler = Json::object();
        handler["b"] = 1;
        handler["1"] = "one";
        handler["Symbol(alchemy::ResourceID)"] = "old";
        const Json out = records::envelope(handler, who);
        const std::string expected =
            "{\"1\":\"one\",\"Symbol(alchemy::ResourceID)\":\"a\",\"Symbol(alchemy::ResourceKind)\":\"k::K\","
            "\"Symbol(alchemy::ResourceFQN)\":\"app/dev/a\",\"Symbol(alchemy::ResourceScope)\":"
            "{\"@scope\":null},\"Symbol(alchemy::ResourceSeq)\":3,\"b\":1}";
        QCOMPARE(stringifyJs(out, 0), expected);
    }

    void plainFormsOpenSealAndCanonicalText() {
        const fs::path file = fixtureDir() / "app-stages/03-up-dev-again/.alchemy/shop/dev/session-key.json";
        const Json doc = readJson(file);
        PasswordRing ring;
        ring.add(SecureString(kPassword));
        const Json plain = openSecrets(doc, ring, "shop/dev/session-key");
        QVERIFY(isPlainSecret(plain["output"]["value"]));
        const std::string value = plain["output"]["value"]["@secret"].get<std::string>();
        QCOMPARE(value.size(), size_t(32)); // 16 bytes, hex
        QVERIFY(!findSecrets(doc).empty());
        // Seal again with a fresh salt: different bytes, same plaintext.
        const Json sealed = sealSecrets(plain, SecureString(kPassword));
        QVERIFY(sealed["output"]["value"] != doc["output"]["value"]);
        QCOMPARE(openSecrets(sealed, ring, "x"), plain);
        // Wrong password: the error names the record and the secret.
        PasswordRing wrong;
        wrong.add(SecureString("nope"));
        try {
            openSecrets(doc, wrong, "shop/dev/session-key");
            QFAIL("expected SecretError");
        } catch (const SecretError& e) {
            QVERIFY(std::string(e.what()).find("/output/value of shop/dev/session-key") != std::string::npos);
        }
        // Canonical text: JS order (index keys, then symbols, then the rest); secrets compared by plaintext.
        const Json a =
            Json::parse(R"J({"z":1,"Symbol(alchemy::ResourceID)":"x","2":true,"s":{"@secret":"p"}})J");
        const std::string canon =
            R"J({"2":true,"Symbol(alchemy::ResourceID)":"x","z":1,"s":{"@secret":"p"}})J";
        QCOMPARE(canonicalText(a), canon);
        const Json ab = Json::parse(R"({"a":1,"b":2})");
        const Json ba = Json::parse(R"({"b":2,"a":1})");
        QVERIFY(canonicalText(ab) != canonicalText(ba));
        // Data secrets: non-string plaintext round trips as JSON.
        Json data = Json::parse(R"({"k":{"@secret":{"user":"u","n":[1,2]}}})");
        QCOMPARE(openSecrets(sealSecrets(data, SecureString(kPassword)), ring, "x"), data);
    }

    void scopesChainsPasswordsPhysicalNamesAndData() {
        QTemporaryDir dir;
        auto settings = std::make_shared<ScopeSettings>();
        settings->layout = DotAlchemyLayout::forProject(dir.path().toStdString());
        settings->app = "my-app";
        settings->stage = "dev";
        settings->durability = Durability::Fast;
        auto root = Scope::createRoot(settings);
        Scope& stage = root->stageScope();
        stage.setPassword(SecureString(kPassword));
        Scope& services = stage.child("services");
        QCOMPARE(services.chainText(), std::string("my-app/dev/services"));
        QCOMPARE(services.fqn("api"), std::string("my-app/dev/services/api"));
        QCOMPARE(services.createPhysicalName("api"), std::string("my-app-services-api-dev"));
        QCOMPARE(stage.createPhysicalName("api.v1"), std::string("my-app-api-v1-dev"));
        QVERIFY(services.createPhysicalName("db", "-", 20).size() <= 20);
        QCOMPARE(services.password()->view(), std::string_view(kPassword));
        Scope& team = services.child("team");
        team.setPassword(SecureString("team-scope-password"));
        QCOMPARE(team.password()->view(), std::string_view("team-scope-password"));
        QCOMPARE(team.child("deeper").password()->view(), std::string_view("team-scope-password"));
        QVERIFY_THROWS_EXCEPTION(std::exception, root->withScopeState([](Json&) { return false; }));

        // Stage data is synthesised on first write (two seq values) in the root store; secrets sealed.
        stage.reserveSeqs(7);
        stage.dataSet("token", secret("abc"));
        const Json record = readJson(dir.path().toStdString() + "/.alchemy/my-app/dev.json");
        QCOMPARE(record["seq"].get<int>(), 7);
        QCOMPARE(record["output"]["Symbol(alchemy::ResourceSeq)"].get<int>(), 8);
        QVERIFY(hasSecretTag(record["data"]["token"]));
        PasswordRing ring;
        ring.add(SecureString(kPassword));
        settings->passwords = &ring;
        QCOMPARE(*stage.dataGet("token"), secret("abc"));
        stage.dataDelete("token");
        QVERIFY(!stage.dataGet("token"));
        // A naked scope without its record cannot hold data.
        QVERIFY_THROWS_EXCEPTION(std::exception, services.dataSet("k", 1));
    }

    void upCreatesThenSkipsWithoutChangingAByte() {
        Fixture f;
        const StackFile s = stack(f.root(), "shop",
                                  {resource("a", "test::Thing", props({{"v", 1}})),
                                   resource("b", "test::Thing", props({{"v", 2}}))},
                                  {scope("grp", {resource("c", "test::Thing", props({{"v", 3}}))})});
        RunReport first = f.run(Phase::Up, s);
        QVERIFY(first.result == RunResult::Succeeded);
        QCOMPARE(first.counts.created, 3);
        QCOMPARE(f.sink.transitions(),
                 (std::vector<std::string>{"creating shop/dev/a", "created shop/dev/a", "creating shop/dev/b",
                                           "created shop/dev/b", "creating shop/dev/grp/c",
                                           "created shop/dev/grp/c"}));
        // C record with Alchemy's order, and the naked scope record (seq 2: after the stage's two resources).
        RecordIdentity who{"test::Thing", "b", "shop/dev/b", 1};
        QCOMPARE(readFile(f.stageDir() / "b.json"),
                 stringifyJs(records::success(who, Json::object(), ResourceStatus::Created,
                                              records::envelope(props({{"v", 2}}), who), props({{"v", 2}}))));
        QCOMPARE(readFile(f.stageDir() / "grp.json"), stringifyJs(records::nakedScope("grp", 2)));
        QVERIFY(!fs::exists(f.root() / ".alchemy/shop/dev.json")); // no stage data written: no stage record

        const auto before = filesBelow(f.root() / ".alchemy");
        f.sink.clear();
        RunReport second = f.run(Phase::Up, s);
        QVERIFY(second.result == RunResult::Succeeded);
        QCOMPARE(second.counts.skipped, 3);
        QCOMPARE(second.counts.total(), 3);
        QCOMPARE(filesBelow(f.root() / ".alchemy"), before);
        const auto events = f.sink.events();
        QVERIFY(events.front().type == EventType::RunStarted);
        QCOMPARE(events.front().total, 3);
        QVERIFY(events.back().type == EventType::RunFinished);
        QCOMPARE(events.back().counts.skipped, 3);
        QVERIFY(events.back().result == RunResult::Succeeded);
    }

    void changingOnePropUpdatesExactlyThatResource() {
        Fixture f;
        StackFile s = stack(f.root(), "shop",
                            {resource("a", "test::Thing", props({{"v", 1}})),
                             resource("b", "test::Thing", props({{"v", 2}}))});
        f.run(Phase::Up, s);
        const std::string aBefore = readFile(f.stageDir() / "a.json");
        s.root.resources[1].props["v"] = 20;
        f.sink.clear();
        RunReport r = f.run(Phase::Up, s);
        QCOMPARE(r.counts.updated, 1);
        QCOMPARE(r.counts.skipped, 1);
        QCOMPARE(f.sink.transitions(), (std::vector<std::string>{"skipped shop/dev/a", "updating shop/dev/b",
                                                                 "updated shop/dev/b"}));
        QCOMPARE(readFile(f.stageDir() / "a.json"), aBefore);
        const Json b = readJson(f.stageDir() / "b.json");
        QCOMPARE(b["status"].get<std::string>(), std::string("updated"));
        QCOMPARE(b["props"]["v"].get<int>(), 20);
        QVERIFY(!b.contains("oldProps"));
        // --force updates everything; alwaysUpdate kinds are never skipped.
        s.root.resources.push_back(resource("x", "test::Always", props({{"v", 0}})));
        f.run(Phase::Up, s);
        f.sink.clear();
        r = f.run(Phase::Up, s);
        QCOMPARE(r.counts.updated, 1);
        QCOMPARE(r.counts.skipped, 2);
        r = f.run(Phase::Up, s, 1, true);
        QCOMPARE(r.counts.updated, 3);
    }

    void failedCreateStaysCreatingAndIsResumed() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("bad", "test::Fail", props({{"k", "v"}}))});
        RunReport r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Failed);
        QCOMPARE(r.counts.failed, 1);
        QCOMPARE(r.firstFailureFqn, std::string("shop/dev/bad"));
        QCOMPARE(r.firstFailureMessage, std::string("boom"));
        const Json doc = readJson(f.stageDir() / "bad.json");
        std::vector<std::string> keys;
        for (auto it = doc.begin(); it != doc.end(); ++it)
            keys.push_back(it.key());
        QCOMPARE(keys, (std::vector<std::string>{"kind", "id", "fqn", "seq", "status", "data", "output",
                                                 "props", "oldProps"}));
        QCOMPARE(doc["status"].get<std::string>(), std::string("creating"));
        QCOMPARE(doc["oldProps"], Json::object());
        QCOMPARE(doc["props"]["k"].get<std::string>(), std::string("v"));

        // Next run with the same id but a kind that works: the record says test::Fail, so the kind
        // conflict is refused; with the failing kind fixed (same kind, working provider) it is created.
        auto registry = std::make_shared<ProviderRegistry>();
        registry->add(std::make_unique<TestProvider>("test::Fail", f.log));
        f.registry = registry;
        f.sink.clear();
        r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(f.sink.transitions(),
                 (std::vector<std::string>{"creating shop/dev/bad", "created shop/dev/bad"}));
        QCOMPARE(readJson(f.stageDir() / "bad.json")["status"].get<std::string>(), std::string("created"));
    }

    void interruptedUpdateIsUpdatedWithoutSkipCheck() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("a", "test::Thing", props({{"v", 1}}))});
        f.run(Phase::Up, s);
        Json doc = readJson(f.stageDir() / "a.json");
        records::markInFlight(doc, ResourceStatus::Updating, props({{"v", 1}}));
        writeFile(f.stageDir() / "a.json", stringifyJs(doc));
        f.sink.clear();
        RunReport r = f.run(Phase::Up, s);
        QCOMPARE(r.counts.updated, 1);
        QCOMPARE(readJson(f.stageDir() / "a.json")["status"].get<std::string>(), std::string("updated"));
        QVERIFY(r.plan.front().action == PlannedChange::Action::Resume);
    }

    void kindConflictIsRefused() {
        Fixture f;
        f.run(Phase::Up, stack(f.root(), "shop", {resource("a", "test::Thing", props({}))}));
        const std::string before = readFile(f.stageDir() / "a.json");
        RunReport r = f.run(Phase::Up, stack(f.root(), "shop", {resource("a", "test::Always", props({}))}));
        QVERIFY(r.result == RunResult::Failed);
        QVERIFY(r.firstFailureMessage.find("test::Thing") != std::string::npos);
        QCOMPARE(readFile(f.stageDir() / "a.json"), before);
    }

    void replacementQueuesOldCopyAndCleansItUpAtFinalize() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("api", "test::Server", props({{"region", "us"}}))},
                            {scope("storage", {resource("db", "test::Server", props({{"region", "us"}}))})});
        f.run(Phase::Up, s);
        s.root.resources[0].props["region"] = "eu";
        s.root.scopes[0].resources[0].props["region"] = "eu";
        f.sink.clear();
        f.log->calls.clear();
        RunReport r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(r.counts.replaced, 2);
        QCOMPARE(f.sink.transitions(),
                 (std::vector<std::string>{"updating shop/dev/api", "replaced shop/dev/api",
                                           "updating shop/dev/storage/db", "replaced shop/dev/storage/db",
                                           "cleanup shop/dev/api", "cleaned shop/dev/api",
                                           "cleanup shop/dev/storage/db", "cleaned shop/dev/storage/db"}));
        // The old copy's delete saw the old props and output.
        QVERIFY(f.log->snapshot().back() == "delete shop/dev/storage/db");
        const Json api = readJson(f.stageDir() / "api.json");
        QCOMPARE(api["status"].get<std::string>(), std::string("updated"));
        QCOMPARE(api["output"]["replacement"].get<bool>(), true);
        // The stage record appeared in the root store; its list is processed and stays as [].
        const Json stageRecord = readJson(f.root() / ".alchemy/shop/dev.json");
        QCOMPARE(stageRecord["data"]["pendingDeletions"], Json::array());
        QCOMPARE(stageRecord["fqn"].get<std::string>(), std::string("shop/dev"));
        QCOMPARE(readJson(f.stageDir() / "storage.json")["data"]["pendingDeletions"], Json::array());
    }

    void forcedReplacementCleansUpFirst() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("api", "test::Server", props({{"region", "eu"}}))});
        f.run(Phase::Up, s);
        s.root.resources[0].props = props({{"region", "ap"}, {"force", true}});
        f.sink.clear();
        RunReport r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(f.sink.transitions(),
                 (std::vector<std::string>{"updating shop/dev/api", "cleanup shop/dev/api",
                                           "cleaned shop/dev/api", "replaced shop/dev/api"}));
        QVERIFY(!fs::exists(f.root() / ".alchemy/shop/dev.json")); // nothing queued
    }

    void orphansAreDeletedAndFailedScopesDeleteNothing() {
        Fixture f;
        StackFile s =
            stack(f.root(), "shop",
                  {resource("keep", "test::Thing", props({})), resource("old", "test::Thing", props({}))},
                  {scope("legacy",
                         {resource("x", "test::Thing", props({})), resource("y", "test::Thing", props({}))}),
                   scope("grp", {resource("g1", "test::Thing", props({})),
                                 resource("g2", "test::Thing", props({}))})});
        f.run(Phase::Up, s);
        // Run 2: "old" and the whole scope "legacy" are gone; in grp, g2 is gone but g1 now fails.
        StackFile s2 = stack(f.root(), "shop", {resource("keep", "test::Thing", props({}))},
                             {scope("grp", {resource("g1", "test::Fail", props({}))})});
        f.sink.clear();
        RunReport r = f.run(Phase::Up, s2);
        QVERIFY(r.result == RunResult::Failed);
        // g1's kind changed (refused) so grp failed: g2 stays; the stage failed too (as an uncaught error
        // in Alchemy), so its orphans stay as well.
        QVERIFY(fs::exists(f.stageDir() / "grp/g2.json"));
        QVERIFY(fs::exists(f.stageDir() / "old.json"));
        QVERIFY(!f.sink.logs().empty());

        // Run 3: everything fine: orphans of the stage go, highest seq first, a scope's records before it.
        StackFile s3 = stack(f.root(), "shop", {resource("keep", "test::Thing", props({}))},
                             {scope("grp", {resource("g1", "test::Thing", props({}))})});
        f.sink.clear();
        r = f.run(Phase::Up, s3);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(f.sink.transitions(),
                 (std::vector<std::string>{"skipped shop/dev/keep", "skipped shop/dev/grp/g1",
                                           "deleting shop/dev/grp/g2", "deleted shop/dev/grp/g2",
                                           "deleting shop/dev/legacy/y", "deleted shop/dev/legacy/y",
                                           "deleting shop/dev/legacy/x", "deleted shop/dev/legacy/x",
                                           "deleting shop/dev/old", "deleted shop/dev/old"}));
        QVERIFY(!fs::exists(f.stageDir() / "legacy.json"));
        QVERIFY(!fs::exists(f.stageDir() / "legacy"));
        QVERIFY(!fs::exists(f.stageDir() / "old.json"));
        QCOMPARE(r.counts.deleted, 4);
    }

    void deployNeverDeletesAnotherStagesResources() {
        Fixture f;
        // Stage prod exists with its own stage record in the root store (Alchemy would treat it as an
        // orphan).
        writeRecord(f.root() / ".alchemy/shop/prod/p.json", "test::Thing", "p", "shop/prod/p", 0, props({}));
        writeFile(f.root() / ".alchemy/shop/prod.json",
                  stringifyJs(records::stageScope("prod", "shop/prod", 1, 2)));
        const auto prodBefore = filesBelow(f.root() / ".alchemy/shop/prod");
        const std::string prodRecord = readFile(f.root() / ".alchemy/shop/prod.json");
        StackFile s = stack(f.root(), "shop", {resource("api", "test::Server", props({{"region", "us"}}))});
        f.run(Phase::Up, s);
        s.root.resources[0].props["region"] = "eu"; // a replacement writes dev's stage record
        RunReport r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Succeeded);
        QVERIFY(fs::exists(f.root() / ".alchemy/shop/dev.json"));
        QCOMPARE(filesBelow(f.root() / ".alchemy/shop/prod"), prodBefore);
        QCOMPARE(readFile(f.root() / ".alchemy/shop/prod.json"), prodRecord);
        for (const auto& call : f.log->snapshot())
            QVERIFY(call.find("shop/prod") == std::string::npos);
    }

    void dataSetByHandlerIsPersisted() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("d", "test::Data", props({{"v", 1}}))});
        f.run(Phase::Up, s);
        QCOMPARE(readJson(f.stageDir() / "d.json")["data"]["runs"].get<int>(), 1);
        s.root.resources[0].props["v"] = 2;
        f.run(Phase::Up, s);
        QCOMPARE(readJson(f.stageDir() / "d.json")["data"]["runs"].get<int>(), 2);
    }

    void unreadableRecordIsNeverAnOrphanNorOverwritten() {
        Fixture f;
        StackFile s =
            stack(f.root(), "shop",
                  {resource("a", "test::Thing", props({})), resource("b", "test::Thing", props({}))});
        f.run(Phase::Up, s);
        writeFile(f.stageDir() / "zombie.json", "{\"kind\": \"test::Thing\", \"id\": "); // truncated
        writeFile(f.stageDir() / "b.json", "{ not json");
        f.sink.clear();
        RunReport r =
            f.run(Phase::Up, stack(f.root(), "shop", {resource("b", "test::Thing", props({{"v", 1}}))}));
        QVERIFY(r.result == RunResult::Failed);
        QCOMPARE(readFile(f.stageDir() / "zombie.json"), std::string("{\"kind\": \"test::Thing\", \"id\": "));
        QCOMPARE(readFile(f.stageDir() / "b.json"), std::string("{ not json"));
        QVERIFY(fs::exists(f.stageDir() / "a.json")); // the failed scope deleted no orphan
        bool named = false;
        for (const auto& e : r.errors)
            named =
                named || (e.find("shop/dev/b") != std::string::npos && e.find("b.json") != std::string::npos);
        QVERIFY2(named, r.errors.empty() ? "no errors" : r.errors.front().c_str());

        // An unreadable orphan in an otherwise healthy run: the others go, it stays, the run fails naming it.
        fs::remove(f.stageDir() / "b.json");
        f.sink.clear();
        r = f.run(Phase::Up, stack(f.root(), "shop", {}));
        QVERIFY(r.result == RunResult::Failed);
        QVERIFY(!fs::exists(f.stageDir() / "a.json"));
        QCOMPARE(readFile(f.stageDir() / "zombie.json"), std::string("{\"kind\": \"test::Thing\", \"id\": "));
        QVERIFY(r.errors.front().find("zombie.json") != std::string::npos);
    }

    void destroyRemovesEverythingChildrenBeforeOwners() {
        Fixture f;
        // a(0) b(1, nested child) grp(2: c(0) d(1)) e(3): the example of reference §7.9.
        const fs::path dev = f.stageDir();
        writeRecord(dev / "a.json", "test::Thing", "a", "shop/dev/a", 0, props({}));
        writeRecord(dev / "b.json", "test::Thing", "b", "shop/dev/b", 1, props({}));
        writeRecord(dev / "b/child.json", "test::Thing", "child", "shop/dev/b/child", 0, props({}));
        writeFile(dev / "grp.json", stringifyJs(records::nakedScope("grp", 2)));
        writeRecord(dev / "grp/c.json", "test::Thing", "c", "shop/dev/grp/c", 0, props({}));
        writeRecord(dev / "grp/d.json", "test::Thing", "d", "shop/dev/grp/d", 1, props({}));
        writeRecord(dev / "e.json", "test::Thing", "e", "shop/dev/e", 3, props({}));
        writeRecord(f.root() / ".alchemy/shop/prod/p.json", "test::Thing", "p", "shop/prod/p", 0, props({}));
        RunReport r = f.destroy();
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(r.counts.deleted, 6);
        QCOMPARE(
            f.log->snapshot(),
            (std::vector<std::string>{"delete shop/dev/e", "delete shop/dev/grp/d", "delete shop/dev/grp/c",
                                      "delete shop/dev/b/child", "delete shop/dev/b", "delete shop/dev/a"}));
        QVERIFY(!fs::exists(dev));
        QVERIFY(fs::exists(f.root() / ".alchemy/shop/prod/p.json"));
        QVERIFY(!fs::exists(lockFileOf(f)));
    }

    void destroyGoesOnPastFailures() {
        Fixture f;
        const fs::path dev = f.stageDir();
        writeRecord(dev / "a.json", "test::Thing", "a", "shop/dev/a", 0, props({}));
        writeRecord(dev / "bad.json", "test::Fail", "bad", "shop/dev/bad", 1, props({}));
        writeRecord(dev / "bad/inner.json", "test::Thing", "inner", "shop/dev/bad/inner", 0, props({}));
        writeRecord(dev / "c.json", "test::Thing", "c", "shop/dev/c", 3, props({}));
        RunReport r = f.destroy(2);
        QVERIFY(r.result == RunResult::Failed);
        // c (highest seq) and bad's nested inner (children first) go; bad fails. A test kind may touch
        // anything, so "a", after bad in Alchemy's order, waits for it and is kept, saying why.
        QCOMPARE(r.counts.deleted, 2);
        QCOMPARE(r.counts.failed, 1);
        QVERIFY(!fs::exists(dev / "c.json"));
        QVERIFY(!fs::exists(dev / "bad/inner.json"));
        QVERIFY(fs::exists(dev / "bad.json"));
        QVERIFY(fs::exists(dev / "a.json"));
        QVERIFY(r.errors.front().find("shop/dev/bad: cannot delete") == 0);
        bool explained = false;
        for (const auto& line : f.sink.logs())
            explained = explained || line == "shop/dev/a kept: shop/dev/bad could not be deleted";
        QVERIFY(explained);
        // Destroy again once the kind works: the rest goes.
        f.registry = std::make_shared<ProviderRegistry>();
        f.registry->add(std::make_unique<TestProvider>("test::Thing", f.log));
        f.registry->add(std::make_unique<TestProvider>("test::Fail", f.log));
        r = f.destroy();
        QVERIFY(r.result == RunResult::Succeeded);
        QVERIFY(!fs::exists(dev));
    }

    void readReturnsOutputsAndWritesNothing() {
        Fixture f;
        StackFile s =
            stack(f.root(), "shop", {resource("a", "test::Thing", props({{"token", secret("s3")}}))},
                  {scope("grp", {resource("b", "test::Thing", props({{"v", 2}}))})});
        f.run(Phase::Up, s);
        QVERIFY(hasSecretTag(readJson(f.stageDir() / "a.json")["props"]["token"]));
        const auto before = filesBelow(f.root());
        f.sink.clear();
        RunReport r = f.run(Phase::Read, s);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(r.counts.read, 2);
        QCOMPARE(r.outputs.at("shop/dev/grp/b")["v"].get<int>(), 2);
        QCOMPARE(r.outputs.at("shop/dev/a")["token"], secret("s3"));
        QCOMPARE(filesBelow(f.root()), before);

        // Missing resource: an error naming its FQN, and still nothing written (not even folders).
        StackFile missing =
            stack(f.root(), "shop", {}, {scope("nowhere", {resource("z", "test::Thing", props({}))})});
        r = f.run(Phase::Read, missing);
        QVERIFY(r.result == RunResult::Failed);
        QVERIFY(r.errors.front().find("shop/dev/nowhere/z") != std::string::npos);
        QVERIFY(!fs::exists(f.stageDir() / "nowhere"));
        QVERIFY(!fs::exists(f.stageDir() / "nowhere.json"));
        QCOMPARE(filesBelow(f.root()), before);

        // One unreadable record: named by its file, the other outputs still read and counted.
        writeFile(f.stageDir() / "grp/b.json", "{\"kind\": ");
        r = f.run(Phase::Read, s);
        QVERIFY(r.result == RunResult::Failed);
        QCOMPARE(r.counts.read, 1);
        QCOMPARE(r.outputs.size(), size_t(1));
        QCOMPARE(r.outputs.at("shop/dev/a")["token"], secret("s3"));
        QVERIFY(r.errors.front().find("b.json") != std::string::npos);
    }

    // athanorctl's runs (processEndsAfterRun) hand the stack file and the declared tree to
    // keepUntilProcessExit() instead of freeing them, and otherwise do exactly what any other run does.
    void processEndingRunsKeepTheirStructuresAndChangeNothingElse() {
        Fixture kept, freed;
        writeFile(kept.root() / "alchemy.stack.json",
                  R"({"app": "shop", "resources": {"a": {"kind": "test::Thing", "props": {"v": 1}}},
                      "scopes": {"grp": {"password": "grp-pass",
                                         "resources": {"b": {"kind": "test::Thing", "props": {"v": 2}}}}}})");
        fs::copy_file(kept.root() / "alchemy.stack.json", freed.root() / "alchemy.stack.json");
        const auto run = [](Fixture& f, Phase phase, bool endsAfterRun) {
            RunOptions o = options(phase, f.root(), f.registry);
            o.stackFile = f.root() / "alchemy.stack.json";
            o.passwords.add(SecureString(kPassword));
            o.processEndsAfterRun = endsAfterRun;
            o.parallel = 1; // one resource at a time: the two runs' events compare in order
            return runPhase(o, f.sink, f.cancel);
        };
        for (const Phase phase : {Phase::Up, Phase::Up, Phase::Read}) {
            const size_t before = keptUntilProcessExitCount();
            const RunReport freedReport = run(freed, phase, false);
            QCOMPARE(keptUntilProcessExitCount(), before);
            const RunReport keptReport = run(kept, phase, true);
            QCOMPARE(keptUntilProcessExitCount(), before + 2); // its stack file and declared tree
            QVERIFY(keptReport.result == RunResult::Succeeded);
            QCOMPARE(keptReport.counts.created, freedReport.counts.created);
            QCOMPARE(keptReport.counts.skipped, freedReport.counts.skipped);
            QCOMPARE(keptReport.counts.read, freedReport.counts.read);
            QCOMPARE(keptReport.outputs, freedReport.outputs);
        }
        QCOMPARE(kept.sink.transitions(), freed.sink.transitions());
        // The same records, byte for byte.
        const auto keptFiles = filesBelow(kept.stageDir());
        const auto freedFiles = filesBelow(freed.stageDir());
        QCOMPARE(keptFiles, freedFiles);
        QCOMPARE(keptFiles.size(), size_t(3)); // a.json, grp.json, grp/b.json
    }

    void planShowsWhatUpWouldDoAndChangesNothing() {
        Fixture f;
        StackFile s = stack(f.root(), "shop",
                            {resource("same", "test::Thing", props({{"v", 1}})),
                             resource("changed", "test::Thing", props({{"v", 1}, {"pw", secret("a")}})),
                             resource("gone", "test::Thing", props({}))});
        f.run(Phase::Up, s);
        StackFile s2 = stack(f.root(), "shop",
                             {resource("same", "test::Thing", props({{"v", 1}})),
                              resource("changed", "test::Thing", props({{"v", 2}, {"pw", secret("b")}})),
                              resource("new", "test::Thing", props({}))});
        const auto before = filesBelow(f.root());
        RunReport r = f.run(Phase::Plan, s2);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(filesBelow(f.root()), before);
        std::map<std::string, PlannedChange> byFqn;
        for (const auto& c : r.plan)
            byFqn[c.fqn] = c;
        QVERIFY(byFqn.at("shop/dev/same").action == PlannedChange::Action::Skip);
        QVERIFY(byFqn.at("shop/dev/changed").action == PlannedChange::Action::Update);
        QVERIFY(byFqn.at("shop/dev/new").action == PlannedChange::Action::Create);
        QVERIFY(byFqn.at("shop/dev/gone").action == PlannedChange::Action::Delete);
        const std::string diff = byFqn.at("shop/dev/changed").diff.dump();
        QVERIFY2(diff.find("\"/v\"") != std::string::npos, diff.c_str());
        QVERIFY2(diff.find("(secret, changed)") != std::string::npos, diff.c_str());
        QVERIFY(diff.find("\"b\"") == std::string::npos); // no plaintext in a plan
        QCOMPARE(toString(PlannedChange::Action::Replace), std::string_view("replace"));
    }

    // A no-change up keeps a skipped record's text only for resources a $ref names; a dependent that changes
    // gets the skipped resource's output from it (in the same scope and across scopes).
    void skippedResourcesGiveTheirOutputToChangedDependents() {
        Fixture f;
        const Json near = Json::parse(R"({"$ref":"base","output":"nested.list.1"})");
        const Json far = Json::parse(R"({"$ref":"grp/deep","output":"nested.list.0"})");
        const Json base = props({{"nested", Json::parse(R"({"list":["x","y"]})")}});
        for (int v : {1, 2, 3}) {
            StackFile s =
                stack(f.root(), "shop",
                      {resource("base", "test::Thing", base), resource("lone", "test::Thing", base),
                       resource("user", "test::Thing", props({{"near", near}, {"far", far}, {"v", v}}),
                                {"base", "grp/deep"})},
                      {scope("grp", {resource("deep", "test::Thing", base)})});
            RunReport r = f.run(Phase::Up, s, v == 3 ? 4 : 1);
            QVERIFY(r.result == RunResult::Succeeded);
            QCOMPARE(r.counts.skipped, v == 1 ? 0 : 3);
            const Json user = readJson(f.stageDir() / "user.json");
            QCOMPARE(user["props"]["near"].get<std::string>(), std::string("y"));
            QCOMPARE(user["props"]["far"].get<std::string>(), std::string("x"));
            QCOMPARE(user["props"]["v"].get<int>(), v);
        }
    }

    void refsAreSubstitutedAndDependentsWait() {
        Fixture f;
        Json wholeRef = Json::parse(R"({"$ref":"grp/base"})");
        Json pathRef = Json::parse(R"({"$ref":"grp/base","output":"nested.list.1"})");
        StackFile s = stack(
            f.root(), "shop",
            {resource("user", "test::Thing", props({{"whole", wholeRef}, {"pick", pathRef}}), {"grp/base"})},
            {scope("grp", {resource("base", "test::Thing",
                                    props({{"nested", Json::parse(R"({"list":["x","y"]})")}}))})});
        RunReport r = f.run(Phase::Up, s, 4);
        QVERIFY(r.result == RunResult::Succeeded);
        const auto calls = f.log->snapshot();
        QCOMPARE(calls.front(), std::string("create shop/dev/grp/base")); // the dependent waited
        const Json user = readJson(f.stageDir() / "user.json");
        QCOMPARE(user["props"]["pick"].get<std::string>(), std::string("y"));
        QCOMPARE(user["props"]["whole"], readJson(f.stageDir() / "grp/base.json")["output"]);

        // A failed dependency: the dependent is not applied and says why.
        StackFile bad = stack(f.root(), "shop",
                              {resource("user", "test::Thing", props({{"pick", pathRef}}), {"grp/base"})},
                              {scope("grp", {resource("base", "test::Thing", props({{"nested", 1}}))})});
        r = f.run(Phase::Up, bad);
        QVERIFY(r.result == RunResult::Failed);
        bool explained = false;
        for (const auto& e : r.errors)
            explained = explained || e.find("nested.list.1") != std::string::npos;
        QVERIFY(explained);
        auto fail = std::make_shared<ProviderRegistry>();
        fail->add(std::make_unique<TestProvider>("test::Thing", f.log, [](ProviderContext& ctx) -> Json {
            if (ctx.id() == "base")
                throw ProviderError("base broke");
            return ctx.props();
        }));
        f.registry = fail;
        StackFile s3 =
            stack(f.root(), "shop",
                  {resource("user", "test::Thing", props({{"pick", wholeRef}, {"v", 9}}), {"grp/base"})},
                  {scope("grp", {resource("base", "test::Thing", props({{"nested", 2}}))})});
        r = f.run(Phase::Up, s3);
        QVERIFY(r.result == RunResult::Failed);
        QCOMPARE(r.counts.failed, 2);
        bool blocked = false;
        for (const auto& e : r.errors)
            blocked =
                blocked || (e.rfind("shop/dev/user: not applied: it depends on shop/dev/grp/base", 0) == 0);
        QVERIFY(blocked);
    }

    void independentResourcesRunConcurrently() {
        Fixture f;
        std::vector<DeclaredResource> resources;
        for (int i = 0; i < 6; ++i)
            resources.push_back(resource("r" + std::to_string(i), "test::Thing", props({{"sleepMs", 100}})));
        RunReport r = f.run(Phase::Up, stack(f.root(), "shop", resources), 3);
        QCOMPARE(r.counts.created, 6);
        QVERIFY(f.log->maxRunning.load() >= 2);
        QVERIFY(f.log->maxRunning.load() <= 3);
        // Destroy in parallel too.
        f.log->maxRunning = 0;
        r = f.destroy(3);
        QCOMPARE(r.counts.deleted, 6);
    }

    // The run's pool: every index of every batch exactly once, never more threads at once than asked, the
    // same helpers from batch to batch (a late helper never runs an index of a finished batch).
    void workerPoolRunsEachIndexOnceWithinItsThreads() {
        WorkerPool pool(4);
        std::mutex mutex;
        std::set<std::thread::id> threadsSeen;
        for (size_t batch = 0; batch < 200; ++batch) {
            const size_t count = batch % 7 == 0 ? 1 : 1 + batch % 37;
            std::vector<std::atomic<int>> calls(count);
            std::atomic<int> running{0}, mostAtOnce{0};
            pool.forEach(count, [&](size_t i) {
                const int now = ++running;
                for (int seen = mostAtOnce.load();
                     now > seen && !mostAtOnce.compare_exchange_weak(seen, now);)
                    ;
                ++calls[i];
                {
                    std::lock_guard lock(mutex);
                    threadsSeen.insert(std::this_thread::get_id());
                }
                --running;
            });
            for (size_t i = 0; i < count; ++i)
                QCOMPARE(calls[i].load(), 1);
            QVERIFY(mostAtOnce.load() <= 4);
        }
        QVERIFY(threadsSeen.size() <= 4); // the caller and three helpers, kept from batch to batch
        WorkerPool alone(1);
        std::vector<size_t> order;
        alone.forEach(5, [&](size_t i) { order.push_back(i); });
        QCOMPARE(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
    }

    void cancellationStopsStartingAndLeavesConsistentRecords() {
        Fixture f;
        addCancellingProvider(f, 2);
        std::vector<DeclaredResource> resources;
        for (int i = 0; i < 8; ++i)
            resources.push_back(resource("slow" + std::to_string(i), "test::Cancelling", props({{"i", i}})));
        // An orphan that must survive a cancelled run (finalize does not run).
        writeRecord(f.stageDir() / "orphan.json", "test::Thing", "orphan", "shop/dev/orphan", 0, props({}));
        RunReport r = f.run(Phase::Up, stack(f.root(), "shop", resources), 2);
        QVERIFY(r.result == RunResult::Cancelled);
        QVERIFY(r.counts.created >= 2);
        QVERIFY(r.counts.created < 8);
        QVERIFY(fs::exists(f.stageDir() / "orphan.json"));
        int present = 0;
        for (int i = 0; i < 8; ++i) {
            const fs::path file = f.stageDir() / ("slow" + std::to_string(i) + ".json");
            if (!fs::exists(file))
                continue;
            ++present;
            QCOMPARE(readJson(file)["status"].get<std::string>(), std::string("created"));
        }
        QCOMPARE(present, r.counts.created);
        QVERIFY(f.sink.events().back().result == RunResult::Cancelled);
    }

    // Default durability (batched) with --parallel > 1: a wave's in-flight records are all on disk before
    // the first of its changes starts (one sync for all), and everything ends settled with no temp file left.
    void wavesWriteInFlightRecordsBeforeAnyChangeStarts() {
        Fixture f;
        std::atomic<int> inFlightAtFirstApply{-1};
        const fs::path stageDir = f.stageDir();
        f.registry->add(
            std::make_unique<TestProvider>("test::Census", f.log, [&](ProviderContext& ctx) -> Json {
                int expected = -1;
                int creating = 0;
                for (const auto& entry : fs::directory_iterator(stageDir))
                    if (entry.path().extension() == ".json" &&
                        entry.path().filename().string().front() != '.')
                        creating += readJson(entry.path())["status"] == "creating" ? 1 : 0;
                inFlightAtFirstApply.compare_exchange_strong(expected, creating);
                return ctx.props();
            }));
        std::vector<DeclaredResource> resources;
        for (int i = 0; i < 20; ++i)
            resources.push_back(resource("c" + std::to_string(i), "test::Census", props({{"i", i}})));
        RunOptions o = options(Phase::Up, f.root(), f.registry);
        o.durability = Durability::Batched;
        o.parallel = 4;
        const StackFile s = stack(f.root(), "shop", resources);
        RunReport r = runPhaseWithStack(o, &s, f.sink, f.cancel);
        QVERIFY(r.result == RunResult::Succeeded);
        QCOMPARE(r.counts.created, 20);
        QCOMPARE(inFlightAtFirstApply.load(), 20);
        int created = 0;
        for (const auto& entry : fs::recursive_directory_iterator(f.root() / ".alchemy")) {
            const std::string name = entry.path().filename().string();
            QVERIFY2(name.find(".athanor-") == std::string::npos || entry.path().extension() == ".lock",
                     ("temp file left: " + entry.path().string()).c_str());
            if (entry.path().parent_path() == stageDir && entry.path().extension() == ".json")
                created += readJson(entry.path())["status"] == "created" ? 1 : 0;
        }
        QCOMPARE(created, 20);
        // A second run rewrites nothing, a destroy removes everything (batched too).
        r = runPhaseWithStack(o, &s, f.sink, f.cancel);
        QCOMPARE(r.counts.skipped, 20);
        RunOptions d = options(Phase::Destroy, f.root(), f.registry);
        d.durability = Durability::Batched;
        d.parallel = 4;
        d.app = "shop";
        r = runPhaseWithStack(d, nullptr, f.sink, f.cancel);
        QCOMPARE(r.counts.deleted, 20);
        QVERIFY(!fs::exists(stageDir));
    }

    // A first Ctrl-C in a wave: resources that had not started get their records back (none for a new one).
    void cancelledWaveLeavesUnstartedRecordsUntouched() {
        Fixture f;
        addCancellingProvider(f, 2);
        std::vector<DeclaredResource> resources;
        for (int i = 0; i < 8; ++i)
            resources.push_back(resource("slow" + std::to_string(i), "test::Cancelling", props({{"i", i}})));
        writeRecord(f.stageDir() / "slow7.json", "test::Cancelling", "slow7", "shop/dev/slow7", 7,
                    props({{"i", -1}}));
        const std::string before = readFile(f.stageDir() / "slow7.json");
        RunOptions o = options(Phase::Up, f.root(), f.registry);
        o.durability = Durability::Batched;
        o.parallel = 2;
        const StackFile s = stack(f.root(), "shop", resources);
        RunReport r = runPhaseWithStack(o, &s, f.sink, f.cancel);
        QVERIFY(r.result == RunResult::Cancelled);
        QVERIFY(r.counts.created >= 2);
        QVERIFY(r.counts.created < 7);
        int present = 0;
        for (int i = 0; i < 7; ++i) {
            const fs::path file = f.stageDir() / ("slow" + std::to_string(i) + ".json");
            if (!fs::exists(file))
                continue;
            ++present;
            QCOMPARE(readJson(file)["status"].get<std::string>(), std::string("created"));
        }
        QCOMPARE(present, r.counts.created);
        QCOMPARE(readFile(f.stageDir() / "slow7.json"), before); // its update never started: same bytes
    }

    void childScopePasswordSealsItsSecrets() {
        Fixture f;
        ScopeSpec team = scope("team", {resource("key", "test::Thing", props({{"k", secret("t")}}))});
        team.password = "team-scope-password";
        StackFile s = stack(f.root(), "shop", {resource("main", "test::Thing", props({{"k", secret("m")}}))});
        s.root.scopes.push_back(toDeclared(team, ""));
        RunReport r = f.run(Phase::Up, s);
        QVERIFY(r.result == RunResult::Succeeded);
        const Json teamRecord = readJson(f.stageDir() / "team/key.json");
        PasswordRing mainOnly, teamOnly;
        mainOnly.add(SecureString(kPassword));
        teamOnly.add(SecureString("team-scope-password"));
        QCOMPARE(openSecrets(teamRecord["props"], teamOnly, "x")["k"]["@secret"].get<std::string>(),
                 std::string("t"));
        QVERIFY_THROWS_EXCEPTION(SecretError, openSecrets(teamRecord["props"], mainOnly, "x"));
        QCOMPARE(openSecrets(readJson(f.stageDir() / "main.json")["props"], mainOnly, "x")["k"]["@secret"]
                     .get<std::string>(),
                 std::string("m"));
        // Secrets are compared by plaintext: a second run skips both.
        r = f.run(Phase::Up, s);
        QCOMPARE(r.counts.skipped, 2);
    }

    void secretWithoutPasswordFailsBeforeAnythingChanges() {
        Fixture f;
        StackFile s = stack(f.root(), "shop", {resource("a", "test::Thing", props({{"k", secret("m")}}))});
        RunOptions o = options(Phase::Up, f.root(), f.registry);
        QVERIFY_THROWS_EXCEPTION(StackError, runPhaseWithStack(o, &s, f.sink, f.cancel));
        QVERIFY(!fs::exists(f.root() / ".alchemy/shop"));
        QVERIFY(!fs::exists(lockFileOf(f)));
    }

    void stageNameResolution() {
        QCOMPARE(resolveStageName("prod"), std::string("prod"));
        qputenv("ALCHEMY_STAGE", "qa");
        QCOMPARE(resolveStageName(""), std::string("qa"));
        qunsetenv("ALCHEMY_STAGE");
        qputenv("USER", "alice");
        QCOMPARE(resolveStageName(""), std::string("alice"));
        qunsetenv("USER");
        QCOMPARE(resolveStageName(""), std::string("dev"));
    }

    void eventNames() {
        QCOMPARE(toString(EventType::RunStarted), std::string_view("run-started"));
        QCOMPARE(toString(EventType::Cleaned), std::string_view("cleaned"));
        QCOMPARE(toString(LogLevel::Warn), std::string_view("warn"));
        QCOMPARE(toString(RunResult::Cancelled), std::string_view("cancelled"));
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"

// Plan and Up agree: plan is computed by the decision code up acts on (decideChange, queueFinalize), in the
// order up applies resources, and a $ref to a resource that will change is "known after apply" rather than
// its stale stored value. Each scenario plans, then runs up, and compares what each says per resource.
#include "lifecycle/ChangeDecision.h"
#include "providers/BuiltinProviders.h"
#include "tst_lifecycle_support.h"

#include <QTemporaryDir>

using namespace lifecycle_test;

namespace {

struct Fixture {
    QTemporaryDir dir;
    fs::path root() const { return fs::path(dir.path().toStdString()); }
    fs::path stageDir() const { return root() / ".alchemy" / "shop" / "dev"; }
    std::shared_ptr<CallLog> log = std::make_shared<CallLog>();
    std::shared_ptr<ProviderRegistry> registry = std::make_shared<ProviderRegistry>();
    RecordingSink sink;

    Fixture() {
        registry->add(makeFileProvider());
        registry->add(makeCommandProvider());
        registry->add(std::make_unique<TestProvider>("test::Thing", log));
        registry->add(std::make_unique<TestProvider>("test::Always", log, TestProvider::ApplyFn{},
                                                     TestProvider::RemoveFn{}, true));
    }

    RunReport run(Phase phase, const StackFile& s, bool force = false, EventSink* sinkOverride = nullptr,
                  const CancellationToken* token = nullptr) {
        RunOptions o = options(phase, root(), registry);
        o.force = force;
        CancellationToken none;
        return runPhaseWithStack(o, &s, sinkOverride ? *sinkOverride : sink, token ? *token : none);
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

// The decision per resource (the first line of an fqn: a replacement made by this very run adds a line for
// the cleanup of the old copy, which the plan shows as part of "replace").
std::map<std::string, PlannedChange> byFqn(const RunReport& report) {
    std::map<std::string, PlannedChange> out;
    for (const auto& change : report.plan)
        out.emplace(change.fqn, change);
    return out;
}

// Plans, then runs up, and checks that both say the same for every resource.
void planThenUpAgree(Fixture& f, const StackFile& s, bool force = false) {
    const RunReport plan = f.run(Phase::Plan, s, force);
    const RunReport up = f.run(Phase::Up, s, force);
    const auto planned = byFqn(plan);
    const auto done = byFqn(up);
    QCOMPARE(planned.size(), done.size());
    for (const auto& [fqn, change] : planned) {
        QVERIFY2(done.count(fqn), fqn.c_str());
        const std::string what = fqn + ": plan says " + std::string(toString(change.action)) + " (" +
                                 change.reason + "), up did " + std::string(toString(done.at(fqn).action)) +
                                 " (" + done.at(fqn).reason + ")";
        QVERIFY2(change.action == done.at(fqn).action, what.c_str());
    }
}

// Cancels the run as soon as `fqn` has been updated (the first Ctrl-C: nothing new starts).
class CancelAfter final : public EventSink {
public:
    CancelAfter(std::string fqn, CancellationToken& token) : m_fqn(std::move(fqn)), m_token(token) {}
    void onEvent(const EngineEvent& event) override {
        if (event.type == EventType::Updated && event.fqn == m_fqn)
            m_token.cancel();
    }

private:
    std::string m_fqn;
    CancellationToken& m_token;
};

} // namespace

class TestLifecyclePlan : public QObject {
    Q_OBJECT

private slots:
    void aCancelledForcedUpThenUpAgree() {
        // The demo's chain: build (a new version every run) -> site/version (a file) -> smoke-test (its
        // triggers use the file's content).
        Fixture f;
        const StackFile s = stack(
            f.root(), "shop",
            {resource(
                "build", "athanor::Command",
                props({{"create", "n=$(cat counter 2>/dev/null || echo 0); n=$((n+1)); echo $n > counter; "
                                  "echo \"{\\\"version\\\": \\\"1.0.$n\\\"}\""}}))},
            {scope("site",
                   {resource("version", "fs::File",
                             props({{"path", "version.txt"}, {"content", ref("build", "result.version")}}),
                             {"build"}),
                    resource("smoke-test", "athanor::Command",
                             props({{"create", "true"},
                                    {"triggers", Json{{"version", ref("site/version", "content")}}}}),
                             {"site/version"})})});
        QVERIFY(f.run(Phase::Up, s).result == RunResult::Succeeded);

        // Force-Up, cancelled as soon as build has a new version: version and smoke-test never ran.
        CancellationToken cancel;
        CancelAfter canceller("shop/dev/build", cancel);
        QVERIFY(f.run(Phase::Up, s, true, &canceller, &cancel).result == RunResult::Cancelled);
        QCOMPARE(readFile(f.root() / "version.txt"), std::string("1.0.1"));

        const RunReport plan = f.run(Phase::Plan, s);
        const auto planned = byFqn(plan);
        QVERIFY(planned.at("shop/dev/build").action == PlannedChange::Action::Skip);
        QVERIFY(planned.at("shop/dev/site/version").action == PlannedChange::Action::Update);
        // Its triggers use the file's content, which changes: replaced, as up will do.
        const PlannedChange& smoke = planned.at("shop/dev/site/smoke-test");
        QVERIFY2(smoke.action == PlannedChange::Action::Replace, smoke.reason.c_str());
        QVERIFY2(smoke.reason.find("triggers changed") != std::string::npos, smoke.reason.c_str());
        QVERIFY2(smoke.reason.find("shop/dev/site/version") != std::string::npos, smoke.reason.c_str());
        QVERIFY2(smoke.diff.dump().find("known after apply") != std::string::npos, smoke.diff.dump().c_str());

        f.sink.clear();
        const RunReport up = f.run(Phase::Up, s);
        QVERIFY(up.result == RunResult::Succeeded);
        for (const auto& [fqn, change] : planned)
            QVERIFY2(byFqn(up).at(fqn).action == change.action, fqn.c_str());
        QCOMPARE(readFile(f.root() / "version.txt"), std::string("1.0.2"));
    }

    // "No changes" is decided on canonical text (JS key order, JS numbers), also when the documents are not
    // identical: the shortcut for identical props decides nothing else.
    void unchangedPropsAreDecidedOnCanonicalText() {
        Fixture f;
        Provider& files = *f.registry->find("fs::File");
        const auto decide = [&](const Json& stored, const Json& declared) {
            ChangeInputs in;
            in.declaredKind = "fs::File";
            in.exists = true;
            in.recordKind = "fs::File";
            in.status = ResourceStatus::Created;
            in.statusText = "created";
            in.storedProps = &stored;
            in.props = &declared;
            return QString::fromStdString(std::string(toString(decideChange(in, files).action)));
        };
        const Json same = Json::parse(R"({"path":"a.txt","content":"x","n":[1,-2,{"b":true,"c":null}]})");
        QCOMPARE(decide(same, same), QString("skip"));
        QCOMPARE(decide(Json::parse(R"({"path":"a.txt","n":1})"), Json::parse(R"({"path":"a.txt","n":1.0})")),
                 QString("skip")); // JSON.stringify prints both as 1
        QCOMPARE(decide(Json::parse(R"({"path":"a.txt","b":1,"7":2})"),
                        Json::parse(R"({"path":"a.txt","7":2,"b":1})")),
                 QString("skip")); // an array-index key comes first in JavaScript either way
        QCOMPARE(decide(Json::parse(R"({"path":"a.txt","b":1,"c":2})"),
                        Json::parse(R"({"path":"a.txt","c":2,"b":1})")),
                 QString("update")); // other keys keep their order
        QCOMPARE(decide(Json::parse(R"({"path":"a.txt","n":-1})"),
                        Json::parse(R"({"path":"a.txt","n":18446744073709551615})")),
                 QString("update"));
        QCOMPARE(decide(Json::parse(R"({"path":"a.txt","n":[1,2]})"),
                        Json::parse(R"({"path":"a.txt","n":[1,2,3]})")),
                 QString("update"));
    }

    void aUserDeclaredBeforeWhatItUsesIsPlannedAfterIt() {
        // "user" is declared first but $refs "base", whose props change: user's props change with it.
        Fixture f;
        const auto make = [&](int v) {
            return stack(f.root(), "shop",
                         {resource("user", "test::Thing", props({{"copy", ref("base", "v")}}), {"base"}),
                          resource("base", "test::Thing", props({{"v", v}}))});
        };
        QVERIFY(f.run(Phase::Up, make(1)).result == RunResult::Succeeded);
        const RunReport plan = f.run(Phase::Plan, make(2));
        QVERIFY(byFqn(plan).at("shop/dev/user").action == PlannedChange::Action::Update);
        planThenUpAgree(f, make(3));
        QCOMPARE(readJson(f.stageDir() / "user.json")["props"]["copy"].get<int>(), 3);
    }

    void planAndUpAgreeOnEveryKindOfChange() {
        Fixture f;
        const auto make = [&](int v, bool withOld) {
            std::vector<DeclaredResource> resources{
                resource("same", "test::Thing", props({{"v", 1}})),
                resource("changing", "test::Thing", props({{"v", v}})),
                resource("always", "test::Always", props({{"v", 1}})),
                resource("uses", "test::Thing", props({{"copy", ref("changing", "v")}}), {"changing"}),
                resource("cmd", "athanor::Command",
                         props({{"create", "true"}, {"triggers", Json{{"v", v}}}}))};
            if (withOld)
                resources.push_back(resource("old", "test::Thing", props({})));
            return stack(f.root(), "shop", resources,
                         {scope("grp", {resource("g", "test::Thing", props({{"v", ref("uses", "copy")}}),
                                                 {"uses"})})});
        };
        QVERIFY(f.run(Phase::Up, make(1, true)).result == RunResult::Succeeded);
        planThenUpAgree(f, make(1, true));        // nothing changed (always updated aside)
        planThenUpAgree(f, make(2, false));       // changes, a replacement, an orphan
        planThenUpAgree(f, make(2, false), true); // forced
        // An interrupted update is resumed.
        Json doc = readJson(f.stageDir() / "same.json");
        doc["status"] = "updating";
        writeFile(f.stageDir() / "same.json", doc.dump(2));
        planThenUpAgree(f, make(2, false));
    }
};

QTEST_GUILESS_MAIN(TestLifecyclePlan)
#include "tst_lifecycle_plan.moc"

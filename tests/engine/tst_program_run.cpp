// The Alchemy-program backend end to end, in process: real alchemy@0.94.0 programs (tests/data/programs) run
// under Node 20 (.mjs) and Bun (.ts) from the pinned install, checked by the files they make, the records
// they leave, the events Athanor emits and the processes left behind (by pid).
#include "NodeDeps.h"
#include "ProgramTestSupport.h"
#include "ScopedEnv.h"
#include "lifecycle/StageLock.h"
#include "program/ProgramBackend.h"
#include "program/ProgramRuntime.h"
#include "program/ProgramStage.h"
#include "program/RunTarget.h"
#include "secrets/SecretWalker.h"
#include "stack/StackLoader.h"

#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest>
#include <cstdlib>
#include <future>

using namespace athanor;
using namespace program_test;
namespace fs = std::filesystem;

namespace {

const char* const kPassword = "correct horse battery staple";

struct Project {
    QTemporaryDir dir;
    fs::path root;
    explicit Project(const std::string& program) : root(dir.path().toStdString()) {
        setUpProject(root, program, node_deps::nodeModules());
    }
    fs::path operator/(const std::string& relative) const { return root / relative; }
    std::string read(const std::string& relative) const { return test_files::readFile(root / relative); }
    bool exists(const std::string& relative) const { return fs::exists(root / relative); }
    Json record(const std::string& relativeToStage, const std::string& app = "prog") const {
        return parseJsonText(read(".alchemy/" + app + "/dev/" + relativeToStage));
    }
    std::vector<std::string> records(const std::string& app = "prog") const {
        std::vector<std::string> names;
        const fs::path stage = root / ".alchemy" / app / "dev";
        if (fs::exists(stage))
            for (const auto& entry : fs::recursive_directory_iterator(stage))
                if (entry.is_regular_file())
                    names.push_back(fs::relative(entry.path(), stage).string());
        std::sort(names.begin(), names.end());
        return names;
    }
};

RunRequest request(const Project& project, Phase phase, const std::string& runtime = {}) {
    RunRequest r;
    r.phase = phase;
    r.root = project.root;
    r.stage = "dev";
    r.program.runtime = runtime;
    return r;
}

std::string bun() {
    return node_deps::bin("bun").string();
}

RunReport run(const RunRequest& r, RecordingSink& sink) {
    CancellationToken cancel;
    ProgramBackend backend;
    return backend.run(r, sink, cancel);
}

const std::vector<std::string> kBasicCreated = {
    "created prog/dev/out",          "created prog/dev/config",    "created prog/dev/routes/api",
    "created prog/dev/left > right", "created prog/dev/note/copy", "created prog/dev/note",
    "created prog/dev/grp/inner"};

std::vector<std::string> finished(const RecordingSink& sink, EventType type) {
    std::vector<std::string> out;
    for (const auto& e : sink.ofType(type))
        out.push_back(std::string(toString(type)) + " " + e.fqn);
    return out;
}

void checkBasicLifecycle(Project& project, const std::string& runtime) {
    // up: files, records, events; progress has no total up front.
    RecordingSink up;
    RunReport report = run(request(project, Phase::Up, runtime), up);
    QVERIFY2(report.result == RunResult::Succeeded, up.allText().c_str());
    QCOMPARE(report.app, std::string("prog"));
    const auto started = up.ofType(EventType::RunStarted);
    QCOMPARE(started.size(), size_t(1));
    QVERIFY(started[0].indeterminate);
    QCOMPARE(started[0].app, std::string("prog"));
    QVERIFY(up.events().front().type == EventType::RunStarted);
    QVERIFY(up.events().back().type == EventType::RunFinished);
    QCOMPARE(finished(up, EventType::Created), kBasicCreated);
    QCOMPARE(report.counts.created, 7);
    // Every resource that started finished (the task list shows no stray "running" row).
    QCOMPARE(up.ofType(EventType::Creating).size(), size_t(7));
    std::map<std::string, std::string> kinds;
    for (const auto& e : up.ofType(EventType::Created))
        kinds[e.fqn] = e.kind;
    QCOMPARE(kinds["prog/dev/out"], std::string("fs::Folder"));
    QCOMPARE(kinds["prog/dev/note"], std::string("test::Note"));
    QCOMPARE(kinds["prog/dev/left > right"], std::string("fs::File"));
    QCOMPARE(project.read("out/config.txt"), std::string("v1"));
    QCOMPARE(project.read("out/note.txt.copy"), std::string("v1"));
    QCOMPARE(project.records(),
             (std::vector<std::string>{"config.json", "grp.json", "grp/inner.json", "left > right.json",
                                       "note.json", "note/copy.json", "out.json", "routes:api.json"}));
    QCOMPARE(project.record("config.json")["status"].get<std::string>(), std::string("created"));

    // A second up with one change: that resource updates, the rest is skipped.
    {
        test::ScopedEnv content("PROGRAM_CONTENT", "v2");
        RecordingSink again;
        report = run(request(project, Phase::Up, runtime), again);
        QVERIFY2(report.result == RunResult::Succeeded, again.allText().c_str());
        QCOMPARE(finished(again, EventType::Updated),
                 (std::vector<std::string>{"updated prog/dev/config", "updated prog/dev/note/copy",
                                           "updated prog/dev/note", "updated prog/dev/grp/inner"}));
        QCOMPARE(report.counts.skipped, 3);
        QCOMPARE(project.read("out/config.txt"), std::string("v2"));
    }

    // read: the outputs state holds; the program's own output is kept as a log line.
    RecordingSink read;
    report = run(request(project, Phase::Read, runtime), read);
    QVERIFY2(report.result == RunResult::Succeeded, read.allText().c_str());
    QCOMPARE(report.outputs.size(), size_t(7));
    QCOMPARE(report.outputs["prog/dev/config"]["content"].get<std::string>(), std::string("v2"));
    QCOMPARE(report.outputs["prog/dev/note/copy"]["path"].get<std::string>(),
             std::string("out/note.txt.copy"));
    QCOMPARE(report.counts.read, 7);
    QVERIFY(read.allText().find("READ config=v2") != std::string::npos);
    QVERIFY(read.ofType(EventType::Created).empty());

    // destroy: from state, with a known total; nothing left.
    RecordingSink destroy;
    report = run(request(project, Phase::Destroy, runtime), destroy);
    QVERIFY2(report.result == RunResult::Succeeded, destroy.allText().c_str());
    QCOMPARE(destroy.ofType(EventType::RunStarted)[0].total, 7);
    QVERIFY(!destroy.ofType(EventType::RunStarted)[0].indeterminate);
    QCOMPARE(report.counts.deleted, 7);
    QCOMPARE(project.records(), std::vector<std::string>{});
    QVERIFY(!project.exists("out"));
}

} // namespace

class TestProgramRun : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        ::unsetenv("ALCHEMY_PASSWORD");
        ::unsetenv("ATHANOR_RUNTIME");
        ::unsetenv("ALCHEMY_STAGE");
    }

    void upReadDestroyUnderNode() {
        requireNodeDeps();
        Project project("basic");
        checkBasicLifecycle(project, "");
    }

    void upReadDestroyUnderBun() {
        requireNodeDeps();
        Project project("basic-ts");
        checkBasicLifecycle(project, bun());
    }

    // TypeScript on Node 20: refused with the reason and bun offered; a project with bun.lock runs on bun.
    void typeScriptPicksBunLikeAlchemysCli() {
        requireNodeDeps();
        Project project("basic-ts");
        const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
        test::ScopedEnv withBun("PATH", node_deps::bin("bun").parent_path().string() + ":" + path);
        RecordingSink sink;
        try {
            run(request(project, Phase::Up), sink);
            QFAIL("node 20 cannot run alchemy.run.ts");
        } catch (const RuntimeError& e) {
            QVERIFY2(std::string(e.what()).find("alchemy.run.ts is TypeScript and node v20") !=
                         std::string::npos,
                     e.what());
            QVERIFY(e.alternative);
            QCOMPARE(e.alternative->filename().string(), std::string("bun"));
        }
        QVERIFY(sink.events().empty());
        QVERIFY(!project.exists(".alchemy/prog"));

        test_files::writeFile(project / "bun.lock", "{}");
        const RunReport report = run(request(project, Phase::Up), sink);
        QVERIFY2(report.result == RunResult::Succeeded, sink.allText().c_str());
        QVERIFY(sink.allText().find("with bun 1.") != std::string::npos);
        QCOMPARE(project.read("out/config.txt"), std::string("v1"));
    }

    void throwingHandlerEndsFailedWithResourceAndMessage() {
        requireNodeDeps();
        for (const std::string& runtime : {std::string(), bun()}) {
            Project project("throws");
            RecordingSink sink;
            const RunReport report = run(request(project, Phase::Up, runtime), sink);
            QVERIFY(report.result == RunResult::Failed);
            QCOMPARE(report.firstFailureFqn, std::string("prog/dev/bad-thing"));
            QCOMPARE(report.firstFailureMessage, std::string("quota exceeded for bad-thing: limit 3"));
            const auto failed = sink.ofType(EventType::Failed);
            QCOMPARE(failed.size(), size_t(1));
            QCOMPARE(failed[0].kind, std::string("test::Quota"));
            QCOMPARE(finished(sink, EventType::Created), std::vector<std::string>{"created prog/dev/before"});
            QCOMPARE(project.record("bad-thing.json")["status"].get<std::string>(), std::string("creating"));
            QVERIFY(!project.exists("out/after.txt"));
            QVERIFY(sink.events().back().result == RunResult::Failed);
        }
    }

    // Reference §12.2 / §14.2: the destroy fails with ERR_FS_EISDIR under Node and Alchemy exits 0 anyway.
    void folderDestroyBugEndsFailed() {
        requireNodeDeps();
        Project project("folder-destroy");
        RecordingSink up;
        QVERIFY(run(request(project, Phase::Up), up).result == RunResult::Succeeded);
        RecordingSink destroy;
        const RunReport report = run(request(project, Phase::Destroy), destroy);
        QVERIFY(report.result == RunResult::Failed);
        QCOMPARE(report.firstFailureFqn, std::string("prog/dev/data"));
        QVERIFY2(report.firstFailureMessage.find("EISDIR") != std::string::npos,
                 report.firstFailureMessage.c_str());
        bool leftNamed = false;
        for (const auto& error : report.errors)
            leftNamed =
                leftNamed || error.find("destroy left 1 record in prog/dev: prog/dev/data (fs::Folder)") !=
                                 std::string::npos;
        QVERIFY2(leftNamed, destroy.allText().c_str());
        QCOMPARE(report.counts.deleted, 1);
        QCOMPARE(project.records(), std::vector<std::string>{"data.json"});
    }

    void cancelDuringASlowResourceEndsCancelled() {
        requireNodeDeps();
        Project project("slow");
        RecordingSink sink;
        CancellationToken cancel;
        ProgramBackend backend;
        auto result = std::async(std::launch::async,
                                 [&] { return backend.run(request(project, Phase::Up), sink, cancel); });
        QVERIFY(waitFor([&] { return pidIn(project / "exec.pid") > 0; }));
        const long program = pidIn(project / "program.pid"), command = pidIn(project / "exec.pid");
        QVERIFY(processAlive(program) && processAlive(command));
        const auto asked = std::chrono::steady_clock::now();
        cancel.cancel();
        QVERIFY(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
        const RunReport report = result.get();
        QVERIFY(report.result == RunResult::Cancelled);
        QVERIFY(std::chrono::steady_clock::now() - asked < std::chrono::seconds(20));
        QVERIFY(waitFor([&] { return !processAlive(program) && !processAlive(command); },
                        std::chrono::seconds(5)));
        // The resource it was working on keeps its in-flight record; nothing after it started.
        QCOMPARE(project.record("slow.json")["status"].get<std::string>(), std::string("creating"));
        QVERIFY(!project.exists("after.txt"));
        QVERIFY(sink.ofType(EventType::Failed).empty());
        QVERIFY(sink.events().back().result == RunResult::Cancelled);
    }

    // The program ignores SIGINT (a cleanup that never ends, a command that traps INT): cancel alone does not
    // stop it; Stop now kills the whole group, and no process is left behind.
    void stopNowKillsTheWholeGroup() {
        requireNodeDeps();
        Project project("slow");
        test::ScopedEnv hang("HANG_ON_EXIT", "1");
        RecordingSink sink;
        CancellationToken cancel;
        ProgramBackend backend;
        auto result = std::async(std::launch::async,
                                 [&] { return backend.run(request(project, Phase::Up), sink, cancel); });
        QVERIFY(waitFor([&] { return pidIn(project / "exec.pid") > 0; }));
        const long program = pidIn(project / "program.pid"), command = pidIn(project / "exec.pid");
        cancel.cancel();
        QVERIFY(result.wait_for(std::chrono::milliseconds(2500)) == std::future_status::timeout);
        QVERIFY(processAlive(program));
        QVERIFY(processAlive(command));
        cancel.abort();
        QVERIFY(result.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
        QVERIFY(result.get().result == RunResult::Cancelled);
        QVERIFY(waitFor([&] { return !processAlive(program) && !processAlive(command); },
                        std::chrono::seconds(5)));
    }

    // The password goes to the program in its environment only; state with secrets and no password is
    // refused before anything starts.
    void passwordReachesTheProgram() {
        requireNodeDeps();
        Project project("secrets");
        RunRequest up = request(project, Phase::Up, bun());
        up.passwords.add(SecureString(kPassword));
        RecordingSink sink;
        const RunReport report = run(up, sink);
        QVERIFY2(report.result == RunResult::Succeeded, sink.allText().c_str());
        // The program sealed the secret with our password, and wrote its value: the two agree.
        PasswordRing ring;
        ring.add(SecureString(kPassword));
        const Json opened =
            revealSecrets(project.record("session-key.json", "vaultprog"), ring, "session-key");
        const std::string value = opened["output"]["value"].get<std::string>();
        QCOMPARE(value.size(), size_t(32));
        QCOMPARE(project.read("out/token.txt"), value);
        QVERIFY(sink.allText().find(kPassword) == std::string::npos);

        // Read with no password at all, or a wrong one: refused before starting.
        for (const char* password : {"", "wrong password"}) {
            RunRequest read = request(project, Phase::Read, bun());
            read.passwords.add(SecureString(password));
            RecordingSink refused;
            try {
                run(read, refused);
                QFAIL("refused expected");
            } catch (const PasswordNeededError& e) {
                QVERIFY2(std::string(e.what()).find("vaultprog/dev/session-key") != std::string::npos,
                         e.what());
            }
            QVERIFY(refused.events().empty());
        }

        // A wrong password first and the right one second: the right one is what the program gets.
        RunRequest read = request(project, Phase::Read, bun());
        read.passwords.add(SecureString("wrong password"));
        read.passwords.add(SecureString(kPassword));
        RecordingSink readSink;
        const RunReport outputs = run(read, readSink);
        QVERIFY2(outputs.result == RunResult::Succeeded, readSink.allText().c_str());
        QCOMPARE(outputs.outputs.at("vaultprog/dev/session-key")["value"]["@secret"].get<std::string>(),
                 value);

        // The project's .env may hold it, as Alchemy's CLI passes .env to the program.
        test_files::writeFile(project / ".env", std::string("ALCHEMY_PASSWORD=") + kPassword + "\n");
        RecordingSink envSink;
        QVERIFY(run(request(project, Phase::Up, bun()), envSink).result == RunResult::Succeeded);
    }

    // One writer per stage, whichever backend: a held lock refuses the program before it starts, and a
    // running program holds the lock against the engine.
    void programAndEngineExcludeEachOther() {
        requireNodeDeps();
        Project project("slow");
        {
            StageLock held =
                StageLock::acquire(DotAlchemyLayout::forProject(project.root), "prog", "dev", "up");
            RecordingSink sink;
            QVERIFY_THROWS_EXCEPTION(LockHeldError, run(request(project, Phase::Up), sink));
            QVERIFY(!project.exists("program.pid"));
        }
        RecordingSink sink;
        CancellationToken cancel;
        ProgramBackend backend;
        auto result = std::async(std::launch::async,
                                 [&] { return backend.run(request(project, Phase::Up), sink, cancel); });
        QVERIFY(waitFor([&] { return pidIn(project / "exec.pid") > 0; }));
        test_files::writeFile(project / "alchemy.stack.json", R"({"app": "prog", "resources": {}})");
        RunRequest engine;
        engine.phase = Phase::Destroy;
        engine.entry = project / "alchemy.stack.json";
        engine.stage = "dev";
        RecordingSink engineSink;
        CancellationToken engineCancel;
        QVERIFY_THROWS_EXCEPTION(LockHeldError,
                                 makeRunBackend(BackendKind::Engine)->run(engine, engineSink, engineCancel));
        cancel.abort();
        QVERIFY(result.get().result == RunResult::Cancelled);
    }

    // An app name only the program knows (computed): the lock is taken when the banner names the app, and a
    // lock held by another run stops the program there.
    void appNamedByTheBannerIsLockedThen() {
        requireNodeDeps();
        Project project("basic");
        test_files::writeFile(project / "alchemy.run.mjs", R"(import alchemy from "alchemy";
import { File } from "alchemy/fs";
import { writeFileSync } from "node:fs";
writeFileSync("program.pid", String(process.pid));
const app = await alchemy(["la", "te"].join(""));
await new Promise((resolve) => setTimeout(resolve, 3000));
await File("late-file", { path: "late.txt", content: "x" });
await app.finalize();
)");
        {
            StageLock held =
                StageLock::acquire(DotAlchemyLayout::forProject(project.root), "late", "dev", "up");
            RecordingSink sink;
            QVERIFY_THROWS_EXCEPTION(LockHeldError, run(request(project, Phase::Up), sink));
            // Killed: gone a moment after its output closed (an exiting process closes its files first).
            QVERIFY(waitFor([&] { return !processAlive(pidIn(project / "program.pid")); },
                            std::chrono::seconds(5)));
            QVERIFY(!project.exists("late.txt"));
        }
        RecordingSink sink;
        const RunReport report = run(request(project, Phase::Up), sink);
        QVERIFY2(report.result == RunResult::Succeeded, sink.allText().c_str());
        QCOMPARE(report.app, std::string("late"));
        QCOMPARE(finished(sink, EventType::Created), std::vector<std::string>{"created late/dev/late-file"});
        QVERIFY(sink.ofType(EventType::RunStarted)[0].app == "late");
    }

    void realRuntimesAreRecognised() {
        requireNodeDeps();
        const auto node = probeRuntime("/usr/bin/node");
        QVERIFY(node);
        QVERIFY(node->kind == RuntimeKind::Node);
        QVERIFY(node->major >= 20);
        const auto bunInfo = probeRuntime(bun());
        QVERIFY(bunInfo);
        QVERIFY(bunInfo->kind == RuntimeKind::Bun);
        QVERIFY(!probeRuntime("/bin/false"));
        // A missing program, or a plan asked of one: refused before anything runs.
        QTemporaryDir empty;
        RunRequest none;
        none.root = fs::path(empty.path().toStdString());
        RecordingSink sink;
        ProgramBackend backend;
        CancellationToken cancel;
        QVERIFY_THROWS_EXCEPTION(ProgramError, backend.run(none, sink, cancel));
        none.phase = Phase::Plan;
        QVERIFY_THROWS_EXCEPTION(ProgramError, backend.run(none, sink, cancel));
    }

    // A destroy dry run (what the GUI asks the built-in engine before its confirmation) asked of a real
    // program is refused before it runs: running it would destroy what a dry run promises not to touch.
    void aDryRunOfAProgramIsRefused() {
        requireNodeDeps();
        Project project("basic");
        RecordingSink up;
        QVERIFY(run(request(project, Phase::Up, ""), up).result == RunResult::Succeeded);
        const auto before = test_files::filesBelow(project.root);
        RunRequest dry = request(project, Phase::Destroy, "");
        dry.dryRun = true;
        RecordingSink sink;
        QVERIFY_THROWS_EXCEPTION(ProgramError, run(dry, sink));
        QVERIFY(sink.ofType(EventType::RunStarted).empty());
        QCOMPARE(test_files::filesBelow(project.root), before);
    }
};

QTEST_GUILESS_MAIN(TestProgramRun)
#include "tst_program_run.moc"

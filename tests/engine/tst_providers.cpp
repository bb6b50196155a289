// Built-in providers: real files in a temporary folder, Alchemy's output keys and key order (reference §12),
// athanor::Command's env, structured output, triggers and cancellation.
#include "EngineTestFiles.h"
#include "providers/BuiltinProviders.h"
#include "providers/ChildProcess.h"
#include "providers/PatternHash.h"
#include "providers/PlainJson.h"
#include "providers/Provider.h"

#include "json/Utf8.h"
#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

using namespace athanor;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

// A ProviderContext for calling handlers directly, recording logs and data.
class FakeContext : public ProviderContext {
public:
    FakeContext(HandlerPhase phase, std::string id, Json props, fs::path workingDirectory)
        : m_phase(phase), m_id(std::move(id)), m_fqn("app/dev/" + m_id), m_props(std::move(props)),
          m_workingDirectory(std::move(workingDirectory)) {}

    HandlerPhase phase() const override { return m_phase; }
    const std::string& id() const override { return m_id; }
    const std::string& fqn() const override { return m_fqn; }
    const std::string& stage() const override { return m_stage; }
    const Json& props() const override { return m_props; }
    const Json& previousProps() const override { return m_previousProps; }
    const Json& previousOutput() const override { return m_previousOutput; }
    bool isReplacement() const override { return false; }
    bool adopt() const override { return false; }
    bool quiet() const override { return false; }
    const fs::path& workingDirectory() const override { return m_workingDirectory; }
    const CancellationToken& cancellation() const override { return m_cancel; }
    std::optional<Json> dataGet(const std::string& key) override {
        if (!m_data.contains(key))
            return std::nullopt;
        return m_data[key];
    }
    void dataSet(const std::string& key, Json value) override { m_data[key] = std::move(value); }
    void dataDelete(const std::string& key) override { m_data.erase(key); }
    [[noreturn]] void replace(bool force) override { throw ReplaceSignal{force}; }
    void log(LogLevel level, const std::string& message) override {
        std::lock_guard lock(m_logMutex);
        logs.emplace_back(level, message);
    }

    HandlerPhase m_phase;
    std::string m_id, m_fqn, m_stage = "dev";
    Json m_props, m_previousProps = Json::object(), m_previousOutput;
    fs::path m_workingDirectory;
    CancellationToken m_cancel;
    Json m_data = Json::object();
    std::mutex m_logMutex;
    std::vector<std::pair<LogLevel, std::string>> logs;
};

std::vector<std::string> keysOf(const Json& object) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items())
        keys.push_back(key);
    return keys;
}

// Envelope keys as state holds them, to check handlers strip them when returning a previous output.
Json withEnvelope(Json output, const std::string& kind) {
    Json full = Json::object();
    full["Symbol(alchemy::ResourceKind)"] = kind;
    full["Symbol(alchemy::ResourceID)"] = "x";
    for (auto& [key, value] : output.items())
        full[key] = value;
    return full;
}

Provider& builtin(const std::string& kind) {
    static const auto registry = ProviderRegistry::withBuiltins();
    Provider* provider = registry->find(kind);
    if (!provider)
        throw std::runtime_error("no provider " + kind);
    return *provider;
}

// A killed process whose new parent has not reaped it yet still answers kill(pid, 0).
bool isZombie(pid_t pid) {
    const std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

QString message(const std::exception& e) {
    return QString::fromStdString(e.what());
}

} // namespace

class TestProviders : public QObject {
    Q_OBJECT

private slots:
    void registryHoldsTheBuiltins() {
        const auto registry = ProviderRegistry::withBuiltins();
        const std::vector<std::string> expected{"athanor::Command", "fs::CopyFile", "fs::File",
                                                "fs::Folder",       "os::Exec",     "random::String"};
        QCOMPARE(registry->kinds(), expected);
        QVERIFY(registry->find("os::Exec")->alwaysUpdate());
        QVERIFY(!registry->find("fs::File")->alwaysUpdate());
        QVERIFY(registry->find("nope::Kind") == nullptr);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, registry->add(makeFileProvider()));
    }

    void plainJsonHelpers() {
        const Json value = Json::parse(R"({"a":{"@secret":"s"},"b":[{"@secret":{"data":1}}],"c":"x"})");
        QCOMPARE(unwrapSecrets(value).dump(), std::string(R"({"a":"s","b":[{"data":1}],"c":"x"})"));
        QCOMPARE(maskSecrets(value, "*").dump(), std::string(R"({"a":"*","b":["*"],"c":"x"})"));
        const Json envelope = withEnvelope(Json{{"path", "p"}}, "fs::File");
        QCOMPARE(withoutEnvelope(envelope).dump(), std::string(R"({"path":"p"})"));
        // The moving forms give the same documents (key order included).
        QCOMPARE(maskSecrets(Json(value), "*").dump(), maskSecrets(value, "*").dump());
        QCOMPARE(maskSecrets(Json(value["a"]), "*").dump(), std::string(R"("*")"));
        Json nested =
            withEnvelope(Json{{"z", 1}, {"s", {{"@secret", "t"}}}, {"a", Json::array({2, 3})}}, "k");
        QCOMPARE(withoutEnvelope(Json(nested)).dump(), withoutEnvelope(nested).dump());
        QCOMPARE(withoutEnvelope(Json("text")).dump(), std::string(R"("text")"));
        QCOMPARE(toWellFormedUtf8("ok \xC3\xA9 \xFF end"), std::string("ok \xC3\xA9 \xEF\xBF\xBD end"));
        QCOMPARE(toWellFormedUtf8("\xE2\x82"), std::string("\xEF\xBF\xBD"));
        QCOMPARE(tailOf("1\n2\n3\n4\n", 2), std::string("3\n4"));
        QCOMPARE(tailOf("only", 2), std::string("only"));
    }

    void fileCreateUpdateDelete() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& file = builtin("fs::File");

        FakeContext create(HandlerPhase::Create, "config.json",
                           Json{{"path", "out/config.json"}, {"content", "{\"a\":1}"}}, root);
        const Json output = file.apply(create);
        QCOMPARE(keysOf(output), (std::vector<std::string>{"path", "content"}));
        QCOMPARE(output["path"].get<std::string>(), std::string("out/config.json"));
        QCOMPARE(readFile(root / "out/config.json"), std::string("{\"a\":1}"));

        // The path defaults to the id.
        FakeContext byId(HandlerPhase::Create, "notes.txt", Json{{"content", "n"}}, root);
        QCOMPARE(file.apply(byId)["path"].get<std::string>(), std::string("notes.txt"));
        QVERIFY(fs::exists(root / "notes.txt"));

        // A new path removes the old file, with Alchemy's log line.
        FakeContext update(HandlerPhase::Update, "config.json",
                           Json{{"path", "out/moved.json"}, {"content", "new"}}, root);
        update.m_previousOutput = withEnvelope(output, "fs::File");
        file.apply(update);
        QVERIFY(!fs::exists(root / "out/config.json"));
        QCOMPARE(readFile(root / "out/moved.json"), std::string("new"));
        QCOMPARE(update.logs.size(), size_t(1));
        QCOMPARE(update.logs[0].second,
                 std::string("File: Path changed from out/config.json to out/moved.json, removing old file"));

        // A secret content is written as plaintext and stays a secret in the output.
        FakeContext secret(HandlerPhase::Create, "s", Json{{"content", wrapSecret("hidden")}}, root);
        QVERIFY(isPlainSecret(file.apply(secret)["content"]));
        QCOMPARE(readFile(root / "s"), std::string("hidden"));

        FakeContext remove(HandlerPhase::Delete, "config.json", Json{{"path", "out/moved.json"}}, root);
        file.remove(remove);
        QVERIFY(!fs::exists(root / "out/moved.json"));
        file.remove(remove); // already gone: fine

        FakeContext bad(HandlerPhase::Create, "x", Json{{"content", 5}}, root);
        try {
            file.apply(bad);
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            QCOMPARE(message(e), QString("fs::File: prop \"content\" must be a string (got number)"));
        }
    }

    void folderCreateAndDelete() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& folder = builtin("fs::Folder");

        FakeContext create(HandlerPhase::Create, "assets", Json{{"path", "out/a/b"}}, root);
        const Json output = folder.apply(create);
        QCOMPARE(output.dump(), std::string(R"({"path":"out/a/b"})"));
        QVERIFY(fs::is_directory(root / "out/a/b"));
        folder.apply(create); // exists already: fine

        FakeContext byId(HandlerPhase::Create, "data", Json::object(), root);
        QCOMPARE(folder.apply(byId).dump(), std::string(R"({"path":"data"})"));

        // Not empty, no clean: left in place with a warning, and the delete succeeds.
        writeFile(root / "out/a/b/keep.txt", "k");
        FakeContext keep(HandlerPhase::Delete, "assets", Json{{"path", "out/a/b"}}, root);
        folder.remove(keep);
        QVERIFY(fs::exists(root / "out/a/b/keep.txt"));
        QCOMPARE(keep.logs.size(), size_t(1));
        QVERIFY(keep.logs[0].first == LogLevel::Warn);
        QVERIFY(keep.logs[0].second.find("not empty") != std::string::npos);

        // delete: false keeps it; clean: true removes it with its contents.
        FakeContext retain(HandlerPhase::Delete, "assets", Json{{"path", "out/a/b"}, {"delete", false}},
                           root);
        folder.remove(retain);
        QVERIFY(fs::exists(root / "out/a/b"));
        FakeContext clean(HandlerPhase::Delete, "assets", Json{{"path", "out/a/b"}, {"clean", true}}, root);
        folder.remove(clean);
        QVERIFY(!fs::exists(root / "out/a/b"));

        // Empty: removed.
        FakeContext empty(HandlerPhase::Delete, "data", Json::object(), root);
        folder.remove(empty);
        QVERIFY(!fs::exists(root / "data"));
        folder.remove(empty); // missing: fine
    }

    void copyFile() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& copy = builtin("fs::CopyFile");
        writeFile(root / "src.txt", "source");

        const long long before = epochMilliseconds();
        FakeContext create(HandlerPhase::Create, "backup", Json{{"src", "src.txt"}, {"dest", "dest.txt"}},
                           root);
        const Json output = copy.apply(create);
        QCOMPARE(keysOf(output),
                 (std::vector<std::string>{"src", "dest", "overwrite", "copied", "createdAt"}));
        QCOMPARE(output["overwrite"].get<bool>(), true);
        QCOMPARE(output["copied"].get<bool>(), true);
        QVERIFY(output["createdAt"].is_number_integer());
        QVERIFY(output["createdAt"].get<long long>() >= before);
        QVERIFY(output["createdAt"].get<long long>() <= epochMilliseconds());
        QCOMPARE(readFile(root / "dest.txt"), std::string("source"));

        // overwrite: false keeps an existing destination.
        writeFile(root / "dest.txt", "mine");
        FakeContext keep(HandlerPhase::Create, "backup",
                         Json{{"src", "src.txt"}, {"dest", "dest.txt"}, {"overwrite", false}}, root);
        copy.apply(keep);
        QCOMPARE(readFile(root / "dest.txt"), std::string("mine"));

        // A new dest removes the old one.
        FakeContext update(HandlerPhase::Update, "backup", Json{{"src", "src.txt"}, {"dest", "other.txt"}},
                           root);
        update.m_previousOutput = withEnvelope(output, "fs::CopyFile");
        copy.apply(update);
        QVERIFY(!fs::exists(root / "dest.txt"));
        QCOMPARE(readFile(root / "other.txt"), std::string("source"));

        FakeContext missing(HandlerPhase::Create, "b", Json{{"src", "nope.txt"}, {"dest", "d.txt"}}, root);
        QVERIFY_THROWS_EXCEPTION(ProviderError, copy.apply(missing));
        QCOMPARE(missing.logs.size(), size_t(1));
        QVERIFY(missing.logs[0].first == LogLevel::Error);
        QVERIFY(missing.logs[0].second.starts_with("Error copying file from nope.txt to d.txt"));

        FakeContext remove(HandlerPhase::Delete, "backup", Json{{"src", "src.txt"}, {"dest", "other.txt"}},
                           root);
        copy.remove(remove);
        QVERIFY(!fs::exists(root / "other.txt"));
        QVERIFY(fs::exists(root / "src.txt"));
    }

    void execOutputMatchesAlchemy() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& exec = builtin("os::Exec");
        // The props of the real fixture's "build" resource give its output keys in its order.
        FakeContext build(HandlerPhase::Create, "build",
                          Json{{"command", "echo building shop dev"}, {"inheritStdio", false}}, root);
        const Json output = exec.apply(build);
        QCOMPARE(keysOf(output), (std::vector<std::string>{"id", "command", "inheritStdio", "exitCode",
                                                           "stdout", "stderr", "executedAt", "completed"}));
        QCOMPARE(output["id"].get<std::string>(), std::string("build"));
        QCOMPARE(output["stdout"].get<std::string>(), std::string("building shop dev\n"));
        QCOMPARE(output["exitCode"].get<int>(), 0);
        QCOMPARE(output["completed"].get<bool>(), true);

        // Every optional prop present: Alchemy's full key order; the env secret reaches the command.
        fs::create_directories(root / "work");
        Json env = Json::object();
        env["API_KEY"] = wrapSecret("exec-env-secret");
        env["PLAIN"] = "plain-env";
        FakeContext full(HandlerPhase::Create, "with-env",
                         Json{{"command", "printenv API_KEY; pwd"},
                              {"cwd", "work"},
                              {"env", env},
                              {"memoize", true},
                              {"inheritStdio", false}},
                         root);
        const Json fullOutput = exec.apply(full);
        QCOMPARE(keysOf(fullOutput),
                 (std::vector<std::string>{"id", "command", "cwd", "env", "memoize", "inheritStdio",
                                           "exitCode", "stdout", "stderr", "executedAt", "completed"}));
        QCOMPARE(fullOutput["stdout"].get<std::string>(),
                 "exec-env-secret\n" + fs::canonical(root / "work").string() + "\n");
        QVERIFY(isPlainSecret(fullOutput["env"]["API_KEY"]));
    }

    void execInheritMemoizeAndFailures() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& exec = builtin("os::Exec");

        // inheritStdio (the default): lines go to the log, stdout/stderr stay empty as in Alchemy.
        FakeContext inherit(HandlerPhase::Create, "hello", Json{{"command", "echo one; echo two"}}, root);
        const Json output = exec.apply(inherit);
        QCOMPARE(output["stdout"].get<std::string>(), std::string());
        QCOMPARE(output["inheritStdio"].get<bool>(), true);
        QCOMPARE(inherit.logs.size(), size_t(2));
        QCOMPARE(inherit.logs[1].second, std::string("two"));

        // memoize: an update with the same command returns the previous output without running.
        const Json props{{"command", "echo ran >> count.txt"}, {"memoize", true}};
        FakeContext first(HandlerPhase::Create, "m", props, root);
        const Json firstOutput = exec.apply(first);
        FakeContext again(HandlerPhase::Update, "m", props, root);
        again.m_previousProps = props;
        again.m_previousOutput = withEnvelope(firstOutput, "os::Exec");
        QCOMPARE(exec.apply(again).dump(), firstOutput.dump());
        QCOMPARE(readFile(root / "count.txt"), std::string("ran\n"));

        // memoize with patterns: the hash is in the output; a changed input file re-runs the command.
        writeFile(root / "src/a.txt", "A");
        writeFile(root / "src/b.txt", "B");
        const Json patternProps{{"command", "echo ran >> count2.txt"},
                                {"memoize", Json{{"patterns", Json::array({"src/**"})}}}};
        FakeContext hashed(HandlerPhase::Create, "h", patternProps, root);
        const Json hashedOutput = exec.apply(hashed);
        QCOMPARE(keysOf(hashedOutput).back(), std::string("hash"));
        const auto hexOf = [](const QByteArray& bytes) {
            return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
        };
        const QByteArray expected = hexOf(hexOf("A") + hexOf("B"));
        QCOMPARE(QByteArray::fromStdString(hashedOutput["hash"].get<std::string>()), expected);
        FakeContext unchanged(HandlerPhase::Update, "h", patternProps, root);
        unchanged.m_previousOutput = withEnvelope(hashedOutput, "os::Exec");
        exec.apply(unchanged);
        QCOMPARE(readFile(root / "count2.txt"), std::string("ran\n"));
        writeFile(root / "src/b.txt", "B2");
        exec.apply(unchanged);
        QCOMPARE(readFile(root / "count2.txt"), std::string("ran\nran\n"));

        FakeContext failing(HandlerPhase::Create, "f", Json{{"command", "echo bad >&2; exit 3"}}, root);
        try {
            exec.apply(failing);
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            QCOMPARE(message(e), QString("Command failed with exit code 3: echo bad >&2; exit 3\nbad\n"));
        }
        // Alchemy counts a signal as success; Athanor does not.
        FakeContext killed(HandlerPhase::Create, "k", Json{{"command", "kill -TERM $$"}}, root);
        try {
            exec.apply(killed);
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            QVERIFY2(message(e).startsWith("Command killed by signal 15"), e.what());
        }
        exec.remove(killed); // a no-op
    }

    void patternGlobAndLocaleOrder() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        writeFile(root / "src/a.ts", "");
        writeFile(root / "src/deep/b.ts", "");
        writeFile(root / "src/deep/c.js", "");
        writeFile(root / "src/.hidden.ts", "");
        auto sorted = [](std::vector<std::string> v) {
            std::sort(v.begin(), v.end());
            return v;
        };
        QCOMPARE(sorted(globFiles(root, "src/**/*.ts")),
                 (std::vector<std::string>{"src/a.ts", "src/deep/b.ts"}));
        QCOMPARE(sorted(globFiles(root, "./src/*")), (std::vector<std::string>{"src/a.ts"}));
        QCOMPARE(sorted(globFiles(root, "src/**")),
                 (std::vector<std::string>{"src/a.ts", "src/deep/b.ts", "src/deep/c.js"}));
        QCOMPARE(globFiles(root, "src/deep/[bx].ts"), (std::vector<std::string>{"src/deep/b.ts"}));

        QVERIFY(localeLess("a", "B"));
        QVERIFY(localeLess("B", "c"));
        QVERIFY(localeLess("a", "A"));
        QVERIFY(!localeLess("A", "a"));
        QVERIFY(localeLess("a_b", "a-b"));
        QVERIFY(localeLess("a-b", "a1"));
        QVERIFY(localeLess("file10", "file2"));
        QVERIFY(localeLess("/x/a/z", "/x/b"));
    }

    void randomString() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& random = builtin("random::String");
        FakeContext create(HandlerPhase::Create, "key", Json{{"length", 16}}, root);
        const Json output = random.apply(create);
        QCOMPARE(keysOf(output), (std::vector<std::string>{"length", "encoding", "value"}));
        QCOMPARE(output["encoding"].get<std::string>(), std::string("hex"));
        QVERIFY(isPlainSecret(output["value"]));
        const std::string hex = output["value"]["@secret"].get<std::string>();
        QCOMPARE(hex.size(), size_t(32));
        QVERIFY(hex.find_first_not_of("0123456789abcdef") == std::string::npos);

        FakeContext defaults(HandlerPhase::Create, "key2", Json::object(), root);
        QCOMPARE(random.apply(defaults)["value"]["@secret"].get<std::string>().size(), size_t(64));
        FakeContext base64(HandlerPhase::Create, "key3", Json{{"length", 3}, {"encoding", "base64"}}, root);
        QCOMPARE(random.apply(base64)["value"]["@secret"].get<std::string>().size(), size_t(4));

        // Update: previous props with the same length and encoding keep the value ...
        FakeContext same(HandlerPhase::Update, "key", Json{{"length", 16}, {"encoding", "hex"}, {"note", 1}},
                         root);
        same.m_previousProps = Json{{"length", 16}, {"encoding", "hex"}};
        same.m_previousOutput = withEnvelope(output, "random::String");
        QCOMPARE(random.apply(same).dump(), output.dump());
        // ... but previous props that omitted the encoding regenerate it, as Alchemy does.
        FakeContext omitted(HandlerPhase::Update, "key", Json{{"length", 16}, {"encoding", "hex"}}, root);
        omitted.m_previousProps = Json{{"length", 16}};
        omitted.m_previousOutput = withEnvelope(output, "random::String");
        QVERIFY(random.apply(omitted)["value"] != output["value"]);

        FakeContext bad(HandlerPhase::Create, "k", Json{{"encoding", "base32"}}, root);
        QVERIFY_THROWS_EXCEPTION(ProviderError, random.apply(bad));
    }

    void commandCreateUpdateDelete() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& command = builtin("athanor::Command");
        Json env = Json::object();
        env["TOKEN"] = wrapSecret("t0k3n");
        const Json props{{"create", "echo creating; echo \"{\\\"id\\\":\\\"$TOKEN-1\\\",\\\"n\\\":2}\""},
                         {"update", "echo \"$ATHANOR_PHASE $ATHANOR_RESULT_ID $ATHANOR_OUTPUT_EXITCODE\""},
                         {"delete", "echo \"$ATHANOR_RESULT_ID\" > deleted.txt"},
                         {"env", env},
                         {"triggers", Json{{"version", 1}}}};
        FakeContext create(HandlerPhase::Create, "thing", props, root);
        const Json output = command.apply(create);
        QCOMPARE(keysOf(output), (std::vector<std::string>{"command", "exitCode", "stdout", "stderr",
                                                           "result", "executedAt"}));
        QCOMPARE(output["result"].dump(), std::string(R"({"id":"t0k3n-1","n":2})"));

        FakeContext update(HandlerPhase::Update, "thing", props, root);
        update.m_previousProps = props;
        update.m_previousOutput = withEnvelope(output, "athanor::Command");
        const Json updated = command.apply(update);
        QCOMPARE(updated["stdout"].get<std::string>(), std::string("update t0k3n-1 0\n"));
        QVERIFY(!updated.contains("result"));

        // A trigger change replaces the resource.
        Json changed = props;
        changed["triggers"]["version"] = 2;
        FakeContext retrigger(HandlerPhase::Update, "thing", changed, root);
        retrigger.m_previousProps = props;
        retrigger.m_previousOutput = withEnvelope(output, "athanor::Command");
        QVERIFY_THROWS_EXCEPTION(ReplaceSignal, command.apply(retrigger));

        FakeContext remove(HandlerPhase::Delete, "thing", props, root);
        remove.m_previousOutput = withEnvelope(output, "athanor::Command");
        command.remove(remove);
        QCOMPARE(readFile(root / "deleted.txt"), std::string("t0k3n-1\n"));
    }

    void commandErrors() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& command = builtin("athanor::Command");
        FakeContext failing(
            HandlerPhase::Create, "f",
            Json{{"create", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; "
                            "do echo line$i >&2; done; exit 7"}},
            root);
        try {
            command.apply(failing);
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            const QString text = message(e);
            QVERIFY2(text.startsWith("athanor::Command: create command failed with exit code 7: "), e.what());
            QVERIFY(text.endsWith(
                "line3\nline4\nline5\nline6\nline7\nline8\nline9\nline10\nline11\nline12\n"
                "line13\nline14\nline15\nline16\nline17\nline18\nline19\nline20\nline21\nline22"));
            QVERIFY(!text.contains("line2\n"));
        }
        FakeContext typo(HandlerPhase::Create, "t", Json{{"create", "true"}, {"delte", "x"}}, root);
        try {
            command.apply(typo);
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            QVERIFY2(message(e).startsWith("athanor::Command: unknown prop \"delte\""), e.what());
        }
        FakeContext noCreate(HandlerPhase::Create, "n", Json{{"delete", "true"}}, root);
        QVERIFY_THROWS_EXCEPTION(ProviderError, command.apply(noCreate));
    }

    void commandCancelLetsTheRunningCommandFinish() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& command = builtin("athanor::Command");
        FakeContext ctx(HandlerPhase::Create, "c", Json{{"create", "sleep 0.4; echo finished"}}, root);
        // A plain cancel only stops new resources from starting; this one was already running.
        ctx.m_cancel.cancel();
        const Json output = command.apply(ctx);
        QCOMPARE(output["exitCode"].get<int>(), 0);
        QCOMPARE(output["stdout"].get<std::string>(), std::string("finished\n"));
    }

    void commandAbortKillsTheProcessGroup() {
        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        Provider& command = builtin("athanor::Command");
        FakeContext slow(HandlerPhase::Create, "slow", Json{{"create", "sleep 30 & echo $! > bg.pid; wait"}},
                         root);
        std::thread canceller([&] {
            for (int i = 0; i < 100 && !fs::exists(root / "bg.pid"); ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            slow.m_cancel.abort();
        });
        QElapsedTimer timer;
        timer.start();
        try {
            command.apply(slow);
            canceller.join();
            QFAIL("expected ProviderError");
        } catch (const ProviderError& e) {
            canceller.join();
            QVERIFY2(message(e).contains("stopped by an abort"), e.what());
        }
        QVERIFY(timer.elapsed() < 10000);
        const pid_t background = std::stoi(readFile(root / "bg.pid"));
        // The background sleep was in the command's process group, so it is gone too.
        bool gone = false;
        for (int i = 0; i < 50 && !gone; ++i) {
            gone = ::kill(background, 0) != 0 || isZombie(background);
            if (!gone)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        QVERIFY(gone);
    }
};

QTEST_APPLESS_MAIN(TestProviders)
#include "tst_providers.moc"

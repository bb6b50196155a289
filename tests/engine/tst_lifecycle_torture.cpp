// Kill -9 torture: athanorctl up and destroy with default flags (parallel, in-flight records written a wave
// at a time with one sync, settled ones synced at wave and run boundaries) over a few hundred resources,
// SIGKILLed at random moments. After every kill each record file must parse and be one of: old (settled,
// version 1 props), new (settled, version 2 props) or in progress (creating / updating with version 2 props),
// and what is on disk must agree with it (a settled record's file has its content; a deleted record's file is
// gone; a folder, a scope or a $ref target goes only after what lies in it or uses it). Then a run without
// kill converges: up leaves exactly version 2, destroy leaves nothing, and no temp file or lock is left
// behind.
//
// The seed is printed; ATHANOR_TORTURE_SEED=<seed> replays the same stacks and kill moments.
#include "EngineTestFiles.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

using namespace athanor;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

constexpr int kStageFiles = 150; // out/data/fNNN.txt, every 10th $refs the one before it
constexpr int kScopeFiles = 75;  // scope s1: out/s1/gNN.txt
constexpr int kDeepFiles = 50;   // scope s2 > deep: out/s2/hNN.txt
constexpr int kUpKills = 8;
constexpr int kDestroyKills = 6;

std::string pad(int i) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03d", i);
    return buf;
}

// One declared file: where it is in the stack, what it writes, and what it $refs.
struct FileSpec {
    std::string fqn; // torture/dev/<scopes>/<id>
    std::string id;
    std::string path;     // relative to the project
    std::string content;  // resolved
    std::string refersTo; // the fqn it $refs ("" for none)
};

struct Version {
    std::map<std::string, FileSpec> files; // by fqn
    Json stack;
};

// Version 1 or 2 of the stack. Version 2 changes every content, drops some files (orphans, among them a
// whole nested scope's tail) and adds new ones.
Version makeVersion(int version) {
    Version v;
    const std::string tag = "v" + std::to_string(version);
    Json resources = Json::object();
    resources["data"] = Json{{"kind", "fs::Folder"}, {"props", Json{{"path", "out/data"}, {"clean", true}}}};
    const int stageCount = version == 1 ? kStageFiles : kStageFiles + 10;
    for (int i = version == 1 ? 0 : 0; i < stageCount; ++i) {
        if (version == 2 && i >= kStageFiles - 10 && i < kStageFiles)
            continue; // orphans in version 2
        FileSpec f;
        f.id = "f" + pad(i);
        f.fqn = "torture/dev/" + f.id;
        f.path = "out/data/" + f.id + ".txt";
        Json props = Json{{"path", f.path}};
        const bool refers = i % 10 == 5 && v.files.count("torture/dev/f" + pad(i - 1));
        if (refers) {
            f.refersTo = "torture/dev/f" + pad(i - 1);
            f.content = v.files.at(f.refersTo).content;
            props["content"] = Json{{"$ref", "f" + pad(i - 1)}, {"output", "content"}};
        } else {
            f.content = tag + " " + f.id;
            props["content"] = f.content;
        }
        resources[f.id] = Json{{"kind", "fs::File"}, {"props", props}};
        v.files[f.fqn] = f;
    }
    const auto scopeFiles = [&](const std::string& scopePath, const std::string& prefix, int count,
                                int drop) {
        Json out = Json::object();
        for (int i = 0; i < count - drop; ++i) {
            FileSpec f;
            f.id = prefix + pad(i);
            f.fqn = "torture/dev/" + scopePath + "/" + f.id;
            f.path = "out/" + scopePath + "/" + f.id + ".txt";
            f.content = tag + " " + f.fqn;
            out[f.id] = Json{{"kind", "fs::File"}, {"props", Json{{"path", f.path}, {"content", f.content}}}};
            v.files[f.fqn] = f;
        }
        return out;
    };
    Json scopes = Json::object();
    scopes["s1"] = Json{{"resources", scopeFiles("s1", "g", kScopeFiles, 0)}};
    scopes["s2"] = Json{
        {"scopes",
         Json{{"deep", Json{{"resources", scopeFiles("s2/deep", "h", kDeepFiles, version == 1 ? 0 : 10)}}}}}};
    v.stack = Json{{"app", "torture"}, {"resources", resources}, {"scopes", scopes}};
    return v;
}

struct Record {
    std::string fqn, kind, status;
    Json props;
};

class Torture {
public:
    Torture(const fs::path& root, std::mt19937& random) : m_root(root), m_random(random) {}

    fs::path stageDir() const { return m_root / ".alchemy/torture/dev"; }

    // Runs athanorctl; with `killAfter`, SIGKILLs it then (unless it finished before). Returns the exit code
    // (-1 when killed) and how long it ran.
    std::pair<int, std::chrono::milliseconds> run(const QStringList& args,
                                                  std::optional<std::chrono::milliseconds> killAfter) {
        QProcess p;
        p.setWorkingDirectory(QString::fromStdString(m_root.string()));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("NO_COLOR", "1");
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::MergedChannels);
        const auto started = std::chrono::steady_clock::now();
        p.start(QStringLiteral(ATHANOR_BIN_DIR "/athanorctl"), args);
        if (!p.waitForStarted())
            throw std::runtime_error("athanorctl did not start");
        if (killAfter) {
            if (!p.waitForFinished(static_cast<int>(killAfter->count())))
                p.kill();
        }
        p.waitForFinished(120000);
        m_lastOutput = p.readAll().toStdString();
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        const bool killed = p.exitStatus() != QProcess::NormalExit;
        return {killed ? -1 : p.exitCode(), took};
    }
    const std::string& lastOutput() const { return m_lastOutput; }

    // Every record file below the stage, parsed; a file that does not parse fails the test.
    std::map<std::string, Record> records(const std::string& context) {
        std::map<std::string, Record> out;
        if (!fs::exists(stageDir()))
            return out;
        for (const auto& entry : fs::recursive_directory_iterator(stageDir())) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_regular_file() || name.front() == '.' || !name.ends_with(".json"))
                continue;
            Json doc;
            try {
                doc = parseJsonText(readFile(entry.path()));
            } catch (const std::exception& e) {
                throw std::runtime_error(context + ": " + entry.path().string() +
                                         " does not parse: " + e.what());
            }
            Record r;
            r.fqn = doc.value("fqn", "");
            r.kind = doc.value("kind", "");
            r.status = doc.value("status", "");
            r.props = doc.value("props", Json::object());
            if (r.kind == "alchemy::Scope")
                r.fqn =
                    "torture/dev/" + entry.path().lexically_relative(stageDir()).replace_extension().string();
            out[r.fqn] = std::move(r);
        }
        return out;
    }

    std::vector<fs::path> tempFiles() const {
        std::vector<fs::path> out;
        const fs::path dot = m_root / ".alchemy";
        if (!fs::exists(dot))
            return out;
        for (const auto& entry : fs::recursive_directory_iterator(dot))
            if (entry.path().filename().string().find(".athanor-") != std::string::npos)
                out.push_back(entry.path());
        return out;
    }

    // The first temp file left, or "" (for messages).
    std::string firstTempFile() const {
        const auto files = tempFiles();
        return files.empty() ? std::string() : files.front().string();
    }

    std::mt19937& random() { return m_random; }
    const fs::path& root() const { return m_root; }

private:
    fs::path m_root;
    std::mt19937& m_random;
    std::string m_lastOutput;
};

Json expectedProps(const FileSpec& f) {
    return Json{{"path", f.path}, {"content", f.content}};
}

// Old, new or in progress, with the files on disk to match; throws naming what is wrong. Runs alternate
// between the versions, so any record may be in any of the three states; a settled one always has its content
// on disk (its handler wrote it before the record said so, and any later change starts with an in-progress
// write).
std::map<std::string, int> classifyAfterUp(Torture& t, const Version& v1, const Version& v2,
                                           const std::string& context) {
    std::map<std::string, int> counts;
    const auto records = t.records(context);
    for (const auto& [fqn, r] : records) {
        if (r.kind == "alchemy::Scope" || r.kind == "fs::Folder")
            continue;
        const FileSpec* old = v1.files.count(fqn) ? &v1.files.at(fqn) : nullptr;
        const FileSpec* now = v2.files.count(fqn) ? &v2.files.at(fqn) : nullptr;
        const bool settled = r.status == "created" || r.status == "updated";
        const bool inFlight = r.status == "creating" || r.status == "updating" || r.status == "deleting";
        const bool isOld = old && r.props == expectedProps(*old);
        const bool isNew = now && r.props == expectedProps(*now);
        const fs::path file = t.root() / (now ? now->path : old ? old->path : std::string());
        const std::string onDisk = fs::exists(file) ? readFile(file) : std::string("(missing)");
        if (settled && (isOld || isNew)) {
            ++counts[isOld ? "old" : "new"];
            const std::string& content = isOld ? old->content : now->content;
            if (onDisk != content)
                throw std::runtime_error(context + ": " + fqn + " is settled with \"" + content +
                                         "\" but its file holds \"" + onDisk + "\"");
        } else if (inFlight && (isOld || isNew)) {
            ++counts["in progress"];
        } else {
            throw std::runtime_error(context + ": " + fqn + " is neither old, new nor in progress: status " +
                                     r.status + ", props " + r.props.dump());
        }
    }
    // A deleted orphan's file went first (its provider deletes it before its record goes).
    for (const Version* v : {&v1, &v2})
        for (const auto& [fqn, f] : v->files)
            if (!records.count(fqn) && fs::exists(t.root() / f.path) &&
                !(v == &v1 ? v2 : v1).files.count(fqn))
                throw std::runtime_error(context + ": " + fqn +
                                         " is gone from state but its file is still there");
    return counts;
}

// During destroy only deletions happen: what is left is new, a deleted record's file is gone, and nothing is
// deleted before what lies in it or uses it.
size_t checkAfterDestroy(Torture& t, const Version& v2, const std::string& context) {
    const auto records = t.records(context);
    for (const auto& [fqn, r] : records) {
        if (r.kind == "alchemy::Scope" || r.kind == "fs::Folder")
            continue;
        // Settled version 2, or being deleted (its delete may have run: the record says "deleting" first).
        if (!v2.files.count(fqn) || r.props != expectedProps(v2.files.at(fqn)) ||
            (r.status != "created" && r.status != "updated" && r.status != "deleting"))
            throw std::runtime_error(context + ": " + fqn +
                                     " is neither the settled version 2 record nor being deleted: status " +
                                     r.status);
    }
    for (const auto& [fqn, f] : v2.files) {
        if (!records.count(fqn) && fs::exists(t.root() / f.path))
            throw std::runtime_error(context + ": " + fqn +
                                     " is gone from state but its file is still there");
        if (!f.refersTo.empty() && !records.count(f.refersTo) && records.count(fqn))
            throw std::runtime_error(context + ": " + f.refersTo + " was deleted before " + fqn +
                                     ", which uses it");
        if (!records.count("torture/dev/data") && fqn.starts_with("torture/dev/f") && records.count(fqn))
            throw std::runtime_error(context + ": the folder out/data was deleted before " + fqn + " in it");
        if (!records.count("torture/dev/s2") && fqn.starts_with("torture/dev/s2/") && records.count(fqn))
            throw std::runtime_error(context + ": scope s2 was deleted before " + fqn + " in it");
    }
    return records.size();
}

} // namespace

class TestLifecycleTorture : public QObject {
    Q_OBJECT

private slots:
    void killNineAnywhereThenConverge() {
        unsigned seed = std::random_device{}();
        if (const QByteArray fixed = qgetenv("ATHANOR_TORTURE_SEED"); !fixed.isEmpty())
            seed = static_cast<unsigned>(fixed.toULong());
        qInfo("torture seed %u (replay: ATHANOR_TORTURE_SEED=%u)", seed, seed);
        const std::string context0 = "seed " + std::to_string(seed);
        std::mt19937 random(seed);

        QTemporaryDir dir;
        const fs::path root = dir.path().toStdString();
        const Version v1 = makeVersion(1);
        const Version v2 = makeVersion(2);
        writeFile(root / "v1.stack.json", stringifyJs(v1.stack, 2));
        writeFile(root / "v2.stack.json", stringifyJs(v2.stack, 2));
        Torture t(root, random);
        const QStringList common{"--stage", "dev", "--quiet"}; // the defaults users get

        const auto [firstExit, firstTook] = t.run(QStringList{"up", "v1.stack.json"} + common, std::nullopt);
        QVERIFY2(firstExit == 0, t.lastOutput().c_str());
        QCOMPARE(t.records(context0).size(), v1.files.size() + 1 + 3); // + folder, s1, s2, s2/deep
        const auto span = std::max<long>(50, static_cast<long>(firstTook.count() * 6 / 5));
        std::uniform_int_distribution<long> moment(0, span);

        try {
            // Up, flipping between the versions (every run has work), killed at a random moment.
            std::map<std::string, int> seen;
            int interrupted = 0;
            for (int kill = 0; kill < kUpKills; ++kill) {
                const std::chrono::milliseconds after(moment(random));
                const QString stackFile = kill % 2 == 0 ? "v2.stack.json" : "v1.stack.json";
                const std::string context = context0 + ", up " + stackFile.toStdString() + " kill " +
                                            std::to_string(kill) + " after " + std::to_string(after.count()) +
                                            " ms";
                interrupted += t.run(QStringList{"up", stackFile} + common, after).first == -1 ? 1 : 0;
                for (const auto& [what, n] : classifyAfterUp(t, v1, v2, context))
                    seen[what] += n;
            }
            qInfo("killed %d of %d ups; records seen after them: %d old, %d new, %d in progress", interrupted,
                  kUpKills, seen["old"], seen["new"], seen["in progress"]);
            QVERIFY2(interrupted > 0, context0.c_str());

            const auto [upExit, upTook] = t.run(QStringList{"up", "v2.stack.json"} + common, std::nullopt);
            QVERIFY2(upExit == 0, (context0 + "\n" + t.lastOutput()).c_str());
            const auto converged = classifyAfterUp(t, v1, v2, context0 + ", converged up");
            QCOMPARE(converged.count("old") ? converged.at("old") : 0, 0);
            QCOMPARE(converged.count("in progress") ? converged.at("in progress") : 0, 0);
            QCOMPARE(static_cast<size_t>(converged.at("new")), v2.files.size());
            for (const auto& [fqn, f] : v1.files)
                if (!v2.files.count(fqn))
                    QVERIFY2(!fs::exists(root / f.path), (context0 + ": orphan file " + f.path).c_str());
            QVERIFY2(t.tempFiles().empty(), (context0 + ": " + t.firstTempFile()).c_str());

            // Destroy, killed at a random moment (within the time a whole destroy takes), each time after an
            // up has restored the stage.
            const auto [calibrationExit, destroySpan] =
                t.run(QStringList{"destroy", "v2.stack.json"} + common, std::nullopt);
            QVERIFY2(calibrationExit == 0, (context0 + "\n" + t.lastOutput()).c_str());
            QVERIFY2(t.run(QStringList{"up", "v2.stack.json"} + common, std::nullopt).first == 0,
                     (context0 + "\n" + t.lastOutput()).c_str());
            std::uniform_int_distribution<long> destroyMoment(
                0, std::max<long>(20, destroySpan.count() * 6 / 5));
            int destroysInterrupted = 0;
            for (int kill = 0; kill < kDestroyKills; ++kill) {
                const std::chrono::milliseconds after(destroyMoment(random));
                const std::string context = context0 + ", destroy kill " + std::to_string(kill) + " after " +
                                            std::to_string(after.count()) + " ms";
                destroysInterrupted +=
                    t.run(QStringList{"destroy", "v2.stack.json"} + common, after).first == -1 ? 1 : 0;
                checkAfterDestroy(t, v2, context);
                QVERIFY2(t.run(QStringList{"up", "v2.stack.json"} + common, std::nullopt).first == 0,
                         (context + "\n" + t.lastOutput()).c_str());
            }
            qInfo("killed %d of %d destroys", destroysInterrupted, kDestroyKills);
            const auto [destroyExit, destroyTook] =
                t.run(QStringList{"destroy", "v2.stack.json"} + common, std::nullopt);
            QVERIFY2(destroyExit == 0, (context0 + "\n" + t.lastOutput()).c_str());
            QVERIFY2(!fs::exists(t.stageDir()), context0.c_str());
            QVERIFY2(!fs::exists(root / "out/data"), context0.c_str());
            QVERIFY2(t.tempFiles().empty(), (context0 + ": " + t.firstTempFile()).c_str());
            QVERIFY(!fs::exists(root / ".alchemy/.athanor/locks/torture/dev.lock"));
            qInfo("first up %lld ms, converging up %lld ms, converging destroy %lld ms",
                  static_cast<long long>(firstTook.count()), static_cast<long long>(upTook.count()),
                  static_cast<long long>(destroyTook.count()));
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestLifecycleTorture)
#include "tst_lifecycle_torture.moc"

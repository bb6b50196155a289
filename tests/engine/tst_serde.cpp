// Alchemy's @buffer tag as Alchemy itself reads it. alchemy@0.94 writes a Uint8Array as
// {"@buffer": "104,105"} (Array.prototype.toString, not base64) and reads every @buffer with Node's
// Buffer.from(value, "base64"), which never fails: Athanor shows the bytes Alchemy gets, `state check` does
// not call it an error, and the record is written back byte for byte, which real Alchemy then reads the same.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "serde/BufferTag.h"
#include "serde/SerdeTag.h"
#include "store/FileSystemStateStore.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

using namespace athanor;
using test_files::readFile;
using test_files::writeFile;
namespace fs = std::filesystem;

namespace {

const fs::path kCase = fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy-extra" / "uint8array";

std::string hex(const std::vector<unsigned char>& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

struct NodeRun {
    int exitCode = -1;
    std::string out, err;
};

// Runs `node script args...` in `folder`, which links node_modules to the pinned real Alchemy.
NodeRun runNode(const fs::path& folder, const QStringList& args) {
    if (!fs::exists(folder / "node_modules"))
        fs::create_directory_symlink(node_deps::nodeModules(), folder / "node_modules");
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("NO_COLOR", "1");
    env.insert("DO_NOT_TRACK", "1");
    env.insert("ALCHEMY_TELEMETRY_DISABLED", "1");
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(QString::fromStdString(folder.string()));
    const QString node = QStandardPaths::findExecutable("node");
    if (node.isEmpty())
        throw std::runtime_error("node is not installed");
    p.start(node, args);
    if (!p.waitForFinished(300000))
        throw std::runtime_error("node did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            p.readAllStandardOutput().toStdString(), p.readAllStandardError().toStdString()};
}

} // namespace

class TestSerde : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    fs::path tmp() const { return fs::path(m_tmp.path().toStdString()); }

private slots:
    // The committed tree and what Alchemy's deserialize printed for it (03-deserialize/stdout.txt).
    void uint8ArrayFromRealAlchemy() {
        const Json record = parseJsonText(readFile(kCase / "01-up/.alchemy/bytes/dev/payload.json"));
        QCOMPARE(stringifyJs(record.at("/props/bytes"_json_pointer), 0),
                 std::string(R"({"@buffer":"104,105"})"));
        QVERIFY(findSerdeIssues(record).empty());
        const std::string alchemySaw = readFile(kCase / "03-deserialize/stdout.txt");
        for (const char* text : {"104,105", "aGk="}) {
            const auto bytes = bufferTagBytes(Json(text));
            QVERIFY(bytes);
            const std::string line = stringifyJs(Json{{"@buffer", text}}, 0) + " -> Buffer(" +
                                     std::to_string(bytes->size()) + ") " + hex(*bytes);
            QVERIFY2(alchemySaw.find(line + "\n") != std::string::npos, line.c_str());
        }
        QCOMPARE(hex(*bufferTagBytes(record.at("/props/bytes/@buffer"_json_pointer))),
                 std::string("d74e35d3"));
        QCOMPARE(hex(*bufferTagBytes(record.at("/output/buffer/@buffer"_json_pointer))), std::string("6869"));
        // The handler saw the same when Alchemy read its state back (02-up-again).
        QVERIFY(
            readFile(kCase / "02-up-again/stdout.txt").find("previous output.bytes = Buffer(4) d74e35d3") !=
            std::string::npos);
    }

    void whatCheckReports() {
        const Json doc =
            parseJsonText(R"({"a":{"@buffer":"104,105"},"b":{"@buffer":"%%"},"c":{"@buffer":[1,300]},)"
                          R"("d":{"@buffer":5},"e":{"@buffer":null},"f":{"@buffer":{"x":1}},)"
                          R"("g":{"@buffer":["1"]}})");
        std::vector<std::string> pointers;
        for (const auto& issue : findSerdeIssues(doc)) {
            QCOMPARE(issue.message, std::string("@buffer is neither a string nor an array of byte values"));
            pointers.push_back(issue.pointer);
        }
        QCOMPARE(pointers, (std::vector<std::string>{"/d", "/e", "/f", "/g"}));
        QCOMPARE(hex(*bufferTagBytes(parseJsonText("[104, 300, -1, 1.5, null, true, false, 1e300]"))),
                 std::string("682cff0100010000"));
    }

    // Node's decoder itself, on thousands of strings made to hit its corners: whatever we decode, real
    // Alchemy's deserialize() decodes the same.
    void decodingMatchesRealAlchemy() {
        requireNodeDeps();
        const std::vector<std::string> pieces = {
            "A",
            "Z",
            "a",
            "z",
            "0",
            "9",
            "+",
            "/",
            "-",
            "_",
            "=",
            "==",
            ",",
            " ",
            "\n",
            "\t",
            "%",
            ".",
            "\x7f",
            "\xc3\xa9",         // é: a byte above 0x7f, skipped
            "\xc5\x81",         // Ł (U+0141): Node looks at the low byte, 'A'
            "\xe3\xb4\xbd",     // U+3D3D: low byte '=', decoding stops
            "\xf0\x9f\x98\x80", // 😀: a surrogate pair, the high half's low byte is '='
            "\xed\xa0\x80",     // a lone surrogate (WTF-8), as JSON.stringify can write it
            "aGk=",
            "104,105",
            "Zm9vYmFy"};
        std::mt19937 random(20240601);
        Json inputs = Json::array();
        for (int i = 0; i < 3000; ++i) {
            std::string text;
            const int length = static_cast<int>(random() % 24);
            for (int k = 0; k < length; ++k) {
                // Mostly alphabet characters, so that runs of valid base64 are common.
                const size_t pick = random() % 3 == 0 ? random() % pieces.size() : random() % 10;
                text += pieces[pick];
            }
            inputs.push_back(text);
        }
        const fs::path folder = tmp() / "decode";
        fs::create_directories(folder);
        writeFile(folder / "inputs.json", stringifyJs(inputs, 0));
        writeFile(folder / "decode.mjs", R"(import { deserialize } from "alchemy";
import { readFileSync } from "node:fs";
const inputs = JSON.parse(readFileSync("inputs.json", "utf8"));
const out = [];
for (const text of inputs) out.push((await deserialize({}, { "@buffer": text })).toString("hex"));
process.stdout.write(JSON.stringify(out));
)");
        const NodeRun r = runNode(folder, {"decode.mjs"});
        QVERIFY2(r.exitCode == 0, r.err.c_str());
        const Json decoded = parseJsonText(r.out);
        QCOMPARE(decoded.size(), inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
            const std::string ours = hex(*bufferTagBytes(inputs[i]));
            QVERIFY2(ours == decoded[i].get<std::string>(),
                     qPrintable(QString::fromStdString(stringifyJs(inputs[i], 0) + ": ours " + ours +
                                                       ", Alchemy's " + decoded[i].get<std::string>())));
        }
    }

    // Athanor writes, Alchemy reads: the record rewritten by Athanor's store is read by real Alchemy as
    // the same bytes, on the next run of the same program.
    void alchemyReadsWhatAthanorWroteBack() {
        requireNodeDeps();
        const fs::path project = tmp() / "write-back";
        fs::create_directories(project);
        fs::copy(kCase / "01-up/.alchemy", project / ".alchemy", fs::copy_options::recursive);
        fs::copy_file(kCase / "bytes.mjs", project / "bytes.mjs");
        const fs::path file = project / ".alchemy/bytes/dev/payload.json";
        fs::remove(file);
        auto source =
            FileSystemStateStore(DotAlchemyLayout::locate(kCase / "01-up/.alchemy"), {"bytes", "dev"});
        auto target = FileSystemStateStore(DotAlchemyLayout::locate(project / ".alchemy"), {"bytes", "dev"});
        target.set("payload", *source.get("payload"));
        QCOMPARE(readFile(file), readFile(kCase / "01-up/.alchemy/bytes/dev/payload.json"));

        const NodeRun r = runNode(project, {"bytes.mjs", "up"});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).c_str());
        QVERIFY2(r.out.find("handler update: previous output.bytes = Buffer(4) d74e35d3\n") !=
                     std::string::npos,
                 r.out.c_str());
        QVERIFY2(r.out.find("handler update: previous output.buffer = Buffer(2) 6869\n") != std::string::npos,
                 r.out.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSerde)
#include "tst_serde.moc"

// `state check` in one pass (issue 14): the fast check on the scan's simdjson parse must never call a record
// clean that the reference validator finds fault with, and the command's output stays what it was.
#include "EngineTestFiles.h"
#include "commands/StateCommands.h"
#include "snapshot/RecordValidator.h"
#include "store/RecordParseDom.h"
#include "store/SourceSpec.h"

#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

using namespace athanor;
using namespace test_files;

namespace {

const std::string kGood =
    "{\"kind\":\"fs::File\",\"id\":\"r\",\"fqn\":\"app/dev/r\",\"seq\":0,\"data\":{},\"status\":\"created\","
    "\"output\":{\"Symbol(alchemy::ResourceScope)\":{\"@scope\":null},"
    "\"at\":{\"@date\":\"2024-01-02T03:04:05.000Z\"}},\"props\":{"
    "\"token\":{\"@secret\":{\"version\":\"v1\",\"ciphertext\":\"AA==\",\"iv\":\"AA==\",\"salt\":\"AA==\","
    "\"tag\":\"AA==\"}},"
    "\"old\":{\"@secret\":\"legacy-ciphertext\"},\"s\":{\"@symbol\":\"Symbol(x)\"},\"ref\":{\"@resource\":"
    "\"app/dev/q\"},"
    "\"list\":[1,{\"@date\":\"2024-01-02T03:04:05Z\"}],\"falsy\":{\"@secret\":null},\"schema\":{\"@schema\":{"
    "}}}}";

// Replaces the first `from` in kGood with `to`.
std::string variant(const std::string& from, const std::string& to) {
    std::string text = kGood;
    const size_t at = text.find(from);
    if (at == std::string::npos)
        throw std::logic_error("no " + from + " in the test record");
    return text.replace(at, from.size(), to);
}

// Both checks of one record text; simdjson must accept the text.
struct Verdicts {
    bool fastClean = false;
    std::vector<std::string> reference;
};

Verdicts check(const std::string& text, const std::string& relativePath) {
    simdjson::dom::parser parser = newRecordDomParser();
    simdjson::dom::element root;
    const simdjson::padded_string padded(text);
    if (parser.parse(padded).get(root) != simdjson::SUCCESS)
        throw std::logic_error("simdjson refused " + text);
    return {isCleanRecord(root, relativePath), validateRecordText(text, relativePath)};
}

} // namespace

class TestRecordCheck : public QObject {
    Q_OBJECT
private slots:
    void cleanRecordIsCleanOnBothPaths() {
        const Verdicts v = check(kGood, "app/dev/r.json");
        QVERIFY2(v.reference.empty(), v.reference.empty() ? "" : v.reference.front().c_str());
        QVERIFY(v.fastClean);
    }

    // Every way a record can be wrong: the fast path says "not clean" (the reference path then gives the
    // messages), never "clean".
    void everyProblemIsSeenByTheFastCheck_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("path");
        const auto row = [](const char* name, const std::string& text, const char* path = "app/dev/r.json") {
            QTest::newRow(name) << QString::fromStdString(text) << QString::fromLatin1(path);
        };
        row("not an object", "[1,2]");
        row("kind missing", variant("\"kind\":\"fs::File\",", ""));
        row("kind not a string", variant("\"kind\":\"fs::File\"", "\"kind\":7"));
        row("id missing", variant("\"id\":\"r\",", ""));
        row("fqn not a string", variant("\"fqn\":\"app/dev/r\"", "\"fqn\":null"));
        row("seq a float", variant("\"seq\":0", "\"seq\":1.5"));
        row("seq 1.0", variant("\"seq\":0", "\"seq\":1.0"));
        row("seq a string", variant("\"seq\":0", "\"seq\":\"0\""));
        row("data an array", variant("\"data\":{}", "\"data\":[]"));
        row("output missing", variant("\"output\":{\"Symbol", "\"outpt\":{\"Symbol"));
        row("status unknown", variant("\"status\":\"created\"", "\"status\":\"done\""));
        row("status missing", variant("\"status\":\"created\",", ""));
        row("id not its file name", kGood, "app/dev/other.json");
        row("fqn elsewhere", variant("\"fqn\":\"app/dev/r\"", "\"fqn\":\"app/prod/r\""));
        row("unsafe id", variant("\"id\":\"r\"", "\"id\":\"x/../r\""), "app/dev/x:..:r.json");
        row("backslash path", kGood, "app/dev\\x/r.json");
        row("unknown tag", variant("\"falsy\":{\"@secret\":null}", "\"odd\":{\"@foo\":1}"));
        row("unknown tag in array", variant("\"list\":[1,", "\"list\":[{\"@bar\":[]},"));
        row("bad date", variant("\"2024-01-02T03:04:05.000Z\"}", "\"yesterday\"}"));
        row("date not a string", variant("{\"@date\":\"2024-01-02T03:04:05Z\"}", "{\"@date\":5}"));
        row("bad symbol", variant("\"Symbol(x)\"", "\"x\""));
        row("empty resource", variant("{\"@resource\":\"app/dev/q\"}", "{\"@resource\":\"\"}"));
        row("secret without tag", variant(",\"tag\":\"AA==\"}}", "}}"));
        row("secret a number", variant("{\"@secret\":\"legacy-ciphertext\"}", "{\"@secret\":5}"));
        row("secret data without iv",
            variant("{\"@secret\":\"legacy-ciphertext\"}",
                    "{\"@secret\":{\"data\":{\"ciphertext\":\"a\",\"salt\":\"b\",\"tag\":\"c\"}}}"));
        // Duplicate keys: the reference parser keeps the last value, simdjson finds the first.
        row("duplicate status, last bad",
            variant("\"status\":\"created\"", "\"status\":\"created\",\"status\":\"x\""));
        row("duplicate kind, last bad", variant("\"kind\":\"fs::File\"", "\"kind\":\"fs::File\",\"kind\":1"));
        row("duplicate date, last bad", variant("{\"@date\":\"2024-01-02T03:04:05Z\"}",
                                                "{\"@date\":\"2024-01-02T03:04:05Z\",\"@date\":\"x\"}"));
        row("legacy without status", "{\"provider\":\"fs::File\",\"data\":{},\"output\":{},\"props\":{}}");
        row("legacy provider not a string",
            "{\"provider\":1,\"kind2\":\"x\",\"data\":{},\"status\":\"created\",\"output\":{},\"props\":{}}");
    }
    void everyProblemIsSeenByTheFastCheck() {
        QFETCH(QString, text);
        QFETCH(QString, path);
        const Verdicts v = check(text.toStdString(), path.toStdString());
        QVERIFY2(!v.reference.empty(), "the reference validator should find a problem");
        QVERIFY2(!v.fastClean, "the fast check called a faulty record clean");
    }

    // What the fast path is unsure of goes to the reference path, which may well find it fine.
    void bufferAndDuplicatesGoToTheReferencePath() {
        const Verdicts buffer = check(
            variant("\"falsy\":{\"@secret\":null}", "\"b\":{\"@buffer\":\"104,105\"}"), "app/dev/r.json");
        QVERIFY(buffer.reference.empty());
        QVERIFY(!buffer.fastClean);
        const Verdicts duplicate = check(
            variant("\"status\":\"created\"", "\"status\":\"x\",\"status\":\"created\""), "app/dev/r.json");
        QVERIFY(duplicate.reference.empty());
        QVERIFY(!duplicate.fastClean);
    }

    // The records real Alchemy wrote: both paths agree on each (clean, and seen as clean by the fast path,
    // else every check would take the slow path).
    void realAlchemyRecordsAgree() {
        size_t records = 0;
        for (const auto& project : fixtureProjects())
            for (const auto& [relative, text] : filesBelow(project / ".alchemy")) {
                if (!relative.ends_with(".json") || relative.find("/") == std::string::npos)
                    continue;
                const Verdicts v = check(text, relative);
                const std::string where = (project / ".alchemy" / relative).string();
                QVERIFY2(v.reference.empty(),
                         (where + ": " + (v.reference.empty() ? "" : v.reference.front())).c_str());
                QVERIFY2(v.fastClean || text.find("\"@buffer\"") != std::string::npos, where.c_str());
                ++records;
            }
        QVERIFY(records > 100);
    }

    // One bad file among a thousand: named, with its reason, and every other record checked and loaded.
    void badFilesAmongAThousandAreNamed() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path project = dir.path().toStdString();
        const std::filesystem::path stage = project / ".alchemy" / "app" / "dev";
        for (int i = 0; i < 1000; ++i) {
            const std::string id = "r" + std::to_string(i);
            std::string text = kGood;
            text.replace(text.find("\"id\":\"r\""), 8, "\"id\":\"" + id + "\"");
            text.replace(text.find("\"fqn\":\"app/dev/r\""), 17, "\"fqn\":\"app/dev/" + id + "\"");
            if (i == 417)
                text = text.substr(0, text.size() / 2);
            if (i == 731)
                text.replace(text.find("\"@date\":\"2024-01-02T03:04:05Z\""), 30, "\"@date\":\"soon\"");
            writeFile(stage / (id + ".json"), text);
        }
        std::ostringstream out, err;
        QCOMPARE(stateCheck(SourceSpec::folder(project), out, err), 1);
        std::vector<std::string> lines;
        std::istringstream in(out.str());
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        QCOMPARE(lines.size(), size_t{3});
        QVERIFY2(lines[0].starts_with((stage / "r417.json").string() + ": ") &&
                     lines[0].find("truncated") != std::string::npos,
                 out.str().c_str());
        QCOMPARE(lines[1],
                 (stage / "r731.json").string() + ": /props/list/1: @date is not an ISO-8601 timestamp");
        QCOMPARE(lines[2], std::string("1000 records, 2 errors"));
    }
};

QTEST_GUILESS_MAIN(TestRecordCheck)
#include "tst_record_check.moc"

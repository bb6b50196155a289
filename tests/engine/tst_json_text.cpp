// JSON text exactly as Alchemy writes it: JSON.stringify(value, null, 2) with ECMAScript numbers, JS string
// escaping and JS key order; and every record file written by the real alchemy@0.94.0 re-serializes to the
// same bytes.
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"
#include "serde/SerdeTag.h"
#include "snapshot/RecordValidator.h"
#include "state/StateRecord.h"

#include "json/JsJsonText.h"
#include "json/JsonNumber.h"
#include "json/JsonParse.h"
#include "json/Utf8.h"
#include <QDirIterator>
#include <QFile>
#include <QtTest>
#include <cmath>
#include <limits>
#include <thread>

using namespace athanor;

namespace {

std::string readBytes(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot open " + path.toStdString());
    const QByteArray bytes = f.readAll();
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

} // namespace

class TestJsonText : public QObject {
    Q_OBJECT

private slots:
    void formatJsNumber_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        // Expected strings are what Node's String(x) / JSON.stringify(x) print.
        QTest::newRow("zero") << 0.0 << "0";
        QTest::newRow("negative zero") << -0.0 << "0";
        QTest::newRow("integer") << 5.0 << "5";
        QTest::newRow("hundred") << 100.0 << "100";
        QTest::newRow("1e21") << 1e21 << "1e+21";
        QTest::newRow("1e20 plain") << 1e20 << "100000000000000000000";
        QTest::newRow("5e-7") << 5e-7 << "5e-7";
        QTest::newRow("1e-7") << 1e-7 << "1e-7";
        QTest::newRow("1e-6 plain") << 1e-6 << "0.000001";
        QTest::newRow("1.5e-6") << 1.5e-6 << "0.0000015";
        QTest::newRow("0.1+0.2") << (0.1 + 0.2) << "0.30000000000000004";
        QTest::newRow("123456789012345680000") << 123456789012345680000.0 << "123456789012345680000";
        QTest::newRow("2^53") << 9007199254740992.0 << "9007199254740992";
        QTest::newRow("2^53+2") << 9007199254740994.0 << "9007199254740994";
        QTest::newRow("fraction") << 123.456 << "123.456";
        QTest::newRow("negative fraction") << -1.5 << "-1.5";
        QTest::newRow("negative integer") << -42.0 << "-42";
        QTest::newRow("negative 1e21") << -1e21 << "-1e+21";
        QTest::newRow("negative small") << -5e-7 << "-5e-7";
        QTest::newRow("1.5e300") << 1.5e300 << "1.5e+300";
        QTest::newRow("max double") << std::numeric_limits<double>::max() << "1.7976931348623157e+308";
        QTest::newRow("min subnormal") << std::numeric_limits<double>::denorm_min() << "5e-324";
        QTest::newRow("2.5e-7") << 2.5e-7 << "2.5e-7";
        QTest::newRow("0.000001234") << 0.000001234 << "0.000001234";
        QTest::newRow("1/3") << (1.0 / 3.0) << "0.3333333333333333";
        QTest::newRow("NaN") << std::nan("") << "null";
        QTest::newRow("Infinity") << std::numeric_limits<double>::infinity() << "null";
    }
    void formatJsNumber() {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(athanor::formatJsNumber(value)), expected);
    }

    void numbersInsideDocuments() {
        // Integers stay integer JSON values; doubles go through the ECMAScript formatter.
        Json doc = Json::object();
        doc["i"] = -42;
        doc["u"] = uint64_t{18446744073709551615ULL};
        doc["d"] = 5.0;
        doc["e"] = 1e21;
        QCOMPARE(stringifyJs(doc, 0), std::string(R"({"i":-42,"u":18446744073709551615,"d":5,"e":1e+21})"));
        // Parsed text keeps its form when it is what JS would write.
        for (const char* text : {"[1e+21,5e-7,0.30000000000000004,9007199254740993,-0.5]"}) {
            QCOMPARE(stringifyJs(parseJsonText(text), 0), std::string(text));
        }
    }

    void stringEscapes_data() {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("unit separator lowercase") << QByteArray("\x1f") << QByteArray("\"\\u001f\"");
        QTest::newRow("control 0x01") << QByteArray("\x01") << QByteArray("\"\\u0001\"");
        QTest::newRow("vertical tab") << QByteArray("\x0b") << QByteArray("\"\\u000b\"");
        QTest::newRow("NUL") << QByteArray("a\0b", 3) << QByteArray("\"a\\u0000b\"");
        QTest::newRow("short escapes") << QByteArray("\b\f\n\r\t") << QByteArray("\"\\b\\f\\n\\r\\t\"");
        QTest::newRow("quote and backslash") << QByteArray("\"\\") << QByteArray("\"\\\"\\\\\"");
        QTest::newRow("slash raw") << QByteArray("a/b") << QByteArray("\"a/b\"");
        QTest::newRow("DEL raw") << QByteArray("\x7f") << QByteArray("\"\x7f\"");
        QTest::newRow("unicode raw") << QByteArray("h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x94\x91")
                                     << QByteArray("\"h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x94\x91\"");
        QTest::newRow("U+2028 raw") << QByteArray("\xe2\x80\xa8") << QByteArray("\"\xe2\x80\xa8\"");
        QTest::newRow("U+2029 raw") << QByteArray("\xe2\x80\xa9") << QByteArray("\"\xe2\x80\xa9\"");
    }
    void stringEscapes() {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, expected);
        const Json value = std::string(input.constData(), static_cast<size_t>(input.size()));
        const std::string text = stringifyJs(value);
        QCOMPARE(QByteArray(text.data(), static_cast<qsizetype>(text.size())), expected);
        // And the text reads back to the same string.
        QCOMPARE(parseJsonText(text), value);
    }

    // Long strings are scanned eight bytes at a time: every escape is still found at every position of a
    // long string (first, middle, last, across the eight-byte boundaries, in the short tail).
    void stringEscapesAtEveryPosition() {
        const std::vector<std::pair<std::string, std::string>> specials{{"\"", "\\\""},
                                                                        {"\\", "\\\\"},
                                                                        {"\n", "\\n"},
                                                                        {std::string(1, '\0'), "\\u0000"},
                                                                        {"\x1f", "\\u001f"},
                                                                        {"\x7f", "\x7f"},
                                                                        {"\xed\xa0\x80", "\\ud800"},
                                                                        {"\xed\x9f\xbf", "\xed\x9f\xbf"},
                                                                        {"\xc3\xa9", "\xc3\xa9"},
                                                                        {" ", " "},
                                                                        {"\x20\x21\x23", "\x20\x21\x23"}};
        for (size_t length : {size_t(7), size_t(8), size_t(9), size_t(16), size_t(23), size_t(40)}) {
            for (size_t at = 0; at <= length; ++at) {
                for (const auto& [raw, escaped] : specials) {
                    const std::string input = std::string(at, 'a') + raw + std::string(length - at, 'b');
                    const std::string expected =
                        "\"" + std::string(at, 'a') + escaped + std::string(length - at, 'b') + "\"";
                    std::string text;
                    appendJsString(text, input);
                    QCOMPARE(text, expected);
                    QCOMPARE(stringifyJs(Json(input)), expected);
                }
            }
        }
    }

    void keyOrder() {
        Json doc = Json::object();
        for (const char* key : {"b", "10", "2", "a", "01", "4294967295", "4294967294", "-1", "1.5", "0"})
            doc[key] = 0;
        // Array indices "0".."4294967294" ascending first, everything else in insertion order.
        QCOMPARE(stringifyJs(doc, 0), std::string(R"({"0":0,"2":0,"10":0,"4294967294":0,"b":0,"a":0,"01":0,)"
                                                  R"("4294967295":0,"-1":0,"1.5":0})"));
        QVERIFY(isArrayIndexKey("0"));
        QVERIFY(isArrayIndexKey("4294967294"));
        QVERIFY(!isArrayIndexKey("01"));
        QVERIFY(!isArrayIndexKey("4294967295"));
        QVERIFY(!isArrayIndexKey("99999999999"));
        QVERIFY(!isArrayIndexKey("-1"));
        QVERIFY(!isArrayIndexKey(""));
        QVERIFY(!isArrayIndexKey("1e3"));

        // Nested objects are ordered too, and symbol keys keep their insertion position among string keys.
        const Json nested =
            parseJsonText(R"j({"output":{"Symbol(alchemy::ResourceKind)":"k","x":1,"7":true}})j");
        QCOMPARE(stringifyJs(nested, 0),
                 std::string(R"j({"output":{"7":true,"Symbol(alchemy::ResourceKind)":"k","x":1}})j"));
    }

    void layout() {
        const Json doc = parseJsonText(R"({"a":{},"b":[],"c":[1,{"d":null,"e":[true,false]}],"f":"x"})");
        QCOMPARE(stringifyJs(doc), std::string("{\n"
                                               "  \"a\": {},\n"
                                               "  \"b\": [],\n"
                                               "  \"c\": [\n"
                                               "    1,\n"
                                               "    {\n"
                                               "      \"d\": null,\n"
                                               "      \"e\": [\n"
                                               "        true,\n"
                                               "        false\n"
                                               "      ]\n"
                                               "    }\n"
                                               "  ],\n"
                                               "  \"f\": \"x\"\n"
                                               "}"));
        QCOMPARE(stringifyJs(Json::object()), std::string("{}"));
        QCOMPARE(stringifyJs(Json::array()), std::string("[]"));
        QCOMPARE(stringifyJs(Json("s")), std::string("\"s\""));
        QCOMPARE(stringifyJs(doc, 0),
                 std::string(R"({"a":{},"b":[],"c":[1,{"d":null,"e":[true,false]}],"f":"x"})"));
        std::string appended = "prefix:";
        appendJs(appended, Json::array({1, 2}), 0);
        QCOMPARE(appended, std::string("prefix:[1,2]"));
    }

    void parseErrors() {
        for (const char* empty : {"", "   ", "\n\t\r\n"}) {
            try {
                parseJsonText(empty);
                QFAIL("empty text parsed");
            } catch (const JsonParseError& e) {
                QCOMPARE(std::string(e.what()), std::string("file is empty"));
            }
        }
        try {
            parseJsonText("{\n  \"kind\": \"fs::File\",\n  \"id\": \"con");
            QFAIL("truncated text parsed");
        } catch (const JsonParseError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("line 3") != std::string::npos, what.c_str());
            QVERIFY2(what.find("truncated") != std::string::npos, what.c_str());
        }
        try {
            parseJsonText("{\n  \"a\": 1,\n  oops\n}");
            QFAIL("bad text parsed");
        } catch (const JsonParseError& e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind("line 3, column 3", 0) == 0, what.c_str());
            QVERIFY2(what.find("truncated") == std::string::npos, what.c_str());
        }
    }

    // JSON.stringify writes a lone UTF-16 surrogate as an escape, so a record Alchemy wrote can hold one: it
    // reads, and writes back byte for byte.
    void loneSurrogatesRoundTrip() {
        const std::string alchemyText = "{\n  \"kind\": \"fs::File\",\n  \"props\": {\n"
                                        "    \"cut\": \"emoji cut in half \\ud83d\",\n"
                                        "    \"low\": \"\\udc00 first\",\n"
                                        "    \"pair\": \"\xf0\x9f\x98\x80\",\n"
                                        "    \"two\": \"\\ud800\\ud800\",\n"
                                        "    \"escaped\": \"not one: \\\\ud800\",\n"
                                        "    \"n\": 1.5\n  }\n}";
        const Json doc = parseJsonText(alchemyText);
        QCOMPARE(stringifyJs(doc), alchemyText);
        QCOMPARE(doc["props"]["escaped"].get<std::string>(), std::string("not one: \\ud800"));
        QCOMPARE(doc["props"]["pair"].get<std::string>(), std::string("\xf0\x9f\x98\x80"));
        QVERIFY(doc["props"]["n"].is_number_float());
        // Numbers are nlohmann's, as on the usual path: an integer beyond 64 bits is a double.
        QVERIFY(parseJsonText("[\"\\ud800\", 18446744073709551616]")[1].is_number_float());
        // Upper-case escapes read the same; JSON.stringify writes lower case.
        QCOMPARE(stringifyJs(parseJsonText("[\"\\uD800x\"]"), 0), std::string("[\"\\ud800x\"]"));
        // Errors in such a text still name line and column.
        try {
            parseJsonText("{\n  \"a\": \"\\ud800\",\n  \"b\": tru\n}");
            QFAIL("bad text parsed");
        } catch (const JsonParseError& e) {
            QVERIFY2(std::string(e.what()).rfind("line 3, column 8", 0) == 0, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(JsonParseError, parseJsonText("[\"\\ud800\", \"\xff\"]"));
        QVERIFY_THROWS_EXCEPTION(JsonParseError, parseJsonText("[\"\\ud800\"] x"));
    }

    // Nesting deeper than kMaxJsonDepth is an error naming where it starts, on both parser paths; at the
    // limit, every walker of a document runs (each recurses once per level).
    void nestingLimit() {
        const auto nested = [](size_t depth) {
            return std::string(depth, '[') + std::string(depth, ']');
        };
        QCOMPARE(kMaxJsonDepth, size_t{1000});
        QVERIFY(parseJsonText(nested(kMaxJsonDepth)).is_array());
        // The text, and the column of the first bracket beyond the limit.
        const std::vector<std::pair<std::string, size_t>> cases = {
            {nested(kMaxJsonDepth + 1), 1001},
            {"{\"props\": " + nested(40000) + "}", 1010}, // the '{' is the first level
            // Brackets inside strings do not count; the lone surrogate takes the other parser.
            {"[\"[[{\", \"\\ud800\"," + nested(kMaxJsonDepth) + "]", 1017},
        };
        for (const auto& [text, column] : cases) {
            try {
                parseJsonText(text);
                QFAIL("too deep a text parsed");
            } catch (const JsonParseError& e) {
                QCOMPARE(std::string(e.what()), "line 1, column " + std::to_string(column) +
                                                    ": nesting deeper than 1000 levels of arrays and objects "
                                                    "(no real record comes near it)");
            }
        }
        // Objects count like arrays.
        std::string objects;
        for (size_t i = 0; i <= kMaxJsonDepth; ++i)
            objects += "{\"a\":";
        objects += "1" + std::string(kMaxJsonDepth + 1, '}');
        QVERIFY_THROWS_EXCEPTION(JsonParseError, parseJsonText(objects));
    }

    void walkersRunAtTheNestingLimit() {
        // A record whose props are as deep as a parse allows, with a secret and tags at the bottom.
        std::string props = R"({"s":{"@secret":{"version":"v1","ciphertext":"AA==","iv":"AAAAAAAAAAAAAAAA",)"
                            R"("salt":"AAAAAAAAAAAAAAAAAAAAAA==","tag":"AAAAAAAAAAAAAAAAAAAAAA=="}},)"
                            R"("d":{"@date":"2024-01-01T00:00:00.000Z"},"b":{"@buffer":"104,105"}})";
        for (size_t depth = 3; depth < kMaxJsonDepth - 1; ++depth)
            props = "[" + props + "]";
        const std::string text = R"({"kind":"fs::File","id":"r","fqn":"app/dev/r","seq":0,"data":{},)"
                                 R"("status":"created","output":{},"props":)" +
                                 props + "}";
        const Json doc = parseJsonText(text);
        // Each walker in a fresh thread (the snapshot readers and the GUI's workers are threads).
        std::thread worker([&] {
            QCOMPARE(stringifyJs(parseJsonText(stringifyJs(doc)), 0), stringifyJs(doc, 0));
            QCOMPARE(findSecrets(doc).size(), size_t{1});
            QCOMPARE(revealSecretsPartially(doc, PasswordRing{}, "app/dev/r").locked.size(), size_t{1});
            QVERIFY(containsSealedSecrets(doc));
            QVERIFY(!canonicalText(doc).empty());
            QVERIFY(findSerdeIssues(doc).empty());
            QVERIFY(validateRecord(doc, "app/dev/r.json").empty());
            const Json copy = doc;
            QCOMPARE(copy, doc);
            QVERIFY(!copy.dump(-1, ' ', false, Json::error_handler_t::replace).empty());
        });
        worker.join();
    }

    // JSON.parse reads 1e400 as Infinity, which Alchemy never writes (JSON.stringify gives null): a parse
    // error naming line, column and the value's JSON pointer, never nlohmann's raw out_of_range.406.
    void numbersBeyondADouble() {
        const auto errorOf = [](const std::string& text) {
            try {
                parseJsonText(text);
            } catch (const JsonParseError& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        QCOMPARE(
            errorOf("{\n  \"props\": {\n    \"n\": 1e400\n  }\n}"),
            std::string("line 3, column 10, at /props/n: the number 1e400 is beyond the range of a double"));
        QCOMPARE(errorOf("[1, -2e444]"),
                 std::string("line 1, column 5, at /1: the number -2e444 is beyond the range of a double"));
        QCOMPARE(errorOf("1E999"),
                 std::string("line 1, column 1, at /: the number 1E999 is beyond the range of a double"));
        // The same through the lone-surrogate parser, and with a key that needs escaping in a pointer.
        QCOMPARE(
            errorOf("{\"\\ud800\": 0, \"a/b\": [1e400]}"),
            std::string("line 1, column 23, at /a~1b/0: the number 1e400 is beyond the range of a double"));
        // Tiny numbers are 0, as for JSON.parse; the largest double is fine.
        QCOMPARE(stringifyJs(parseJsonText("[1e-400, 1.7976931348623157e308]"), 0),
                 std::string("[0,1.7976931348623157e+308]"));
    }

    void saturatingIntegers() {
        QCOMPARE(saturatingInt64(Json(1e300)), std::numeric_limits<int64_t>::max());
        QCOMPARE(saturatingInt64(Json(-1e300)), std::numeric_limits<int64_t>::min());
        QCOMPARE(saturatingInt64(Json(9223372036854775808.0)), std::numeric_limits<int64_t>::max());
        QCOMPARE(saturatingInt64(Json(-9223372036854775808.0)), std::numeric_limits<int64_t>::min());
        QCOMPARE(saturatingInt64(Json(uint64_t{18446744073709551615ULL})),
                 std::numeric_limits<int64_t>::max());
        QCOMPARE(saturatingInt64(Json(-3.9)), int64_t{-3});
        QCOMPARE(saturatingInt64(Json(7)), int64_t{7});
        QCOMPARE(saturatingInt64(Json("7")), int64_t{0});
        // A record's seq, as the destroy order and the snapshot read it.
        QCOMPARE(StateRecord(parseJsonText(R"({"seq": 1e300})")).seq(), std::numeric_limits<int64_t>::max());
        QCOMPARE(StateRecord(parseJsonText(R"({"seq": 123456789012345678901234567890})")).seq(),
                 std::numeric_limits<int64_t>::max());
        QCOMPARE(StateRecord(parseJsonText(R"({"seq": 18446744073709551615})")).seq(),
                 std::numeric_limits<int64_t>::max());
    }

    void controlCharactersInMessages() {
        QCOMPARE(escapeControlCharacters(std::string("a\0b\n\t\x1f\x7f\xc3\xa9\\", 10)),
                 std::string("a\\u0000b\\n\\t\\u001f\\u007f\xc3\xa9\\"));
    }

    // The core promise: a record read from disk and written back is byte-identical to what Alchemy wrote.
    void everyRealAlchemyFileRoundTrips() {
        const QString base = QStringLiteral(ATHANOR_TEST_DATA_DIR "/real-alchemy");
        QDirIterator it(base, {QStringLiteral("*.json")}, QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            const std::string bytes = readBytes(path);
            const StateRecord record(parseJsonText(bytes));
            const std::string again = record.toFileText();
            if (again != bytes) {
                size_t at = 0;
                while (at < bytes.size() && at < again.size() && bytes[at] == again[at])
                    ++at;
                QFAIL(qPrintable(QStringLiteral("%1 differs at byte %2").arg(path).arg(at)));
            }
            ++files;
        }
        // 327 record files in the fixture trees; a drop would mean the walk silently skipped some.
        QCOMPARE(files, 327);
    }

    void recordAccessors() {
        const StateRecord r(
            parseJsonText(R"({"kind":"fs::File","id":"a/b","fqn":"app/dev/a/b","seq":3,"data":{},)"
                          R"("status":"updating","output":{},"props":{"x":1},"oldProps":{}})"));
        QCOMPARE(r.kind(), std::string("fs::File"));
        QCOMPARE(r.id(), std::string("a/b"));
        QCOMPARE(r.fqn(), std::string("app/dev/a/b"));
        QCOMPARE(r.seq(), int64_t{3});
        QVERIFY(r.status() == ResourceStatus::Updating);
        QVERIFY(r.props() && (*r.props())["x"] == 1);
        QVERIFY(r.oldProps());
        QVERIFY(!r.isScope());
        // The older documented shape names the kind "provider".
        const StateRecord legacy(parseJsonText(R"({"provider":"fs::File","status":"created","props":{}})"));
        QCOMPARE(legacy.kind(), std::string("fs::File"));
        QVERIFY(legacy.usesLegacyProviderKey());
        QVERIFY(!legacy.output());
        for (const char* s : {"creating", "created", "updating", "updated", "deleting", "deleted"})
            QCOMPARE(std::string(toString(*parseResourceStatus(s))), std::string(s));
        QVERIFY(!parseResourceStatus("Created"));
    }
};

QTEST_GUILESS_MAIN(TestJsonText)
#include "tst_json_text.moc"

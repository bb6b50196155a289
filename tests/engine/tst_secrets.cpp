// Secrets: Alchemy's v1 (scrypt + AES-256-GCM) and legacy (secretbox) formats, checked against state written
// by the real Alchemy 0.94.0 (tests/data/real-alchemy) and against values built here with libsodium directly.
#include "secrets/Base64.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "secrets/SecureString.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QtTest>
#include <atomic>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sodium.h>
#include <sstream>
#include <thread>

using namespace athanor;

namespace {

const char* const kMainPassword = "correct horse battery staple";
const char* const kTeamPassword = "team-scope-password";

std::string realAlchemyDir() {
    return std::string(ATHANOR_TEST_DATA_DIR) + "/real-alchemy/";
}

Json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return Json::parse(buffer.str());
}

struct TsvRow {
    std::string file, pointer, format, plaintextJson;
};

std::vector<TsvRow> readTsv() {
    std::ifstream in(realAlchemyDir() + "secrets-plaintext.tsv", std::ios::binary);
    std::vector<TsvRow> rows;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (line.empty())
            continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, '\t'))
            cols.push_back(col);
        if (cols.size() != 4)
            throw std::runtime_error("bad tsv line: " + line);
        rows.push_back({cols[0], cols[1], cols[2], cols[3]});
    }
    return rows;
}

bool isTeamFile(const std::string& file) {
    return file.rfind("secrets/", 0) == 0 && file.find("/.alchemy/vault/dev/team/") != std::string::npos;
}

PasswordRing ring(std::initializer_list<const char*> passwords) {
    PasswordRing r;
    for (const char* p : passwords)
        r.add(SecureString(p));
    return r;
}

// The value a tsv row promises at its pointer after revealing: the string itself, or the parsed JSON text.
Json expectedValue(const TsvRow& row) {
    const Json cell = Json::parse(row.plaintextJson);
    if (row.format == "v1-object(data)" || row.format == "legacy-object(data)")
        return Json::parse(cell.get<std::string>());
    return cell;
}

SecretFormat expectedFormat(const std::string& format) {
    if (format == "v1-string")
        return SecretFormat::V1String;
    if (format == "v1-object(data)")
        return SecretFormat::V1Object;
    if (format == "legacy-string")
        return SecretFormat::LegacyString;
    if (format == "legacy-object(data)")
        return SecretFormat::LegacyObject;
    throw std::runtime_error("unknown format in tsv: " + format);
}

// Builds a legacy value exactly like Alchemy's libsodiumEncrypt, with libsodium directly.
std::string makeLegacy(std::string_view plaintext, std::string_view password) {
    unsigned char key[crypto_secretbox_KEYBYTES];
    crypto_generichash(key, sizeof key, reinterpret_cast<const unsigned char*>(password.data()),
                       password.size(), nullptr, 0);
    std::vector<unsigned char> combined(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                        plaintext.size());
    randombytes_buf(combined.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(combined.data() + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                          combined.data(), key);
    sodium_memzero(key, sizeof key);
    return encodeBase64(combined.data(), combined.size());
}

SecretError::Reason reasonOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const SecretError& e) {
        return e.reason;
    }
    throw std::runtime_error("expected a SecretError");
}

std::string messageOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const SecretError& e) {
        return e.what();
    }
    throw std::runtime_error("expected a SecretError");
}

std::string bytesToString(const std::optional<std::vector<unsigned char>>& bytes) {
    return bytes ? std::string(bytes->begin(), bytes->end()) : std::string("<nullopt>");
}

} // namespace

class TestSecrets : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(sodium_init() >= 0);
        QVERIFY(!readTsv().empty());
    }

    void cleanupTestCase() { setAesGcmBackend(AesGcmBackend::Auto); }

    void realAlchemySecret_data() {
        QTest::addColumn<int>("row");
        const auto rows = readTsv();
        for (size_t i = 0; i < rows.size(); ++i)
            QTest::newRow((rows[i].file + rows[i].pointer).c_str()) << static_cast<int>(i);
    }

    void realAlchemySecret() {
        QFETCH(int, row);
        const TsvRow r = readTsv().at(static_cast<size_t>(row));
        const Json doc = readJsonFile(realAlchemyDir() + r.file);
        const Json& tag = doc.at(Json::json_pointer(r.pointer)).at("@secret");
        const bool team = isTeamFile(r.file);

        QCOMPARE(int(secretFormatOf(tag)), int(expectedFormat(r.format)));
        const DecryptedSecret secret = decryptSecretTag(tag, ring({kMainPassword, kTeamPassword}));
        QCOMPARE(int(secret.format), int(expectedFormat(r.format)));
        QCOMPARE(secret.passwordIndex, team ? size_t(1) : size_t(0));
        const std::string expectedText = Json::parse(r.plaintextJson).get<std::string>();
        if (isDataFormat(secret.format))
            QCOMPARE(Json::parse(secret.plaintext.view()), Json::parse(expectedText));
        else
            QCOMPARE(std::string(secret.plaintext.view()), expectedText);

        if (team) {
            // The child scope's own password is required: the root password alone must fail clearly.
            try {
                decryptSecretTag(tag, ring({kMainPassword}));
                QFAIL("team secret opened with the main password");
            } catch (const SecretError& e) {
                QCOMPARE(int(e.reason), int(SecretError::Reason::WrongPassword));
                QCOMPARE(std::string(e.what()), std::string("wrong password (tried 1 password)"));
            }
        }
    }

    void revealRealDocuments() {
        std::map<std::string, std::vector<TsvRow>> byFile;
        for (const TsvRow& r : readTsv())
            byFile[r.file].push_back(r);
        const PasswordRing both = ring({kMainPassword, kTeamPassword});
        for (const auto& [file, rows] : byFile) {
            const Json doc = readJsonFile(realAlchemyDir() + file);
            const std::string record = doc.at("fqn").get<std::string>();

            std::set<std::string> expectedPointers, foundPointers;
            for (const TsvRow& r : rows)
                expectedPointers.insert(r.pointer);
            for (const SecretSite& site : findSecrets(doc))
                foundPointers.insert(site.pointer);
            QCOMPARE(foundPointers, expectedPointers);

            const Json revealed = revealSecrets(doc, both, record);
            for (const TsvRow& r : rows)
                QCOMPARE(revealed.at(Json::json_pointer(r.pointer)), expectedValue(r));
            QVERIFY(findSecrets(revealed).empty());
            // Everything that is not a secret is untouched, key order included.
            Json stripped = revealed, original = doc;
            for (const TsvRow& r : rows) {
                stripped.at(Json::json_pointer(r.pointer)) = nullptr;
                original.at(Json::json_pointer(r.pointer)) = nullptr;
            }
            QCOMPARE(stripped.dump(), original.dump());

            if (isTeamFile(file)) {
                const std::string message =
                    messageOf([&] { revealSecrets(doc, ring({kMainPassword}), record); });
                const std::string expected = "cannot decrypt secret " + rows.front().pointer + " of " +
                                             record + ": wrong password (tried 1 password)";
                QCOMPARE(message, expected);
                const RevealReport partial = revealSecretsPartially(doc, ring({kMainPassword}), record);
                QCOMPARE(partial.locked.size(), rows.size());
                QVERIFY(partial.errors.empty());
                QCOMPARE(partial.document, doc);
            }
        }
    }

    void legacyShapes() {
        const std::string legacy = makeLegacy("legacy-value ✓", kMainPassword);
        const DecryptedSecret s = decryptSecretTag(Json(legacy), ring({"other", kMainPassword}));
        QCOMPARE(int(s.format), int(SecretFormat::LegacyString));
        QCOMPARE(s.passwordIndex, size_t(1));
        QCOMPARE(std::string(s.plaintext.view()), std::string("legacy-value ✓"));

        const Json dataTag = Json{{"data", makeLegacy(R"({"user":"old","n":[1,2]})", kMainPassword)}};
        const DecryptedSecret d = decryptSecretTag(dataTag, ring({kMainPassword}));
        QCOMPARE(int(d.format), int(SecretFormat::LegacyObject));
        QCOMPARE(std::string(d.plaintext.view()), std::string(R"({"user":"old","n":[1,2]})"));

        Json doc = {{"props", {{"a", {{"@secret", legacy}}}, {"b", {{"@secret", dataTag}}}}}};
        const Json revealed = revealSecrets(doc, ring({kMainPassword}), "app/dev/legacy");
        QCOMPARE(revealed.at("/props/a"_json_pointer), Json("legacy-value ✓"));
        QCOMPARE(revealed.at("/props/b"_json_pointer), Json::parse(R"({"user":"old","n":[1,2]})"));
        const auto sites = findSecrets(doc);
        QCOMPARE(sites.size(), size_t(2));
        QCOMPARE(int(sites[0].format), int(SecretFormat::LegacyString));
        QCOMPARE(int(sites[1].format), int(SecretFormat::LegacyObject));

        QCOMPARE(int(reasonOf([&] { decryptSecretTag(Json(legacy), ring({kTeamPassword})); })),
                 int(SecretError::Reason::WrongPassword));
    }

    void v1RoundTrip() {
        const SecureString password(kMainPassword);
        const Json a = encryptV1("hello wörld", password);
        std::vector<std::string> keys;
        for (auto it = a.begin(); it != a.end(); ++it)
            keys.push_back(it.key());
        QCOMPARE(keys, (std::vector<std::string>{"version", "ciphertext", "iv", "salt", "tag"}));
        QCOMPARE(a.at("version").get<std::string>(), std::string("v1"));
        QCOMPARE(a.at("salt").get<std::string>().size(), size_t(24));
        QCOMPARE(a.at("iv").get<std::string>().size(), size_t(16));
        QCOMPARE(a.at("tag").get<std::string>().size(), size_t(24));
        QCOMPARE(a.at("ciphertext").get<std::string>().size(), size_t(16)); // 12 UTF-8 bytes, GCM adds none

        const DecryptedSecret s = decryptSecretTag(a, ring({kMainPassword}));
        QCOMPARE(int(s.format), int(SecretFormat::V1String));
        QCOMPARE(std::string(s.plaintext.view()), std::string("hello wörld"));

        // Fresh salt and IV on every call.
        const Json b = encryptV1("hello wörld", password);
        QVERIFY(a.at("salt") != b.at("salt"));
        QVERIFY(a.at("iv") != b.at("iv"));
        QVERIFY(a.at("ciphertext") != b.at("ciphertext"));

        const Json empty = encryptV1("", password);
        QCOMPARE(empty.at("ciphertext").get<std::string>(), std::string());
        QVERIFY(decryptSecretTag(empty, ring({kMainPassword})).plaintext.empty());

        // A v1 object without "version" (older Alchemy) still opens.
        Json noVersion = a;
        noVersion.erase("version");
        QCOMPARE(std::string(decryptSecretTag(noVersion, ring({kMainPassword})).plaintext.view()),
                 std::string("hello wörld"));

        QCOMPARE(int(reasonOf([&] { encryptV1("x", SecureString()); })),
                 int(SecretError::Reason::NoPassword));
    }

    void sealValues() {
        const SecureString password(kMainPassword);
        const Json sealedString = sealSecretValue(Json("just text"), password);
        QCOMPARE(int(secretFormatOf(sealedString)), int(SecretFormat::V1String));
        QCOMPARE(std::string(decryptSecretTag(sealedString, ring({kMainPassword})).plaintext.view()),
                 std::string("just text"));

        const Json value =
            Json::parse(R"({"user":"admin","pass":"hunter2","port":5432,"ratio":0.5,"n":null})");
        const Json sealedObject = sealSecretValue(value, password);
        QCOMPARE(sealedObject.size(), size_t(1));
        QVERIFY(sealedObject.contains("data"));
        QCOMPARE(int(secretFormatOf(sealedObject)), int(SecretFormat::V1Object));
        const DecryptedSecret d = decryptSecretTag(sealedObject, ring({kMainPassword}));
        // Compact JSON.stringify text, the same bytes Alchemy would have encrypted.
        QCOMPARE(std::string(d.plaintext.view()),
                 std::string(R"({"user":"admin","pass":"hunter2","port":5432,"ratio":0.5,"n":null})"));

        const Json doc = {
            {"output", {{"creds", {{"@secret", sealedObject}}}, {"token", {{"@secret", sealedString}}}}}};
        const Json revealed = revealSecrets(doc, ring({kMainPassword}), "app/dev/x");
        QCOMPARE(revealed.at("/output/creds"_json_pointer), value);
        QCOMPARE(revealed.at("/output/token"_json_pointer), Json("just text"));

        const Json sealedNumber = sealSecretValue(Json(42), password);
        QCOMPARE(std::string(decryptSecretTag(sealedNumber, ring({kMainPassword})).plaintext.view()),
                 std::string("42"));
    }

    void aesBackendsInteroperate() {
        const bool hasLibsodiumAes = crypto_aead_aes256gcm_is_available() != 0;
        setAesGcmBackend(AesGcmBackend::OpenSsl);
        QCOMPARE(int(activeAesGcmBackend()), int(AesGcmBackend::OpenSsl));
        const Json byOpenSsl = encryptV1("made by openssl", SecureString(kMainPassword));
        const Json realTag = readJsonFile(realAlchemyDir() + "secrets/01-up/.alchemy/vault/dev/config.json")
                                 .at("/props/creds/@secret"_json_pointer);
        QCOMPARE(Json::parse(decryptSecretTag(realTag, ring({kMainPassword})).plaintext.view()),
                 Json::parse(R"({"user":"admin","pass":"hunter2","port":5432})"));

        setAesGcmBackend(AesGcmBackend::Libsodium);
        QCOMPARE(int(activeAesGcmBackend()),
                 int(hasLibsodiumAes ? AesGcmBackend::Libsodium : AesGcmBackend::OpenSsl));
        const Json byLibsodium = encryptV1("made by libsodium", SecureString(kMainPassword));
        QCOMPARE(std::string(decryptSecretTag(byOpenSsl, ring({kMainPassword})).plaintext.view()),
                 std::string("made by openssl"));

        setAesGcmBackend(AesGcmBackend::OpenSsl);
        QCOMPARE(std::string(decryptSecretTag(byLibsodium, ring({kMainPassword})).plaintext.view()),
                 std::string("made by libsodium"));
        // The OpenSSL path rejects a wrong password as cleanly as libsodium does.
        QCOMPARE(int(reasonOf([&] { decryptSecretTag(byLibsodium, ring({kTeamPassword})); })),
                 int(SecretError::Reason::WrongPassword));

        setAesGcmBackend(AesGcmBackend::Auto);
        QCOMPARE(int(activeAesGcmBackend()),
                 int(hasLibsodiumAes ? AesGcmBackend::Libsodium : AesGcmBackend::OpenSsl));
        if (!hasLibsodiumAes)
            qWarning("no AES-NI: the libsodium AES-256-GCM path was not exercised");
    }

    void parallelDecryption() {
        const Json tag = encryptV1("shared", SecureString(kMainPassword));
        const Json legacy = Json(makeLegacy("old", kMainPassword));
        const PasswordRing passwords = ring({kTeamPassword, kMainPassword});
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                const PasswordRing mine = passwords.clone();
                for (int i = 0; i < 2; ++i) {
                    if (decryptSecretTag(tag, mine).plaintext.view() == "shared" &&
                        decryptSecretTag(legacy, mine).plaintext.view() == "old")
                        ++ok;
                }
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(ok.load(), 8);
    }

    void wrongPasswordNamesRecordAndPointer() {
        const Json doc = {
            {"output", {{"value", {{"@secret", encryptV1("x", SecureString(kMainPassword))}}}}}};
        const std::string message = messageOf([&] {
            revealSecrets(doc, ring({"nope", "still nope"}), "shop/dev/session-key");
        });
        QCOMPARE(message,
                 std::string("cannot decrypt secret /output/value of shop/dev/session-key: wrong password "
                             "(tried 2 passwords)"));
        QCOMPARE(int(reasonOf([&] { revealSecrets(doc, ring({"nope"}), "r"); })),
                 int(SecretError::Reason::WrongPassword));
        QCOMPARE(int(reasonOf([&] { revealSecrets(doc, PasswordRing(), "r"); })),
                 int(SecretError::Reason::NoPassword));
    }

    void malformedTags_data() {
        QTest::addColumn<QString>("tagJson");
        QTest::addColumn<bool>("shapeProblem"); // false: the shape is right but the content cannot decode
        const Json good = encryptV1("x", SecureString(kMainPassword));
        auto without = [&](const char* key) {
            Json t = good;
            t.erase(key);
            return QString::fromStdString(t.dump());
        };
        auto with = [&](const char* key, Json value) {
            Json t = good;
            t[key] = std::move(value);
            return QString::fromStdString(t.dump());
        };
        QTest::newRow("missing iv") << without("iv") << true;
        QTest::newRow("missing tag") << without("tag") << true;
        QTest::newRow("missing ciphertext") << without("ciphertext") << true;
        QTest::newRow("bad base64") << with("ciphertext", "!!not base64!!") << false;
        QTest::newRow("iv not a string") << with("iv", 12) << true;
        QTest::newRow("short iv") << with("iv", "AAAA") << false;
        QTest::newRow("short tag") << with("tag", "AAAA") << false;
        QTest::newRow("unknown version") << with("version", "v2") << true;
        // A lone surrogate (kept as WTF-8 once parsed) that nlohmann's dump() refuses to write.
        Json loneSurrogateVersion = good;
        loneSurrogateVersion["version"] = parseJsonText("\"\\udead\"");
        QTest::newRow("lone surrogate version")
            << QString::fromStdString(stringifyJs(loneSurrogateVersion, 0)) << true;
        QTest::newRow("number") << QStringLiteral("42") << true;
        QTest::newRow("true") << QStringLiteral("true") << true;
        QTest::newRow("array") << QStringLiteral("[1,2]") << true;
        QTest::newRow("empty object") << QStringLiteral("{}") << true;
        QTest::newRow("data number") << QStringLiteral(R"({"data": 5})") << true;
        QTest::newRow("data null") << QStringLiteral(R"({"data": null})") << true;
        QTest::newRow("data missing iv")
            << QString::fromStdString(Json{{"data", Json::parse(without("iv").toStdString())}}.dump())
            << true;
        QTest::newRow("legacy bad base64") << QStringLiteral(R"("#$%")") << false;
        QTest::newRow("legacy too short") << QStringLiteral(R"("AAAA")") << false;
        QTest::newRow("legacy data too short") << QStringLiteral(R"({"data": "AAAA"})") << false;
    }

    void malformedTags() {
        QFETCH(QString, tagJson);
        QFETCH(bool, shapeProblem);
        const Json tag = parseJsonText(tagJson.toStdString());
        // Malformed wins over an empty ring: no password could ever help.
        QCOMPARE(int(reasonOf([&] { decryptSecretTag(tag, ring({kMainPassword})); })),
                 int(SecretError::Reason::Malformed));
        QCOMPARE(int(reasonOf([&] { decryptSecretTag(tag, PasswordRing()); })),
                 int(SecretError::Reason::Malformed));
        if (shapeProblem)
            QCOMPARE(int(reasonOf([&] { secretFormatOf(tag); })), int(SecretError::Reason::Malformed));
        else
            QVERIFY(int(secretFormatOf(tag)) >= 0); // classifying by shape does not decode base64

        const Json doc = {{"props", {{"ok", "plain"}, {"bad", {{"@secret", tag}}}}}};
        const std::string message =
            messageOf([&] { revealSecrets(doc, ring({kMainPassword}), "app/dev/r"); });
        QVERIFY2(message.rfind("cannot decrypt secret /props/bad of app/dev/r: malformed secret", 0) == 0,
                 message.c_str());
        if (shapeProblem) {
            const std::string findMessage = messageOf([&] { findSecrets(doc); });
            QVERIFY2(findMessage.rfind("secret /props/bad: malformed secret", 0) == 0, findMessage.c_str());
        } else {
            QCOMPARE(findSecrets(doc).size(), size_t(1));
        }
        const RevealReport partial = revealSecretsPartially(doc, ring({kMainPassword}), "app/dev/r");
        QCOMPARE(partial.errors.size(), size_t(1));
        QVERIFY(partial.locked.empty());
        QCOMPARE(partial.document, doc);
    }

    // The version is quoted as JSON.stringify would write it, whatever it holds.
    void malformedVersionIsNamed() {
        Json tag = encryptV1("x", SecureString(kMainPassword));
        tag["version"] = parseJsonText("\"\\udead\"");
        QCOMPARE(messageOf([&] { secretFormatOf(tag); }),
                 std::string("malformed secret: unsupported version \"\\udead\""));
        tag["version"] = Json::array({1, std::string(100, 'v')});
        QCOMPARE(messageOf([&] { decryptSecretTag(tag, PasswordRing()); }),
                 "malformed secret: unsupported version [1,\"" + std::string(56, 'v') + "...");
    }

    // Decrypted data is read as JSON.parse reads it (a lone surrogate JSON.stringify wrote), within the
    // nesting limit: deeper is a malformed secret, not a document no walker could handle.
    void dataSecretsReadWithTheOneParser() {
        const Json lone = Json::array({parseJsonText("\"half \\ud83d\""), 1});
        const Json sealed = {{"v", {{"@secret", sealSecretValue(lone, SecureString(kMainPassword))}}}};
        QCOMPARE(revealSecrets(sealed, ring({kMainPassword}), "app/dev/r").at("v"), lone);

        Json deep = Json::array();
        for (size_t i = 1; i <= kMaxJsonDepth; ++i)
            deep = Json::array({deep});
        const Json tooDeep = {{"v", {{"@secret", sealSecretValue(deep, SecureString(kMainPassword))}}}};
        QCOMPARE(messageOf([&] { revealSecrets(tooDeep, ring({kMainPassword}), "app/dev/r"); }),
                 std::string("cannot decrypt secret /v of app/dev/r: decrypted data is not valid JSON"));
        QCOMPARE(int(reasonOf([&] { revealSecrets(tooDeep, ring({kMainPassword}), "app/dev/r"); })),
                 int(SecretError::Reason::Malformed));
    }

    // A NUL in a key or a record name does not cut the message short.
    void controlCharactersInMessagesAreEscaped() {
        const Json doc = {{std::string("a\0b", 3), {{"@secret", 7}}}};
        QCOMPARE(
            messageOf([&] { revealSecrets(doc, ring({kMainPassword}), std::string("app/dev/r\n", 10)); }),
            std::string("cannot decrypt secret /a\\u0000b of app/dev/r\\n: malformed secret: expected a "
                        "string or an object, got a number"));
    }

    void emptyRing() {
        const Json tag = encryptV1("x", SecureString(kMainPassword));
        QCOMPARE(int(reasonOf([&] { decryptSecretTag(tag, PasswordRing()); })),
                 int(SecretError::Reason::NoPassword));
        const Json doc = {{"a", {{"@secret", tag}}}, {"b", {{"@secret", Json{{"data", tag}}}}}};
        const RevealReport partial = revealSecretsPartially(doc, PasswordRing(), "r");
        QCOMPARE(partial.locked.size(), size_t(2));
        QCOMPARE(partial.locked[0].pointer, std::string("/a"));
        QCOMPARE(int(partial.locked[1].format), int(SecretFormat::V1Object));
        QVERIFY(partial.errors.empty());
    }

    void partialRevealMixesLockedAndOpen() {
        const Json doc = {{"main", {{"@secret", encryptV1("m", SecureString(kMainPassword))}}},
                          {"team", {{"@secret", encryptV1("t", SecureString(kTeamPassword))}}},
                          {"broken", {{"@secret", 7}}}};
        const RevealReport r = revealSecretsPartially(doc, ring({kMainPassword}), "app/dev/r");
        QCOMPARE(r.document.at("main"), Json("m"));
        QCOMPARE(r.document.at("team"), doc.at("team"));
        QCOMPARE(r.document.at("broken"), doc.at("broken"));
        QCOMPARE(r.locked.size(), size_t(1));
        QCOMPARE(r.locked[0].pointer, std::string("/team"));
        QCOMPARE(r.errors.size(), size_t(1));
    }

    void dataThatIsNotJson() {
        const Json tag = {{"data", encryptV1("not json", SecureString(kMainPassword))}};
        const Json doc = {{"x", {{"@secret", tag}}}};
        QCOMPARE(int(reasonOf([&] { revealSecrets(doc, ring({kMainPassword}), "r"); })),
                 int(SecretError::Reason::Malformed));
    }

    void invalidUtf8BecomesReplacementChar() {
        const Json doc = {{"x",
                           {{"@secret", encryptV1("a\xFF"
                                                  "b\xE2\x82",
                                                  SecureString(kMainPassword))}}}};
        const Json revealed = revealSecrets(doc, ring({kMainPassword}), "r");
        QCOMPARE(revealed.at("x").get<std::string>(), std::string("a\xEF\xBF\xBD"
                                                                  "b\xEF\xBF\xBD"));
        QVERIFY(!revealed.dump().empty()); // writable, unlike raw invalid UTF-8
    }

    void walkerFollowsAlchemy() {
        const Json tag = encryptV1("x", SecureString(kMainPassword));
        const Json doc = Json::parse(R"({
            "falsy": [{"@secret": null}, {"@secret": ""}, {"@secret": 0}, {"@secret": false}],
            "schema": {"@schema": {"inner": {"@secret": "ignored"}}},
            "date": {"@date": "2024-01-02T03:04:05.000Z", "other": {"@secret": "ignored"}},
            "we/ird~key": {"@secret": "placeholder"},
            "list": [1, {"deep": [{"@secret": "placeholder"}]}]
        })");
        Json d = doc;
        d["we/ird~key"]["@secret"] = tag;
        d["list"][1]["deep"][0]["@secret"] = tag;
        const auto sites = findSecrets(d);
        QCOMPARE(sites.size(), size_t(2));
        QCOMPARE(sites[0].pointer, std::string("/we~1ird~0key"));
        QCOMPARE(sites[1].pointer, std::string("/list/1/deep/0"));
        const Json revealed = revealSecrets(d, ring({kMainPassword}), "r");
        QCOMPARE(revealed.at("/we~1ird~0key"_json_pointer), Json("x"));
        QCOMPARE(revealed.at("falsy"), doc.at("falsy"));
        QCOMPARE(revealed.at("schema"), doc.at("schema"));
        QCOMPARE(revealed.at("date"), doc.at("date"));
        QVERIFY(hasSecretTag(d.at("we/ird~key")));
        QVERIFY(!hasSecretTag(doc.at("falsy").at(0)));
    }

    void base64() {
        auto enc = [](std::string_view s) {
            return encodeBase64(reinterpret_cast<const unsigned char*>(s.data()), s.size());
        };
        QCOMPARE(enc(""), std::string(""));
        QCOMPARE(enc("f"), std::string("Zg=="));
        QCOMPARE(enc("fo"), std::string("Zm8="));
        QCOMPARE(enc("foobar"), std::string("Zm9vYmFy"));
        const unsigned char high[] = {0xfb, 0xff, 0xbf};
        QCOMPARE(encodeBase64(high, 3), std::string("+/+/"));

        QCOMPARE(bytesToString(decodeBase64Lenient("Zm9vYmFy")), std::string("foobar"));
        QCOMPARE(bytesToString(decodeBase64Lenient("Zg==")), std::string("f"));
        QCOMPARE(bytesToString(decodeBase64Lenient("Zg")), std::string("f"));   // missing padding
        QCOMPARE(bytesToString(decodeBase64Lenient("Zm8")), std::string("fo")); // missing padding
        QCOMPARE(bytesToString(decodeBase64Lenient(" Zm9v\nYm\r\nFy\t")), std::string("foobar"));
        QCOMPARE(bytesToString(decodeBase64Lenient("-_-_")), std::string("\xfb\xff\xbf"));
        QCOMPARE(bytesToString(decodeBase64Lenient("+/-_")), std::string("\xfb\xff\xbf"));
        QCOMPARE(bytesToString(decodeBase64Lenient("")), std::string(""));
        QVERIFY(decodeBase64Lenient("").has_value());
        QVERIFY(!decodeBase64Lenient("Zm9v!").has_value());
        QVERIFY(!decodeBase64Lenient("Zg==Zg==").has_value());
        QVERIFY(!decodeBase64Lenient("Zm9vY").has_value());

        // A real salt from Alchemy, rewritten URL-safe and unpadded, still decodes to the same 16 bytes.
        const auto standard = decodeBase64Lenient("bhGgW4WLragJV4/t5DWVgQ==");
        QVERIFY(standard && standard->size() == 16);
        QCOMPARE(decodeBase64Lenient("bhGgW4WLragJV4_t5DWVgQ"), standard);
    }

    void secureString() {
        SecureString s("hunter2");
        QCOMPARE(s.size(), size_t(7));
        QCOMPARE(std::string(s.view()), std::string("hunter2"));
        SecureString copy = s.clone();
        QVERIFY(copy.equals(s));
        s.clear();
        QVERIFY(s.empty());
        QCOMPARE(s.size(), size_t(0));
        QVERIFY(s.view().empty());
        QVERIFY(s.data() != nullptr);

        SecureString moved(std::move(copy));
        QVERIFY(copy.empty()); // NOLINT(bugprone-use-after-move): moved-from state is part of the contract
        QCOMPARE(std::string(moved.view()), std::string("hunter2"));
        SecureString target("old");
        target = std::move(moved);
        QVERIFY(moved.empty()); // NOLINT(bugprone-use-after-move)
        QCOMPARE(std::string(target.view()), std::string("hunter2"));

        const unsigned char raw[] = {0, 1, 2, 0xff};
        const SecureString bytes = SecureString::fromBytes(raw, sizeof raw);
        QCOMPARE(bytes.size(), size_t(4));
        QCOMPARE(bytes.data()[3], static_cast<unsigned char>(0xff));
        QVERIFY(SecureString("").empty());
    }

    void passwordRing() {
        PasswordRing r;
        QVERIFY(r.empty());
        r.add(SecureString("a"));
        r.add(SecureString(""));
        r.add(SecureString("b"));
        r.add(SecureString("a"));
        QCOMPARE(r.size(), size_t(2));
        QCOMPARE(std::string(r.at(0).view()), std::string("a"));
        QCOMPARE(std::string(r.at(1).view()), std::string("b"));
        PasswordRing c = r.clone();
        r.clear();
        QVERIFY(r.empty());
        QCOMPARE(c.size(), size_t(2));
        QCOMPARE(std::string(c.at(1).view()), std::string("b"));
    }
};

QTEST_APPLESS_MAIN(TestSecrets)
#include "tst_secrets.moc"

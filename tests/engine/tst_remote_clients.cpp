// The remote clients against real servers on 127.0.0.1: Alchemy's own Cloudflare state-store worker under
// miniflare (its SQLite Durable Object) and s3rver as the S3 endpoint. No mocks: what these servers answer
// is what Alchemy's CloudflareStateStore and S3StateStore see.
#include "EngineTestFiles.h"
#include "NodeDeps.h"
#include "StateServers.h"
#include "store/cloudflare/WorkerClient.h"
#include "store/s3/S3Client.h"
#include "store/s3/S3Keys.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <QTemporaryDir>
#include <QtTest>

using namespace athanor;
using namespace std::chrono_literals;

namespace {

QString kindName(http::RemoteError::Kind kind) {
    const std::string_view name = http::toString(kind);
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}

const char* const kToken = "team-state-token";

Json sampleRow(const std::string& id, const std::string& fqn) {
    // A record as Alchemy serializes it (fields in the file store's success order).
    return parseJsonText(R"J({"kind": "fs::File", "id": ")J" + id + R"J(", "fqn": ")J" + fqn +
                         R"J(", "seq": 3, "data": {}, "status": "created",
        "output": {"Symbol(alchemy::ResourceKind)": "fs::File", "path": "out/a.txt", "n": 1.5e-7},
        "props": {"path": "out/a.txt", "content": {"@secret": "v1:abc"}, "unicode": "é\u2028"}})J");
}

s3::Credentials s3rverCredentials(const std::string& key = state_servers::kS3rverKey) {
    s3::Credentials c;
    c.accessKeyId = key;
    c.secretAccessKey = SecureString(state_servers::kS3rverSecret);
    c.origin = "the test's S3RVER key";
    return c;
}

s3::Endpoint endpointAt(const std::string& url) {
    s3::Endpoint e;
    e.baseUrl = url;
    e.pathStyle = true;
    e.region = "us-east-1";
    e.origin = "test";
    return e;
}

} // namespace

class TestRemoteClients : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<state_servers::NodeServer> m_worker;
    std::unique_ptr<state_servers::NodeServer> m_s3;

    cloudflare::WorkerClient workerClient(const std::string& token = kToken) {
        return cloudflare::WorkerClient(m_worker->url(), {SecureString(token), "ALCHEMY_STATE_TOKEN"});
    }
    s3::Client s3Client(const std::string& bucket = "alchemy-state",
                        const std::string& key = state_servers::kS3rverKey) {
        return s3::Client(bucket, endpointAt(m_s3->url()), s3rverCredentials(key));
    }

private slots:
    void initTestCase() {
        requireNodeDeps();
        m_worker = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken);
        m_s3 = state_servers::startS3Server(node_deps::nodeModules(), m_dir.filePath("s3").toStdString(),
                                            {"alchemy-state"});
    }
    void cleanupTestCase() {
        m_worker.reset();
        m_s3.reset();
    }

    // ---- Cloudflare: the real worker
    void workerStoresAndReturnsRows() {
        auto client = workerClient();
        client.checkToken();
        const std::vector<std::string> dev{"shop", "dev"};
        client.set(dev, "a", sampleRow("a", "shop/dev/a"));
        client.set(dev, "logs/app.log", sampleRow("logs/app.log", "shop/dev/logs/app.log"));
        client.set({"shop", "dev", "site"}, "child", sampleRow("child", "shop/dev/site/child"));

        auto list = client.list(dev);
        std::sort(list.begin(), list.end());
        QCOMPARE(list, (std::vector<std::string>{"a", "logs/app.log"}));
        QCOMPARE(client.count(dev), size_t(2));
        QCOMPARE(client.listScopes({"shop", "dev"}), std::vector<std::string>{"site"});
        QCOMPARE(client.listScopes({"shop"}), std::vector<std::string>{"dev"});
        // One Durable Object for the whole account, and it cannot name its apps.
        QCOMPARE(client.listScopes({}), std::vector<std::string>{});

        const std::optional<Json> row = client.get(dev, "a");
        QVERIFY(row);
        // The worker's row: its columns in table order, the JSON columns' values intact.
        std::vector<std::string> keys;
        for (const auto& [key, value] : row->items())
            keys.push_back(key);
        QCOMPARE(keys,
                 (std::vector<std::string>{"id", "status", "kind", "fqn", "seq", "data", "props", "output"}));
        const Json expected = sampleRow("a", "shop/dev/a");
        for (const char* field : {"id", "status", "kind", "fqn", "seq", "data", "props", "output"})
            QCOMPARE(stringifyJs((*row)[field], 0), stringifyJs(expected[field], 0));

        QVERIFY(!client.get(dev, "missing"));
        const Json all = client.all(dev);
        QCOMPARE(all.size(), size_t(2));
        QVERIFY(all.contains("logs/app.log"));
        const Json batch = client.getBatch(dev, {"a", "missing"});
        QCOMPARE(batch.size(), size_t(1));
        QVERIFY(batch.contains("a"));

        client.remove(dev, "a");
        client.remove(dev, "a"); // a missing id is no error
        QVERIFY(!client.get(dev, "a"));
    }

    void aWrongTokenIsRefusedOnceWithItsOrigin() {
        auto client = workerClient("not-the-token");
        const uint64_t before = client.httpClient().requestCount();
        try {
            client.checkToken();
            QFAIL("a wrong token was accepted");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindName(e.kind()), kindName(http::RemoteError::Kind::Unauthorized));
            const std::string message = e.what();
            QVERIFY2(message.starts_with("cloudflare:" + m_worker->url() + ": the state token is invalid"),
                     message.c_str());
            QVERIFY2(message.find("came from ALCHEMY_STATE_TOKEN") != std::string::npos, message.c_str());
            QVERIFY(message.find("not-the-token") == std::string::npos);
        }
        try {
            client.list({"shop", "dev"});
            QFAIL("a wrong token was accepted");
        } catch (const http::RemoteError& e) {
            QCOMPARE(e.status(), 401L);
        }
        // No retry storm: one request per call.
        QCOMPARE(client.httpClient().requestCount() - before, uint64_t(2));
    }

    void aStoppedWorkerIsOfflineAfterAlchemysRetries() {
        QTemporaryDir persist;
        auto server = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken,
                                                           persist.path().toStdString());
        const int port = server->port();
        cloudflare::WorkerClient client(server->url(), {SecureString(kToken), "ALCHEMY_STATE_TOKEN"});
        client.set({"app", "prod"}, "kept", sampleRow("kept", "app/prod/kept"));
        server->stop();
        const uint64_t before = client.httpClient().requestCount();
        try {
            client.list({"app", "prod"});
            QFAIL("a stopped worker answered");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindName(e.kind()), kindName(http::RemoteError::Kind::Offline));
            QVERIFY2(std::string(e.what()).starts_with(client.subject()), e.what());
        }
        QCOMPARE(client.httpClient().requestCount() - before, uint64_t(5));
        // Back on the same port with the same database: nothing was lost.
        server = state_servers::startCloudflareWorker(node_deps::nodeModules(), kToken,
                                                      persist.path().toStdString(), port);
        QCOMPARE(client.list({"app", "prod"}), std::vector<std::string>{"kept"});
    }

    // ---- S3: s3rver
    void s3StoresObjectsByteForByte() {
        auto client = s3Client();
        client.checkBucket();
        const std::string text = stringifyJs(sampleRow("logs/app.log", "shop/dev/logs/app.log"), 2);
        const std::string key = s3::objectKey("alchemy/", {"shop", "dev"}, "logs/app.log");
        QCOMPARE(key, std::string("alchemy/shop/dev/logs:app.log"));
        client.put(key, text);
        QCOMPARE(client.get(key).value(), text);
        QVERIFY(!client.get("alchemy/shop/dev/missing"));
        client.remove(key);
        client.remove(key); // a missing key is no error
        QVERIFY(!client.get(key));
    }

    void s3ListsEveryPageAndNestedScopesShowUp() {
        auto client = s3Client();
        std::vector<std::string> keys;
        for (int i = 0; i < 23; ++i) {
            char id[16];
            std::snprintf(id, sizeof id, "r%02d", i);
            keys.push_back(s3::objectKey("paged/", {"app", "dev"}, id));
        }
        keys.push_back(s3::objectKey("paged/", {"app", "dev", "assets"}, "img"));
        for (const auto& key : keys)
            client.put(key, "{}");
        std::vector<size_t> pages;
        const auto listed = client.list(
            "paged/app/dev/", {}, [&](size_t n) { pages.push_back(n); }, 7);
        QCOMPARE(listed.size(), keys.size());
        QCOMPARE(pages, (std::vector<size_t>{7, 14, 21, 24}));
        std::sort(keys.begin(), keys.end());
        for (size_t i = 0; i < keys.size(); ++i)
            QCOMPARE(listed[i].key, keys[i]);
        QCOMPARE(listed.front().size, uint64_t(2));
        // The stage's listing holds the nested scope's object; it is placed under its own scope.
        const auto nested = std::find_if(listed.begin(), listed.end(),
                                         [](const s3::ListedObject& o) { return o.key.ends_with("/img"); });
        QVERIFY(nested != listed.end());
        const auto placed = s3::placeKey("paged/", nested->key);
        QCOMPARE(placed->chain, (std::vector<std::string>{"app", "dev", "assets"}));
        QCOMPARE(placed->id, std::string("img"));
    }

    void s3rverIgnoresTheCreateOnlyCondition() {
        // What the lock's detection relies on: a second create-only PUT must fail where the condition is
        // honoured (AWS S3); s3rver lets it through.
        auto client = s3Client();
        const std::string key = "alchemy/.athanor-probe/condition";
        QVERIFY(client.putIfAbsent(key, "{\"first\": true}"));
        QVERIFY(client.putIfAbsent(key, "{\"second\": true}"));
        QCOMPARE(client.get(key).value(), std::string("{\"second\": true}"));
    }

    void s3RefusedCredentialsAndMissingBucketsSaySo() {
        auto wrongKey = s3Client("alchemy-state", "NOT-A-KEY");
        const uint64_t before = wrongKey.httpClient().requestCount();
        try {
            wrongKey.get("alchemy/shop/dev/a");
            QFAIL("an unknown key was accepted");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindName(e.kind()), kindName(http::RemoteError::Kind::Unauthorized));
            QVERIFY2(std::string(e.what()).find("the credentials were refused (InvalidAccessKeyId") !=
                         std::string::npos,
                     e.what());
            QVERIFY2(std::string(e.what()).find("the test's S3RVER key") != std::string::npos, e.what());
        }
        QCOMPARE(wrongKey.httpClient().requestCount() - before, uint64_t(1));

        auto noBucket = s3Client("no-such-bucket");
        try {
            noBucket.checkBucket();
            QFAIL("a missing bucket was accepted");
        } catch (const http::RemoteError& e) {
            QVERIFY2(std::string(e.what()).find("the bucket no-such-bucket does not exist") !=
                         std::string::npos,
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestRemoteClients)
#include "tst_remote_clients.moc"

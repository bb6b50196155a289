// The HTTP layer of the remote stores (store/http): SigV4 through libcurl against AWS's published test
// vectors (the signature-v4 test suite and the S3 examples of the SigV4 documentation), the canonical query
// Athanor builds because libcurl does not, and the limits every call has: timeouts, cancellation that
// wakes a waiting transfer at once, retries only where a second try can help.
#include "secrets/Sha256.h"
#include "store/http/BoundedParallel.h"
#include "store/http/HttpClient.h"

#include <QtTest>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace athanor;
using namespace std::chrono_literals;

namespace {

// A one-request-per-connection HTTP listener on 127.0.0.1 that records each request as received and
// answers with the next canned reply (or holds the connection without answering, to test time limits).
class Listener {
public:
    struct Reply {
        std::string raw;     // the whole HTTP answer; empty: never answer
        bool silent = false; // accept and hold the connection open, send nothing
    };

    Listener() {
        m_socket = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_socket, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (::bind(m_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_socket, 16) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        socklen_t length = sizeof address;
        ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~Listener() {
        m_stop = true;
        ::shutdown(m_socket, SHUT_RDWR);
        ::close(m_socket);
        m_thread.join();
        for (int fd : m_held)
            ::close(fd);
    }

    int port() const { return m_port; }
    std::string origin() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    void enqueue(Reply reply) {
        std::lock_guard lock(m_mutex);
        m_replies.push_back(std::move(reply));
    }
    void setDefault(Reply reply) {
        std::lock_guard lock(m_mutex);
        m_default = std::move(reply);
    }
    std::vector<std::string> requests() const {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    size_t requestCount() const { return requests().size(); }

    static Reply status(int code, const std::string& reason, const std::string& body = {},
                        const std::string& contentType = "text/plain") {
        return {"HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nContent-Type: " + contentType +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                    body,
                false};
    }

private:
    void serve() {
        while (!m_stop) {
            pollfd p{m_socket, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            const int fd = ::accept(m_socket, nullptr, nullptr);
            if (fd < 0)
                continue;
            std::string request;
            char buffer[65536];
            size_t headEnd = std::string::npos;
            size_t wanted = 0;
            for (;;) {
                const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
                if (n <= 0)
                    break;
                request.append(buffer, static_cast<size_t>(n));
                if (headEnd == std::string::npos &&
                    (headEnd = request.find("\r\n\r\n")) != std::string::npos) {
                    std::string lower = request.substr(0, headEnd);
                    for (char& c : lower)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    if (const size_t at = lower.find("content-length:"); at != std::string::npos)
                        wanted = std::stoul(lower.substr(at + 15));
                    if (lower.find("expect: 100-continue") != std::string::npos)
                        ::send(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL);
                }
                if (headEnd != std::string::npos && request.size() >= headEnd + 4 + wanted)
                    break;
            }
            Reply reply;
            {
                std::lock_guard lock(m_mutex);
                m_requests.push_back(request);
                if (!m_replies.empty()) {
                    reply = std::move(m_replies.front());
                    m_replies.pop_front();
                } else {
                    reply = m_default;
                }
            }
            if (reply.silent) {
                m_held.push_back(fd);
                continue;
            }
            ::send(fd, reply.raw.data(), reply.raw.size(), MSG_NOSIGNAL);
            ::close(fd);
        }
    }

    int m_socket = -1;
    int m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::deque<Reply> m_replies;
    Reply m_default = status(200, "OK");
    std::vector<std::string> m_requests;
    std::vector<int> m_held;
};

std::string headerOf(const std::string& request, const std::string& name) {
    std::string lowerRequest = request;
    for (char& c : lowerRequest)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string lowerName = name;
    for (char& c : lowerName)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t at = lowerRequest.find("\r\n" + lowerName + ":");
    if (at == std::string::npos)
        return {};
    size_t begin = at + 2 + name.size() + 1;
    while (begin < request.size() && request[begin] == ' ')
        ++begin;
    return request.substr(begin, request.find("\r\n", begin) - begin);
}

QString kindName(http::RemoteError::Kind kind) {
    return QString::fromUtf8(http::toString(kind).data(), qsizetype(http::toString(kind).size()));
}
QString kindOf(const http::RemoteError& e) {
    return kindName(e.kind());
}

std::string requestLine(const std::string& request) {
    return request.substr(0, request.find("\r\n"));
}

// The credentials and scope of the signature-v4 test suite.
const SecureString& suiteSecret() {
    static const SecureString secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    return secret;
}
// The credentials of the S3 examples in AWS's SigV4 documentation ("Examples: Signature Calculations").
const SecureString& s3ExampleSecret() {
    static const SecureString secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    return secret;
}

http::SigV4 suiteSigner() {
    http::SigV4 sign;
    sign.region = "us-east-1";
    sign.service = "service";
    sign.accessKeyId = "AKIDEXAMPLE";
    sign.secretAccessKey = &suiteSecret();
    sign.sendPayloadHash = false; // the generic suite signs no payload header
    return sign;
}

const char* const kSuiteCredential =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";

} // namespace

class TestRemoteHttp : public QObject {
    Q_OBJECT

    // Sends `request` (its URL's host reached at the listener, its Host header kept) and returns what the
    // listener received.
    std::string sendToListener(Listener& listener, http::Request request, const std::string& host) {
        http::ClientOptions options;
        options.connectTo.push_back(host + ":80:127.0.0.1:" + std::to_string(listener.port()));
        http::Client client(options);
        const size_t before = listener.requestCount();
        const http::Response response = client.send(request);
        if (response.status != 200 || listener.requestCount() != before + 1)
            return {};
        return listener.requests().back();
    }

private slots:
    void canonicalQuerySortsAndEncodesAsSigV4Says() {
        // get-vanilla-query-order-key-case: names sorted.
        QCOMPARE(http::canonicalQuery({{"Param2", "value2"}, {"Param1", "value1"}}),
                 std::string("Param1=value1&Param2=value2"));
        // get-vanilla-query-order-value: a repeated name sorts by value.
        QCOMPARE(http::canonicalQuery({{"Param1", "value2"}, {"Param1", "value1"}}),
                 std::string("Param1=value1&Param1=value2"));
        // get-vanilla-utf8-query: UTF-8 bytes, upper-case hex.
        QCOMPARE(http::canonicalQuery({{"\xE1\x88\xB4", "bar"}}), std::string("%E1%88%B4=bar"));
        // The parameters of a ListObjectsV2 page: '/' in a prefix and '=' '+' in a token are encoded.
        QCOMPARE(
            http::canonicalQuery(
                {{"prefix", "alchemy/shop/dev/"}, {"list-type", "2"}, {"continuation-token", "1a+b/c=="}}),
            std::string("continuation-token=1a%2Bb%2Fc%3D%3D&list-type=2&prefix=alchemy%2Fshop%2Fdev%2F"));
        QCOMPARE(http::canonicalQuery({{"b", ""}, {"a", "1"}}), std::string("a=1&b="));
        // get-unreserved: unreserved characters stay as they are.
        QCOMPARE(http::uriEncode("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
                 std::string("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"));
        // An S3 key in a path: '/' kept, ':' (Alchemy's '/' in ids) and spaces encoded.
        QCOMPARE(http::uriEncode("alchemy/shop/dev/logs:app log.json", true),
                 std::string("alchemy/shop/dev/logs%3Aapp%20log.json"));
    }

    void signsTheTestSuiteVectorsThroughLibcurl_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("headers");
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("sessionToken");
        QTest::addColumn<QString>("authorization");
        // AWS's signature-v4 test suite (aws-sig-v4-test-suite): request, then the Authorization it
        // publishes.
        QTest::newRow("get-vanilla")
            << "GET"
            << "/" << QStringList() << "" << false
            << "SignedHeaders=host;x-amz-date, "
               "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        QTest::newRow("post-x-www-form-urlencoded")
            << "POST"
            << "/" << QStringList{"Content-Type: application/x-www-form-urlencoded"} << "Param1=value1"
            << false
            << "SignedHeaders=content-type;host;x-amz-date, "
               "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a";
        QTest::newRow("get-vanilla-query-order-key-case")
            << "GET"
            << "?Param2=value2&Param1=value1" << QStringList() << "" << false
            << "SignedHeaders=host;x-amz-date, "
               "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500";
        QTest::newRow("get-vanilla-query-order-value")
            << "GET"
            << "?Param1=value2&Param1=value1" << QStringList() << "" << false
            << "SignedHeaders=host;x-amz-date, "
               "Signature=5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694";
        QTest::newRow("get-vanilla-utf8-query")
            << "GET" << QString::fromUtf8("?\xE1\x88\xB4=bar") << QStringList() << "" << false
            << "SignedHeaders=host;x-amz-date, "
               "Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04";
        QTest::newRow("get-header-value-trim")
            << "GET"
            << "/" << QStringList{"My-Header1: value1", "My-Header2: \"a   b   c\""} << "" << false
            << "SignedHeaders=host;my-header1;my-header2;x-amz-date, "
               "Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736";
        QTest::newRow("get-vanilla-with-session-token")
            << "GET"
            << "/" << QStringList() << "" << true
            << "SignedHeaders=host;x-amz-date;x-amz-security-token, "
               "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8";
    }
    void signsTheTestSuiteVectorsThroughLibcurl() {
        QFETCH(QString, method);
        QFETCH(QString, target);
        QFETCH(QStringList, headers);
        QFETCH(QString, body);
        QFETCH(bool, sessionToken);
        QFETCH(QString, authorization);

        Listener listener;
        http::Request request;
        request.method = method.toStdString();
        // The query is built the way Athanor builds every query: canonicalQuery() of the pairs.
        std::string path = "/";
        if (target.startsWith('?')) {
            std::vector<std::pair<std::string, std::string>> pairs;
            for (const QString& pair : target.mid(1).split('&')) {
                const QStringList parts = pair.split('=');
                pairs.emplace_back(parts[0].toStdString(), parts.value(1).toStdString());
            }
            path += "?" + http::canonicalQuery(pairs);
        }
        request.url = "http://example.amazonaws.com" + path;
        request.headers.emplace_back("X-Amz-Date", "20150830T123600Z"); // the vectors' moment
        for (const QString& header : headers) {
            const qsizetype colon = header.indexOf(':');
            request.headers.emplace_back(header.left(colon).toStdString(),
                                         header.mid(colon + 2).toStdString());
        }
        request.body = body.toStdString();
        request.sigv4 = suiteSigner();
        const SecureString token("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
        if (sessionToken)
            request.sigv4->sessionToken = &token;

        const std::string received = sendToListener(listener, request, "example.amazonaws.com");
        QVERIFY2(!received.empty(), "the listener received no request");
        QCOMPARE(QString::fromStdString(headerOf(received, "Authorization")),
                 QString::fromLatin1(kSuiteCredential) + authorization);
        if (sessionToken)
            QCOMPARE(headerOf(received, "x-amz-security-token"), std::string(token.view()));
    }

    void signsTheS3DocumentationExamples() {
        // AWS's SigV4 documentation, "Examples: Signature Calculations" for S3: GET Object with a Range, and
        // GET Bucket (list objects), both with x-amz-content-sha256 as Athanor always sends it to S3.
        Listener listener;
        http::SigV4 sign;
        sign.region = "us-east-1";
        sign.service = "s3";
        sign.accessKeyId = "AKIAIOSFODNN7EXAMPLE";
        sign.secretAccessKey = &s3ExampleSecret();
        sign.sendPayloadHash = true;

        http::Request getObject;
        getObject.url = "http://examplebucket.s3.amazonaws.com/" + http::uriEncode("test.txt", true);
        getObject.headers = {{"X-Amz-Date", "20130524T000000Z"}, {"Range", "bytes=0-9"}};
        getObject.sigv4 = sign;
        std::string received = sendToListener(listener, getObject, "examplebucket.s3.amazonaws.com");
        QCOMPARE(headerOf(received, "x-amz-content-sha256"),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(headerOf(received, "Authorization"),
                 std::string(
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                     "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                     "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));

        http::Request listObjects;
        listObjects.url = "http://examplebucket.s3.amazonaws.com/?" +
                          http::canonicalQuery({{"prefix", "J"}, {"max-keys", "2"}});
        listObjects.headers = {{"X-Amz-Date", "20130524T000000Z"}};
        listObjects.sigv4 = sign;
        received = sendToListener(listener, listObjects, "examplebucket.s3.amazonaws.com");
        QCOMPARE(requestLine(received), std::string("GET /?max-keys=2&prefix=J HTTP/1.1"));
        QCOMPARE(headerOf(received, "Authorization"),
                 std::string(
                     "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                     "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                     "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
    }

    void payloadHashIsTheBodysSha256() {
        Listener listener;
        const SecureString secret("secret");
        http::Request put;
        put.method = "PUT";
        put.url = listener.origin() + "/bucket/key";
        put.body = "{\n  \"id\": \"a\"\n}";
        put.headers = {{"Content-Type", "application/json"}};
        http::SigV4 sign;
        sign.region = "eu-west-1";
        sign.service = "s3";
        sign.accessKeyId = "AKID";
        sign.secretAccessKey = &secret;
        put.sigv4 = sign;
        http::Client client;
        QCOMPARE(client.send(put).status, 200L);
        const std::string received = listener.requests().back();
        QCOMPARE(headerOf(received, "x-amz-content-sha256"), sha256Hex(put.body));
        QCOMPARE(sha256Hex(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QVERIFY(received.ends_with(put.body));
        QVERIFY(headerOf(received, "Authorization").find("Credential=AKID/") != std::string::npos);
        QVERIFY(received.find("secret") == std::string::npos);
    }

    void bearerTokenGoesInTheAuthorizationHeader() {
        Listener listener;
        const SecureString token("tok-123");
        http::Request request;
        request.method = "POST";
        request.url = listener.origin() + "/";
        request.body = "{}";
        request.bearerToken = &token;
        http::Client client;
        QCOMPARE(client.send(request).status, 200L);
        QCOMPARE(headerOf(listener.requests().back(), "Authorization"), std::string("Bearer tok-123"));
    }

    void aDeadServerIsOfflineNamingTheSource() {
        int port = 0;
        {
            Listener gone;
            port = gone.port();
        } // closed: nothing listens there now
        http::ClientOptions options;
        options.retry = http::RetryPolicy::none();
        http::Client client(options);
        http::Request request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
        request.subject = "cloudflare:http://127.0.0.1:" + std::to_string(port);
        try {
            client.send(request);
            QFAIL("a closed port answered");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindOf(e), kindName(http::RemoteError::Kind::Offline));
            QVERIFY2(std::string(e.what()).starts_with(request.subject + ": no answer from the server"),
                     e.what());
        }
    }

    void aSilentServerTimesOutAtTheStallLimit() {
        Listener listener;
        listener.setDefault({{}, true});
        http::ClientOptions options;
        options.timeouts.stall = 1000ms;
        options.timeouts.total = 30000ms;
        options.retry = http::RetryPolicy::none();
        http::Client client(options);
        http::Request request;
        request.url = listener.origin() + "/";
        const auto start = std::chrono::steady_clock::now();
        try {
            client.send(request);
            QFAIL("a silent server answered");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindOf(e), kindName(http::RemoteError::Kind::Timeout));
            QVERIFY2(std::string(e.what()).find("did not answer in time") != std::string::npos, e.what());
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QVERIFY(elapsed >= 900ms);
        QVERIFY2(elapsed < 5s, "the stall limit did not end the call");
    }

    void cancellingWakesAWaitingTransferAtOnce() {
        Listener listener;
        listener.setDefault({{}, true});
        http::Client client; // default limits: it would wait 20 s for the silent server
        http::Request request;
        request.url = listener.origin() + "/";
        std::stop_source stop;
        std::thread canceller([&] {
            std::this_thread::sleep_for(300ms);
            stop.request_stop();
        });
        const auto start = std::chrono::steady_clock::now();
        try {
            client.sendWithRetries(request, stop.get_token());
            QFAIL("a silent server answered");
        } catch (const http::RemoteError& e) {
            QCOMPARE(kindOf(e), kindName(http::RemoteError::Kind::Cancelled));
        }
        canceller.join();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        // Woken through curl_multi_wakeup, not at the next once-a-second progress callback.
        QVERIFY2(elapsed < 800ms,
                 qPrintable(QString::number(
                     std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count())));
        QCOMPARE(listener.requestCount(), size_t(1));
    }

    void retriesServerFailuresLikeAlchemy() {
        Listener listener;
        for (int i = 0; i < 3; ++i)
            listener.enqueue(Listener::status(503, "Service Unavailable"));
        listener.enqueue(Listener::status(200, "OK", "fine"));
        http::Client client;
        http::Request request;
        request.url = listener.origin() + "/";
        const auto start = std::chrono::steady_clock::now();
        const http::Response response = client.sendWithRetries(request);
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QCOMPARE(response.status, 200L);
        QCOMPARE(response.body, std::string("fine"));
        QCOMPARE(listener.requestCount(), size_t(4));
        QCOMPARE(client.requestCount(), uint64_t(4));
        // 100 + 200 + 400 ms of waiting, each plus at most 10 %.
        QVERIFY(elapsed >= 700ms);
        QVERIFY(elapsed < 2000ms);
    }

    void givesUpAfterFiveAttempts() {
        Listener listener;
        listener.setDefault(Listener::status(500, "Internal Server Error", "boom"));
        http::Client client;
        http::Request request;
        request.url = listener.origin() + "/";
        QCOMPARE(client.sendWithRetries(request).status, 500L);
        QCOMPARE(listener.requestCount(), size_t(5));
    }

    void neverRetriesA401OrAnother4xx() {
        for (const int status : {401, 403, 404, 400}) {
            Listener listener;
            listener.setDefault(Listener::status(status, "No"));
            http::Client client;
            http::Request request;
            request.url = listener.origin() + "/";
            QCOMPARE(client.sendWithRetries(request).status, long(status));
            QCOMPARE(listener.requestCount(), size_t(1));
        }
    }

    void retryDelaysDoubleWithTenPercentJitter() {
        const http::RetryPolicy policy;
        QCOMPARE(policy.attempts, 5);
        for (int i = 0; i < 50; ++i) {
            QCOMPARE(policy.delayBefore(1).count(), 0);
            for (const auto& [attempt, base] : {std::pair{2, 100}, {3, 200}, {4, 400}, {5, 800}}) {
                const auto delay = policy.delayBefore(attempt).count();
                QVERIFY(delay >= base);
                QVERIFY(delay <= base + base / 10);
            }
        }
    }

    void boundedParallelRunsAtMostWidthAtOnce() {
        std::atomic<int> running{0}, peak{0};
        std::vector<int> done(100, 0);
        http::runBounded(done.size(), 16, {}, [&](size_t i) {
            const int now = ++running;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(2ms);
            done[i] = 1;
            --running;
        });
        QCOMPARE(std::count(done.begin(), done.end(), 1), 100L);
        QVERIFY(peak.load() <= 16);
        QVERIFY(peak.load() > 1);

        // The first failure stops the hand-out and comes back to the caller.
        std::atomic<int> calls{0};
        try {
            http::runBounded(1000, 4, {}, [&](size_t i) {
                ++calls;
                if (i == 3)
                    throw std::runtime_error("item 3 failed");
                std::this_thread::sleep_for(1ms);
            });
            QFAIL("the failure was lost");
        } catch (const std::runtime_error& e) {
            QCOMPARE(std::string(e.what()), std::string("item 3 failed"));
        }
        QVERIFY(calls.load() < 100);
    }
};

QTEST_GUILESS_MAIN(TestRemoteHttp)
#include "tst_remote_http.moc"

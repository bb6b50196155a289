#pragma once

#include "secrets/SecureString.h"
#include "store/StoreError.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athanor::http {

// Why a call to a remote store did not give an answer to use. Every message names the source (its URL) and
// says what to do; a secret never appears in one.
class RemoteError : public StoreError {
public:
    enum class Kind {
        Offline,      // no connection: refused, unreachable, DNS, TLS, reset
        Timeout,      // connected but too slow (connect, stall or total limit)
        Cancelled,    // the caller asked (a newer load, the window closes)
        Unauthorized, // 401 / refused credentials: retrying cannot help
        Server,       // 5xx: the server failed (worth retrying)
        Refused,      // another 4xx: the request is wrong for this server (not retried)
        BadResponse,  // an answer that is not what the protocol says (not JSON, no XML, ...)
    };
    RemoteError(Kind kind, std::string message, long status = 0)
        : StoreError(std::move(message)), m_kind(kind), m_status(status) {}
    Kind kind() const { return m_kind; }
    long status() const { return m_status; } // the HTTP status when there was one, else 0
    // Network trouble or a server failure: the same request may succeed a moment later.
    bool transient() const {
        return m_kind == Kind::Offline || m_kind == Kind::Timeout || m_kind == Kind::Server;
    }

private:
    Kind m_kind;
    long m_status;
};

std::string_view toString(RemoteError::Kind kind);

// Signature Version 4 for AWS-style services, computed by libcurl (CURLOPT_AWS_SIGV4). libcurl signs the
// method, path, query as given, host, x-amz-date and every header the request sets; it neither sorts nor
// encodes the query (build the URL with canonicalQuery()) nor sends x-amz-content-sha256 (done here when
// `sendPayloadHash`, which S3 requires).
struct SigV4 {
    std::string region;  // "us-east-1"
    std::string service; // "s3"
    std::string accessKeyId;
    const SecureString* secretAccessKey = nullptr; // borrowed for the call
    const SecureString* sessionToken = nullptr;    // sent as x-amz-security-token when set and not empty
    bool sendPayloadHash = true;
};

struct Request {
    std::string method = "GET"; // GET, HEAD, PUT, POST, DELETE
    std::string url;            // path and query already encoded
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    const SecureString* bearerToken = nullptr; // Authorization: Bearer <token>, wiped from our buffers after
    std::optional<SigV4> sigv4;
    // Names the source in error messages ("cloudflare:https://…", "s3://bucket/alchemy/"); default: the URL
    // without its query.
    std::string subject;
};

struct Response {
    long status = 0;
    std::vector<std::pair<std::string, std::string>> headers; // names in lower case, in arrival order
    std::string body;

    std::optional<std::string> header(std::string_view lowerCaseName) const;
};

// Limits of one attempt. A connection that sends nothing for `stall` counts as timed out, so a large
// answer still arrives on a slow link while a dead one is given up quickly.
struct Timeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds stall{20000};
    std::chrono::milliseconds total{120000};
};

// How failed calls are tried again: Alchemy's store proxy (reference §6.2) makes 5 attempts, waiting 100 ms,
// 200, 400, 800, each plus up to 10 % jitter. Only transient failures are retried (network, timeout, 5xx,
// 429): never a 401 or any other answer that a second try cannot change.
struct RetryPolicy {
    int attempts = 5;
    std::chrono::milliseconds firstDelay{100};
    double factor = 2.0;
    double jitter = 0.1;

    static RetryPolicy none() { return {1, std::chrono::milliseconds(0), 1.0, 0.0}; }
    // The wait before attempt `attempt` (2, 3, ...), jitter included.
    std::chrono::milliseconds delayBefore(int attempt) const;
};

struct ClientOptions {
    Timeouts timeouts;
    RetryPolicy retry;
    // curl's CONNECT_TO entries ("HOST:PORT:CONNECT-HOST:CONNECT-PORT"): reach a host name at another
    // address while the request keeps its Host header (tests send vector requests to a local listener).
    std::vector<std::string> connectTo;
};

// HTTP over libcurl for the remote stores: thread-safe, connections kept alive and reused (a pool of curl
// handles, one per concurrent call), every transfer bounded by Timeouts and cancellable at once through a
// std::stop_token (the transfer's wait is woken, not polled).
class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // One attempt. An HTTP error status is a Response, not an exception; throws RemoteError for no answer
    // (Offline, Timeout, Cancelled).
    Response send(const Request& request, std::stop_token cancel = {});

    // send() under options().retry: transient failures (RemoteError::transient(), or an answer whose status
    // is 5xx or 429) are tried again after the policy's delay; the wait is cancellable. Returns the last
    // answer (which may be a 5xx after the last attempt) or throws the last RemoteError.
    Response sendWithRetries(const Request& request, std::stop_token cancel = {});

    const ClientOptions& options() const { return m_options; }
    // Requests sent so far (every attempt counts): benchmarks report it, tests check there is no retry storm.
    uint64_t requestCount() const { return m_requests.load(std::memory_order_relaxed); }

private:
    class Session;
    std::unique_ptr<Session> takeSession();
    void giveBack(std::unique_ptr<Session> session);

    ClientOptions m_options;
    std::mutex m_poolMutex;
    std::vector<std::unique_ptr<Session>> m_idle;
    std::atomic<uint64_t> m_requests{0};
};

// True for the answers worth another attempt: 5xx and 429 (throttled).
bool retryableStatus(long status);

// Sleeps `duration` unless `cancel` is requested first; false when cancelled.
bool sleepFor(std::chrono::milliseconds duration, std::stop_token cancel);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every
// other byte becomes %XY (upper-case hex); with keepSlash, '/' stays too (an S3 object key in a path).
std::string uriEncode(std::string_view text, bool keepSlash = false);

// A query string in SigV4's canonical form, which is also what goes on the wire (libcurl signs the query
// as sent): names and values encoded with uriEncode(), pairs sorted by name and then value.
std::string canonicalQuery(std::vector<std::pair<std::string, std::string>> parameters);

} // namespace athanor::http

#pragma once

#include "secrets/SecureString.h"
#include "store/http/HttpClient.h"

#include "json/Json.h"
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::cloudflare {

// The token of the state-store worker, and where it came from, so that a refusal says which one was wrong.
struct StateToken {
    SecureString value;
    std::string origin; // "ALCHEMY_STATE_TOKEN", "the token typed in", "the desktop keychain"
};

// Client of the `alchemy-state-service` worker that Alchemy's CloudflareStateStore deploys (reference §6.6,
// node_modules/alchemy/workers/cloudflare-state-store.js): every call is `POST <url>` with
// `Authorization: Bearer <token>` and `{"method", "params", "context": {"chain"}}`, answered by
// `{"success", "status", "result" | "error"}`. Rows come back as the worker's SQL table holds them
// (`id, status, kind, fqn, seq, data, props, oldProps, output`, JSON columns as values). Calls are retried as
// Alchemy's proxy retries them (http::RetryPolicy) on network errors and 5xx, never on 401. Thread-safe.
class WorkerClient {
public:
    WorkerClient(std::string url, StateToken token, std::shared_ptr<http::Client> client = nullptr);

    const std::string& url() const { return m_url; }
    // How sources name it: "cloudflare:<url>".
    std::string subject() const { return "cloudflare:" + m_url; }
    const std::string& tokenOrigin() const { return m_token.origin; }
    http::Client& httpClient() { return *m_http; }

    // HEAD with the token, as Alchemy checks readiness: returns when the worker accepts it. A 401 is
    // RemoteError(Unauthorized) "the state token is invalid", naming where the token came from.
    void checkToken(std::stop_token cancel = {});

    // One store call; the worker's `result` (null when it has none, e.g. `get` of a missing id).
    Json call(std::string_view method, Json params, const std::vector<std::string>& chain,
              std::stop_token cancel = {});

    std::vector<std::string> list(const std::vector<std::string>& chain, std::stop_token cancel = {});
    // Names of the scopes one below `chain` that hold rows. The worker cannot enumerate apps: for the empty
    // chain it lists only apps with a row of their own (a stage record), usually none.
    std::vector<std::string> listScopes(const std::vector<std::string>& chain, std::stop_token cancel = {});
    size_t count(const std::vector<std::string>& chain, std::stop_token cancel = {});
    std::optional<Json> get(const std::vector<std::string>& chain, const std::string& id,
                            std::stop_token cancel = {});
    // id -> row for the ids that exist.
    Json getBatch(const std::vector<std::string>& chain, const std::vector<std::string>& ids,
                  std::stop_token cancel = {});
    // Every row of the scope in one call: id -> row.
    Json all(const std::vector<std::string>& chain, std::stop_token cancel = {});
    // Writes `record` (serialized form: the worker stores its columns; the key is ignored by the worker,
    // which uses record.id).
    void set(const std::vector<std::string>& chain, const std::string& id, const Json& record,
             std::stop_token cancel = {});
    void remove(const std::vector<std::string>& chain, const std::string& id, std::stop_token cancel = {});

private:
    http::Request request(std::string method, std::string body) const;
    [[noreturn]] void throwUnauthorized() const;

    std::string m_url;
    StateToken m_token;
    std::shared_ptr<http::Client> m_http;
};

} // namespace athanor::cloudflare

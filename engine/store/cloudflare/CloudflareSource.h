#pragma once

#include "store/StateSource.h"

#include <memory>
#include <mutex>
#include <set>

namespace athanor {

namespace http {
class Client;
}
namespace cloudflare {
class WorkerClient;
}

// Alchemy's CloudflareStateStore as a source (reference §6.6): the `alchemy-state-service` worker at
// `cloudflare:URL`, whose one Durable Object holds every app of the account in Alchemy's SQL table. The
// token comes from the secrets given to this process (the GUI), else ALCHEMY_STATE_TOKEN. The worker cannot
// enumerate apps (listScopes of the root names only apps with a stage record), so the caller names them
// (SnapshotOptions::app or knownApps, --app: exactly those are loaded; with neither, the apps that have a
// stage record and those named before); below an app, stages and scopes are listed as usual. Loads check the
// token first (HEAD: a 401 says the token is invalid and where it came from), then read each scope with
// one `all` call, several scopes at once. The worker has no compare-and-swap: no stage lock.
class CloudflareSource final : public StateSource {
public:
    explicit CloudflareSource(const SourceSpec& spec);
    ~CloudflareSource() override;

    const SourceSpec& spec() const override { return m_spec; }
    std::string describe() const override { return m_spec.toString(); }
    bool exists() const override { return true; } // a worker that answers holds a database

    std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain,
                                          Durability durability) override;
    bool listsApps() const override { return false; }
    // The apps named so far (by loads' knownApps / app) and those with a stage record in the root store.
    std::vector<std::string> apps() override;
    void sync() override {} // every set is committed by the worker before it answers

    std::shared_ptr<StateSnapshot> load(const SnapshotOptions& options, const LoadProgress& progress,
                                        std::stop_token cancel) override;
    std::optional<std::string> readRecordText(const std::vector<std::string>& chain,
                                              const std::string& id) override;
    std::string recordLocation(const std::vector<std::string>& chain, const std::string& id) const override;

    // The worker keeps no version to compare: every poll reloads.
    bool changedSince(const StateSnapshot&) override { return true; }

    StageLocking stageLocking() const override { return StageLocking::Unsupported; }
    StageLockSupport stageLockSupport() override; // never: the worker has no compare-and-swap

    std::filesystem::path athanorHome() const override;

    // Requests sent so far (benchmarks, and tests that check there is no retry storm).
    uint64_t requestCount() const;

private:
    std::shared_ptr<cloudflare::WorkerClient> client();

    SourceSpec m_spec;
    std::shared_ptr<http::Client> m_http;
    std::mutex m_mutex;
    std::shared_ptr<cloudflare::WorkerClient> m_client; // made on first use: the token is looked up then
    std::set<std::string> m_namedApps;
};

} // namespace athanor

#pragma once

#include "store/StateStore.h"
#include "store/cloudflare/WorkerClient.h"

#include <memory>

namespace athanor::cloudflare {

// Alchemy's CloudflareStateStore for one chain: every call goes to the state worker, which runs Alchemy's
// SQL operations (reference §6.3) in its Durable Object. set() is the worker's upsert: a record without
// props / oldProps keeps the row's previous column (hazard §14.7, as in the SQLite store). Records read
// back in Alchemy's write order (recordFromRow()). Failed calls throw RemoteUnavailableError naming the
// worker, after Alchemy's retries.
class CloudflareStateStore final : public StateStore {
public:
    CloudflareStateStore(std::shared_ptr<WorkerClient> client, std::vector<std::string> chain);

    void init() override {}                   // the worker's init and deinit are no-ops
    void deinit() override {}                 // a stage's scope is only its rows
    std::vector<std::string> list() override; // sorted
    size_t count() override;
    std::optional<StateRecord> get(const std::string& id) override;
    std::map<std::string, StateRecord> getBatch(const std::vector<std::string>& ids) override;
    std::map<std::string, StateRecord> all() override; // one call
    void set(const std::string& id, const StateRecord& record) override;
    // The worker's upsert keeps an absent props / oldProps: put() names them as null, which the worker stores
    // as NULL and reads back as absent, so the row is replaced whole in one atomic call.
    void put(const std::string& id, const StateRecord& record) override;
    void remove(const std::string& id) override;
    std::vector<std::string> listScopes() override; // sorted
    const std::vector<std::string>& chain() const override { return m_chain; }
    std::string location(const std::string& id) const override;

private:
    std::map<std::string, StateRecord> records(const Json& rows);
    void write(const std::string& id, const StateRecord& record, const Json& body);

    std::shared_ptr<WorkerClient> m_client;
    std::vector<std::string> m_chain;
};

} // namespace athanor::cloudflare

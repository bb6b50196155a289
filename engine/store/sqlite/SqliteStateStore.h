#pragma once

#include "store/AtomicFile.h"
#include "store/StateStore.h"

#include <memory>

namespace athanor::sqlite {

class ConnectionPool;

// Alchemy's SQL operations (src/state/operations.ts, reference §6.3) for one chain: rows of `resources`
// whose scope is the chain's compact JSON. set() is Alchemy's upsert: a record without props / oldProps
// keeps the row's previous column (hazard §14.7, shown by the snapshot and migrate, not hidden).
// Records read back in the key order Athanor wrote them while the row is unchanged, else in the columns'.
class SqliteStateStore final : public StateStore {
public:
    SqliteStateStore(std::shared_ptr<ConnectionPool> pool, std::vector<std::string> chain,
                     Durability durability);

    void init() override {}                   // Alchemy's are no-ops too: a scope is its rows
    void deinit() override {}                 // destroying a stage leaves nothing to clean but rows
    std::vector<std::string> list() override; // sorted
    size_t count() override;
    std::optional<StateRecord> get(const std::string& id) override;
    void set(const std::string& id, const StateRecord& record) override;
    void put(const std::string& id, const StateRecord& record) override; // absent props / oldProps: NULL
    void remove(const std::string& id) override;
    std::vector<std::string> listScopes() override; // sorted
    const std::vector<std::string>& chain() const override { return m_chain; }
    std::string location(const std::string& id) const override;

private:
    // set() keeps an absent props / oldProps column (Alchemy's upsert); put() (`exact`) clears it.
    void write(const std::string& id, const StateRecord& record, bool exact);

    std::shared_ptr<ConnectionPool> m_pool;
    std::vector<std::string> m_chain;
    std::string m_scope; // the chain as the scope column holds it
    Durability m_durability;
};

} // namespace athanor::sqlite

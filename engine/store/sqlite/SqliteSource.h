#pragma once

#include "store/StageLease.h"
#include "store/StateSource.h"

#include <memory>
#include <optional>

namespace athanor {

namespace sqlite {
class ConnectionPool;
}

// Alchemy's SQLiteStateStore (reference §6.3-6.4) as a source: one database for all apps and stages, a row
// per record in `resources` (scope = the chain as compact JSON). Reads never change the database; the first
// write creates it (or Athanor's own tables in an existing one) as Alchemy's migrations would. Stage locks
// are rows of athanor_locks taken in a BEGIN IMMEDIATE transaction; changes are noticed by polling the
// database and WAL files' size and time (changedSince()).
class SqliteSource final : public StateSource {
public:
    explicit SqliteSource(const SourceSpec& spec);
    ~SqliteSource() override;

    const SourceSpec& spec() const override { return m_spec; }
    std::string describe() const override { return m_spec.path.string(); }
    bool exists() const override;

    std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain,
                                          Durability durability) override;
    std::vector<std::string> apps() override;
    void sync() override;

    std::shared_ptr<StateSnapshot> load(const SnapshotOptions& options, const LoadProgress& progress,
                                        std::stop_token cancel) override;
    std::optional<std::string> readRecordText(const std::vector<std::string>& chain,
                                              const std::string& id) override;
    std::string recordLocation(const std::vector<std::string>& chain, const std::string& id) const override;

    bool changedSince(const StateSnapshot& snapshot) override;
    // The size and modification time of the database and its WAL file: equal tokens, nothing written.
    std::string changeToken() const;

    StageLocking stageLocking() const override { return StageLocking::Native; }
    std::unique_ptr<StageLease> lockStage(const std::string& app, const std::string& stage,
                                          const std::string& operation,
                                          const LockWarningSink& onWarning) override;

    // `state unlock` of a native lock: the holder in the stage's athanor_locks row (nullopt: not locked; a
    // damaged row is a holder with no fields), and where that row is, for messages.
    std::optional<StageLockHolder> stageLockHolder(const std::string& app, const std::string& stage) override;
    std::string stageLockLocation(const std::string& app, const std::string& stage) const override;
    // Deletes the stage's lock row if it still names `expected` (in one write transaction); false when the
    // lock changed hands or was released meanwhile (nothing deleted then).
    bool breakStageLock(const std::string& app, const std::string& stage,
                        const StageLockHolder& expected) override;

    std::filesystem::path athanorHome() const override;

private:
    SourceSpec m_spec;
    std::shared_ptr<sqlite::ConnectionPool> m_pool;
};

} // namespace athanor

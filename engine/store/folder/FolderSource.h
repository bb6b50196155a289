#pragma once

#include "store/DotAlchemyLayout.h"
#include "store/FolderTree.h"
#include "store/StateSource.h"
#include "store/WriteGroup.h"

#include <mutex>

namespace athanor {

// Alchemy's FileSystemStateStore layout as a source: <project>/.alchemy/<app>/<stage>/… with one JSON file
// per record. Bulk loads are the parallel simdjson scan (scanStateFolder); changes are seen by watching
// its folders (inotify) or by comparing record timestamps; stage locks are lock files in
// .alchemy/.athanor/locks (lifecycle/StageLock), run history lives in .alchemy/.athanor/runs.
class FolderSource final : public StateSource {
public:
    explicit FolderSource(const SourceSpec& spec);

    const SourceSpec& spec() const override { return m_spec; }
    const DotAlchemyLayout& layout() const { return m_layout; }
    std::string describe() const override { return m_layout.dotAlchemy.string(); }
    bool exists() const override;

    std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain,
                                          Durability durability) override;
    std::vector<std::string> apps() override;
    void sync() override;
    void pruneEmptyScope(const std::vector<std::string>& chain) override;
    void writeInFlight(std::vector<InFlightWrite>& writes) override;
    void expectInFlightWrites(size_t count) override;
    void writeSettled(StateStore& store, const std::string& id, const StateRecord& record,
                      SettledDone done) override;
    void waitForSettledWrites() override;
    void flushBatchedWrites() override;

    std::shared_ptr<StateSnapshot> load(const SnapshotOptions& options, const LoadProgress& progress,
                                        std::stop_token cancel) override;
    std::optional<std::string> readRecordText(const std::vector<std::string>& chain,
                                              const std::string& id) override;
    std::string recordLocation(const std::vector<std::string>& chain, const std::string& id) const override;

    std::vector<std::filesystem::path> watchFolders(const StateSnapshot& snapshot) const override;
    bool changedSince(const StateSnapshot& snapshot) override;

    StageLocking stageLocking() const override { return StageLocking::LockFile; }
    // The lock file's holder (lifecycle/StageLock writes it); a file that does not parse names no one.
    std::optional<StageLockHolder> stageLockHolder(const std::string& app, const std::string& stage) override;
    std::string stageLockLocation(const std::string& app, const std::string& stage) const override;
    // Moves the lock file aside (only one remover wins), then checks it: a lock taken in between is put back.
    bool breakStageLock(const std::string& app, const std::string& stage,
                        const StageLockHolder& expected) override;
    std::filesystem::path athanorHome() const override { return m_layout.athanorDir(); }
    bool keepsListingsOf(const std::filesystem::path& dotAlchemy) const override {
        return dotAlchemy == m_layout.dotAlchemy;
    }
    // For the stores open now (FolderTree::keepListings); nothing when none is.
    void keepListings(FolderTree::Listings listings) override;

private:
    std::shared_ptr<WriteGroup> writeGroup();
    std::shared_ptr<FolderTree> folderTree();

    SourceSpec m_spec;
    DotAlchemyLayout m_layout;
    std::mutex m_groupMutex;
    std::shared_ptr<WriteGroup> m_group; // what stores opened Batched commit with; made on first use
    // Shared by the stores open at a time (a run's): their parent folders stay open only while they live.
    std::weak_ptr<FolderTree> m_tree;
};

} // namespace athanor

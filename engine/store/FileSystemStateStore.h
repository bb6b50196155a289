#pragma once

#include "store/AtomicFile.h"
#include "store/DotAlchemyLayout.h"
#include "store/FolderTree.h"
#include "store/StateStore.h"
#include "store/WriteGroup.h"

#include <memory>

namespace athanor {

// Alchemy's FileSystemStateStore (reference §5), with safer writes: each record is
// <.alchemy>/<chain...>/<id with '/' as ':'>.json, written atomically and durably, never through a symlink
// that leaves the .alchemy folder. The text is byte-identical to what Alchemy writes.
class FileSystemStateStore final : public StateStore {
public:
    // Durability::Batched needs the `group` that its writes are committed with (without one: Durable).
    // With a `tree` (of the same .alchemy), the scope folder is opened from its parent's kept descriptor.
    FileSystemStateStore(DotAlchemyLayout layout, std::vector<std::string> chain,
                         Durability durability = Durability::Durable,
                         std::shared_ptr<WriteGroup> group = nullptr,
                         std::shared_ptr<FolderTree> tree = nullptr);
    FileSystemStateStore(FileSystemStateStore&&) noexcept;
    ~FileSystemStateStore() override;

    void init() override;
    void deinit() override;
    std::vector<std::string> list() override; // sorted, unlike readdir order
    std::optional<StateRecord> get(const std::string& id) override;
    // Read and parsed in parallel; throws the first error in `ids` order, as one get() after another would.
    std::map<std::string, StateRecord> getBatch(const std::vector<std::string>& ids) override;
    void set(const std::string& id, const StateRecord& record) override;
    void remove(const std::string& id) override;
    std::vector<std::string> listScopes() override;
    const std::vector<std::string>& chain() const override { return m_chain; }

    std::string location(const std::string& id) const override { return fileFor(id).string(); }
    // Exact file text of a record, for byte-level copies; nullopt when missing.
    std::optional<std::string> readText(const std::string& id) override;
    void writeText(const std::string& id, const std::string& text);
    void putText(const std::string& id, const std::string& text) override { writeText(id, text); }
    // The first half of a batched in-flight write (WriteGroup::commit() does the rest): errors in `staged`.
    void stage(const std::string& id, const std::string& text, StagedWrite& staged);
    static std::optional<StateRecord> parseRecordFields(const std::string& text,
                                                        std::initializer_list<std::string_view> keys);
    std::optional<StateRecord> getFields(const std::string& id,
                                         std::initializer_list<std::string_view> keys) override;
    // Read and parsed by up to `threads` threads (0: as many as the machine has cores).
    std::vector<Fetched> fetch(const std::vector<std::string>& ids, unsigned threads = 0) override;

    std::filesystem::path directory() const;
    std::filesystem::path fileFor(const std::string& id) const;

private:
    struct OpenFolder;
    struct FolderCache;
    std::filesystem::path relativeFileFor(const std::string& id) const;
    std::string fileNameFor(const std::string& id) const;
    // The scope folder, opened (and checked for containment) once and then kept open; null when it does not
    // exist and `create` is false. A kept folder that was removed meanwhile is reopened by `reopen`.
    std::shared_ptr<OpenFolder> folder(bool create);
    SpareFiles* spares(OpenFolder& open) const;
    std::shared_ptr<OpenFolder> reopen(const std::shared_ptr<OpenFolder>& stale, bool create);

    DotAlchemyLayout m_layout;
    std::vector<std::string> m_chain;
    std::filesystem::path m_relativeDir; // relative to .alchemy
    Durability m_durability;
    std::shared_ptr<WriteGroup> m_group; // Batched only
    std::shared_ptr<FolderTree> m_tree;  // may be null: folders are then walked to from the root
    std::unique_ptr<FolderCache> m_cache;
};

} // namespace athanor

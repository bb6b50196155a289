#pragma once

#include "store/AtomicFile.h"
#include "store/DotAlchemyLayout.h"
#include "store/StateStore.h"

namespace athanor {

// Alchemy's FileSystemStateStore (reference §5), with safer writes: each record is
// <.alchemy>/<chain...>/<id with '/' as ':'>.json, written atomically and durably, never through a symlink
// that leaves the .alchemy folder. The text is byte-identical to what Alchemy writes.
class FileSystemStateStore final : public StateStore {
public:
    FileSystemStateStore(DotAlchemyLayout layout, std::vector<std::string> chain,
                         Durability durability = Durability::Durable);

    void init() override;
    void deinit() override;
    std::vector<std::string> list() override; // sorted, unlike readdir order
    std::optional<StateRecord> get(const std::string& id) override;
    void set(const std::string& id, const StateRecord& record) override;
    void remove(const std::string& id) override;
    std::vector<std::string> listScopes() override;
    const std::vector<std::string>& chain() const override { return m_chain; }

    // Exact file text of a record, for byte-level copies; nullopt when missing.
    std::optional<std::string> readText(const std::string& id);
    void writeText(const std::string& id, const std::string& text);

    std::filesystem::path directory() const;
    std::filesystem::path fileFor(const std::string& id) const;

private:
    std::filesystem::path relativeFileFor(const std::string& id) const;

    DotAlchemyLayout m_layout;
    std::vector<std::string> m_chain;
    std::filesystem::path m_relativeDir; // relative to .alchemy
    Durability m_durability;
};

} // namespace athanor

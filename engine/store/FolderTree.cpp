#include "store/FolderTree.h"

#include "store/StoreError.h"

#include <mutex>

namespace fs = std::filesystem;

namespace athanor {

namespace {

// Only folders that hold scope folders are kept (the app, the stage, scopes with children): a few, well below
// the open-file limit beside the stores' own kept folders. Past this, folders are opened without keeping.
constexpr size_t kMaxKept = 64;

std::optional<ContainedDir> walk(const fs::path& root, const fs::path& relative, bool create) {
    if (create)
        return ContainedDir::open(root, relative, true);
    return ContainedDir::openIfExists(root, relative);
}

} // namespace

std::optional<ContainedDir> FolderTree::open(const fs::path& relative, bool create) {
    if (!relative.has_parent_path())
        return walk(m_root, relative, create);
    const fs::path parentPath = relative.parent_path();
    const std::string name = relative.filename().string();
    Kept parent = folder(parentPath, create);
    if (!parent)
        return std::nullopt;
    try {
        std::optional<ContainedDir> dir = ContainedDir::openChild(*parent, m_root, name, create);
        if (dir || !parent->removed())
            return dir;
    } catch (const StoreError&) {
        if (!parent->removed())
            throw;
    }
    // The kept parent was removed (nothing can be found or created in it): what is at its path now.
    forget(parentPath, parent);
    return walk(m_root, relative, create);
}

FolderTree::Kept FolderTree::folder(const fs::path& relative, bool create) {
    {
        std::shared_lock lock(m_mutex);
        if (auto it = m_kept.find(relative.native()); it != m_kept.end())
            return it->second;
    }
    return openAndKeep(relative, create);
}

FolderTree::Kept FolderTree::openAndKeep(const fs::path& relative, bool create) {
    std::optional<ContainedDir> dir = open(relative, create); // from its own kept parent
    if (!dir)
        return nullptr; // a missing folder is not remembered: it may be created later
    auto kept = std::make_shared<const ContainedDir>(std::move(*dir));
    std::lock_guard lock(m_mutex);
    if (auto it = m_kept.find(relative.native()); it != m_kept.end())
        return it->second; // opened by another thread meanwhile
    if (m_kept.size() < kMaxKept)
        m_kept.emplace(relative.native(), kept);
    return kept;
}

void FolderTree::keepListings(Listings listings) {
    std::lock_guard lock(m_listingsMutex);
    if (!m_written.load())
        m_listings = std::move(listings);
}

std::optional<std::vector<std::string>> FolderTree::keptListing(const fs::path& relative) const {
    if (m_written.load())
        return std::nullopt;
    std::lock_guard lock(m_listingsMutex);
    if (m_written.load())
        return std::nullopt;
    auto it = m_listings.find(relative.native());
    if (it == m_listings.end())
        return std::nullopt;
    return it->second;
}

void FolderTree::changing() {
    if (m_written.exchange(true))
        return;
    std::lock_guard lock(m_listingsMutex); // a list() under way returns before the change starts
    m_listings.clear();
}

void FolderTree::forget(const fs::path& relative, const Kept& stale) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_kept.find(relative.native()); it != m_kept.end() && it->second == stale)
        m_kept.erase(it);
}

} // namespace athanor

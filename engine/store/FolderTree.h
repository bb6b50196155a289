#pragma once

#include "store/AtomicFile.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace athanor {

// The folders above a run's scope folders, kept open so that a scope folder is opened with one openat from
// its parent's descriptor (ContainedDir::openChild) instead of a walk from the state root: a no-change up of
// 100 scopes walked 4 steps for each, and a read's threads queued behind every walk. Containment is
// ContainedDir's: no step follows a symlink that leaves the root. A kept folder found removed is opened again
// from its own parent. The stores a FolderSource opens share one while any of them lives (a run), so nothing
// stays open between runs.
class FolderTree {
public:
    explicit FolderTree(std::filesystem::path root) : m_root(std::move(root)) {}
    FolderTree(const FolderTree&) = delete;
    FolderTree& operator=(const FolderTree&) = delete;

    // As ContainedDir::open(root, relative, true) when `create`, else ContainedDir::openIfExists. `relative`
    // is made of scope names (no "." or ".." parts).
    std::optional<ContainedDir> open(const std::filesystem::path& relative, bool create);

    // Folders' record ids (by path relative to the root) as listed at the start of a run (the stale temp file
    // sweep), for list() to use while no store of this tree has written: a no-change up lists each folder
    // once, not twice. Replaces those kept before. Any write, removal or removed folder through the tree's
    // stores drops them all, before it changes anything.
    using Listings = std::unordered_map<std::string, std::vector<std::string>>;
    void keepListings(Listings listings);
    std::optional<std::vector<std::string>> keptListing(const std::filesystem::path& relative) const;
    void changing();

private:
    using Kept = std::shared_ptr<const ContainedDir>;
    // The kept folder at `relative` (opened and kept on first use); null when it is missing and !create.
    Kept folder(const std::filesystem::path& relative, bool create);
    Kept openAndKeep(const std::filesystem::path& relative, bool create);
    void forget(const std::filesystem::path& relative, const Kept& stale);

    std::filesystem::path m_root;
    std::shared_mutex m_mutex;
    std::unordered_map<std::string, Kept> m_kept; // by relative path
    mutable std::mutex m_listingsMutex;
    std::atomic<bool> m_written{false}; // once true, no listing is kept or used again
    Listings m_listings;
};

} // namespace athanor

#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

enum class Durability {
    Durable, // fsync the file before the rename and the folder after it (survives power loss)
    Batched, // durability paid once per batch of writes (store/WriteGroup.h says what survives what); runs
    Fast     // atomic rename only (tests and benchmarks that measure the difference)
};

class WriteGroup;
struct StagedWrite;

// A directory opened inside a state root, component by component. A symlinked component is followed only
// when its real path stays inside the root; otherwise StoreError. The root itself may be a symlink.
class ContainedDir {
public:
    static ContainedDir open(const std::filesystem::path& root, const std::filesystem::path& relative,
                             bool create);
    // Like open(create = false), but nullopt when a folder on the way does not exist (a missing folder means
    // "nothing in it", even when another thread creates it right now). Other failures throw as open() does.
    static std::optional<ContainedDir> openIfExists(const std::filesystem::path& root,
                                                    const std::filesystem::path& relative);
    // Folder `name` directly inside `parent` (a folder opened inside `root`) with one openat from the
    // parent's descriptor, not a walk from the root; the same rule for symlinks. nullopt when it is missing
    // and `create` is false.
    static std::optional<ContainedDir> openChild(const ContainedDir& parent,
                                                 const std::filesystem::path& root, const std::string& name,
                                                 bool create);
    ContainedDir(ContainedDir&& other) noexcept;
    ContainedDir& operator=(ContainedDir&&) = delete;
    ContainedDir(const ContainedDir&) = delete;
    ~ContainedDir();
    int fd() const { return m_fd; }
    const std::filesystem::path& path() const { return m_path; }
    // True when the folder was removed after it was opened (a new one may exist at its path now).
    bool removed() const;

private:
    ContainedDir(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
    static std::optional<ContainedDir> openImpl(const std::filesystem::path& root,
                                                const std::filesystem::path& relative, bool create,
                                                bool missingIsNullopt);
    int m_fd = -1;
    std::filesystem::path m_path;
};

// Group commit of folder fsyncs: a rename is durable once an fsync of its folder has *started* after it.
// Concurrent writers into one folder share fsyncs: whoever finds none running starts one covering every
// rename made so far; the others wait for the first fsync that started after their rename. Never skipped.
class FolderSync {
public:
    // Call after the rename (or unlink) returned; returns once it is durable. Throws StoreError naming
    // `folder` when the fsync that covered it failed.
    void sync(int folderFd, const std::filesystem::path& folder);

private:
    struct Failure {
        uint64_t first, last; // tickets covered by the failed fsync
        int error;
    };
    std::mutex m_mutex;
    std::condition_variable m_done;
    uint64_t m_issued = 0;  // tickets handed out (one per rename)
    uint64_t m_durable = 0; // every ticket <= this is covered by a finished fsync
    bool m_running = false;
    std::vector<Failure> m_failures;
};

// Temp files kept for reuse in one folder. A write that replaces a record swaps its temp file with the record
// (RENAME_EXCHANGE, as atomic as a rename), so the old record's file becomes the next write's temp file
// instead of being deleted: rewriting records then creates no files, which is what costs most on a file
// system that has to search for a free inode. Spares carry temp names (a run that is killed leaves them for
// the next one to remove, like any temp file) and are removed when their folder is closed.
class SparePool;
class SpareFiles {
public:
    // Lends this folder's spares to the other folders of `pool` and borrows theirs when it has none. `dir`
    // stays open until discard(); `depth` is the folder's depth (spares of a closing folder move to the
    // shallowest other one, which stays open longest).
    void join(SparePool& pool, int dir, size_t depth);
    // A spare to write a record `name` with: one of this folder's, else one moved in from another folder of
    // the pool (under a temp name for `name`), else nullopt.
    std::optional<std::string> take(const std::string& name);
    // A spare whose rename into a temp name is durable (its folder was synced since).
    void give(std::string name);
    // A spare whose rename (a swap, a record removed by renaming) is durable only once folder-sync round
    // `round` of the pool's WriteGroup has finished (WriteGroup::settled() names it): until then a power loss
    // may give the file back its record name, so it must not be written. take() skips it until then.
    void giveAfterRound(std::string name, uint64_t round);
    // Removes every spare from folder `dir` (it is being closed or removed): moved to another folder of the
    // pool when there is one, else deleted (many at once: each deletion may wait for the disk).
    void discard(int dir);

private:
    friend class SparePool;
    std::optional<std::string> takeOwn();
    // Pending spares whose round has finished become usable. Called with m_mutex held.
    void promoteLocked();
    std::mutex m_mutex;
    std::vector<std::string> m_names;
    std::vector<std::pair<std::string, uint64_t>> m_pending; // (name, round that makes it durable)
    SparePool* m_pool = nullptr;
    int m_dir = -1;
    size_t m_depth = 0;
};

// The spare files of every folder a run writes in batches. A write in a folder without a spare takes one
// from another folder (a rename inside the same file system) instead of creating a file: a destroy rewrites
// each record once ("deleting") in folders it then empties, so without lending nearly every such write would
// create a file, and on ext4 creating a file among many just deleted ones takes longer the more there are
// (without a journal its search for a free inode skips recently deleted ones: about 1 ms a file where many
// files come and go). A record that is removed while the pool wants spares (setDemand()) is renamed into a
// spare instead of deleted, so a destroy's later waves reuse the files of its earlier ones.
class SparePool {
public:
    void add(SpareFiles& folder);
    // `folder` is closing: its spares go to the shallowest other folder (or are deleted when there is none).
    void leave(SpareFiles& folder);
    // A spare of another folder moved into `dir` under a temp name for `name`; nullopt when there is none.
    std::optional<std::string> borrow(int dir, const std::string& name, const SpareFiles& self);
    // Spares moved between folders so far (tests: proof that a write reused another folder's file).
    uint64_t lent() const;

    // Folder-sync rounds of the owning WriteGroup: `round` finished and every folder it synced is durable.
    void roundSynced(uint64_t round);
    bool roundDone(uint64_t round) const;
    // How many spares the next batch of writes can use: while the pool holds fewer (usable or pending),
    // removed records become spares (wantsSpare()). 0 (the default): none are kept that way.
    void setDemand(size_t count);
    bool wantsSpare() const;
    // Spares held now, usable or pending (tests; the demand).
    size_t count() const { return static_cast<size_t>(std::max<int64_t>(m_count.load(), 0)); }
    // Spares whose round has not finished yet.
    size_t pending() const { return static_cast<size_t>(std::max<int64_t>(m_pendingCount.load(), 0)); }

private:
    friend class SpareFiles;
    mutable std::mutex m_mutex;
    std::vector<SpareFiles*> m_folders;
    uint64_t m_lent = 0;
    mutable std::mutex m_roundsMutex; // a leaf: taken while a folder's lock is held, never the other way
    std::vector<uint64_t> m_roundsSynced;
    std::atomic<int64_t> m_count{0};
    std::atomic<int64_t> m_pendingCount{0};
    std::atomic<size_t> m_demand{0};
};

// Moves temp file `tempName` to `name` in folder `dir`: with `swap`, exchanged with an existing `name` that
// is a record file with no other link (`swapped` is then true: the old file is at `tempName` now, a spare
// once the rename is durable), else renamed over it. 0 or the errno.
int moveIntoPlace(int dir, const std::string& tempName, const std::string& name, bool swap, bool& swapped);

// The file operations of a store on a folder it holds open (`dir`, located at `dirPath` inside the state
// root `root`). `name` is a file name in it. Same guarantees as the path-based functions below;
// `folderSync` (may be null) coalesces the folder fsyncs of concurrent writers; `spares` (may be null) are
// reused as the temp file and receive the replaced file. A single write is Durable when Batched: batches go
// through stageFileInDir() and WriteGroup.
void writeFileInDir(int dir, const std::filesystem::path& dirPath, const std::filesystem::path& root,
                    const std::string& name, std::string_view content, Durability durability,
                    FolderSync* folderSync, SpareFiles* spares = nullptr);
// The first half of a write for WriteGroup::commit(): the temp file written (not synced), left open in
// `staged`. A name that is a symlink is written at once (Durable) instead: `staged` then has no temp name.
void stageFileInDir(int dir, const std::filesystem::path& dirPath, const std::filesystem::path& root,
                    const std::string& name, std::string_view content, StagedWrite& staged,
                    SpareFiles* spares = nullptr);
std::optional<std::string> readFileInDir(int dir, const std::filesystem::path& dirPath,
                                         const std::filesystem::path& root, const std::string& name);
// With Durability::Batched and a `group`, the removal is durable at the group's next commit or flush; when
// the group's spares want more (SparePool::wantsSpare()) and `spares` is given, a record file with no other
// link is renamed into a spare of that folder instead of deleted (usable once that rename is durable).
bool removeFileInDir(int dir, const std::filesystem::path& dirPath, const std::string& name,
                     Durability durability, FolderSync* folderSync, WriteGroup* group = nullptr,
                     SpareFiles* spares = nullptr);

// Replaces root/relativeFile with `content` so that readers see the old bytes or the new bytes, never a mix:
// a temp file (O_EXCL|O_NOFOLLOW) in the same folder, fsync, rename, fsync of the folder. Missing folders are
// created. On failure the temp file is removed, the old file is untouched, and StoreError names the file.
void writeFileAtomically(const std::filesystem::path& root, const std::filesystem::path& relativeFile,
                         std::string_view content, Durability durability = Durability::Durable);

// nullopt when the file does not exist; StoreError for other failures or a symlink leaving the root.
std::optional<std::string> readFileContained(const std::filesystem::path& root,
                                             const std::filesystem::path& relativeFile);

// False when the file did not exist.
bool removeFileContained(const std::filesystem::path& root, const std::filesystem::path& relativeFile,
                         Durability durability = Durability::Durable);

// The name of the temp file a write of `name` uses in the same folder: ".<name>.athanor-<pid>-<n>.tmp".
std::string tempFileName(std::string_view name);
// The pid in such a temp file's name; nullopt for any other name.
std::optional<long> tempFileWriter(std::string_view fileName);

// Reads a whole file (no containment check); nullopt when missing.
std::optional<std::string> readWholeFile(const std::filesystem::path& file);

} // namespace athanor

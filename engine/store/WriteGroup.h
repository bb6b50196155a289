#pragma once

#include "store/AtomicFile.h"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace athanor {

// A record write made as a temp file beside its record, not yet renamed into place (an in-flight write of a
// wave): WriteGroup::commit() makes its data durable, renames it, and makes the rename durable.
struct StagedWrite {
    std::shared_ptr<void> keepFolder; // keeps the store's open folder (dirFd) alive until the commit
    int dirFd = -1;
    std::filesystem::path dirPath;
    std::string name;             // the record's file name in dirPath
    std::string tempName;         // empty: nothing to commit (written already, or failed: `error`)
    int fd = -1;                  // the temp file, open until its data is synced
    SpareFiles* spares = nullptr; // the folder's spares (AtomicFile.h): swapped in, the old file kept
    std::exception_ptr error;     // staging or committing failed: the record is as it was before
};

// Durability paid once per batch of writes instead of once per write (Durability::Batched), without
// weakening what a record can be after a crash. Every record's data is synced before its rename, as before;
// what is shared is the syncing:
// * kill -9: every record is its old or its new version (temp file + rename, as every write).
// * power loss: an in-flight record (creating / updating / deleting) is durable before the change it
//   announces starts: commit() syncs the data of a whole wave of them, renames them, and syncs their folders
//   once. A settled record that follows a change (created / updated) is handed to commitLater(): the run goes
//   on at once and a committer thread syncs it together with whatever else was handed over meanwhile, then
//   renames it into place. Until then (at most one commit, and never past a wave boundary, drain()) the
//   record on disk is the in-flight one, which the next up resumes. A removal is durable at the next commit
//   or flush(): undone by a power loss, the record is back as it was.
class WriteGroup {
public:
    WriteGroup();
    ~WriteGroup(); // drains
    WriteGroup(const WriteGroup&) = delete;
    WriteGroup& operator=(const WriteGroup&) = delete;

    // A rename or a removal in folder `dirFd` returned: it is made durable by the next commit() or flush().
    // The folder is kept open (a duplicate descriptor) until then. Returns the folder-sync round that will
    // make it durable (SparePool::roundDone() says when it has), 0 when it is durable already.
    uint64_t settled(int dirFd, const std::filesystem::path& dirPath);

    // Syncs the data of every staged temp file and then renames it into place (many at once), then syncs
    // every folder touched by these and by the settled writes so far. A write whose sync or rename failed
    // gets its `error` (StoreError naming the file) and its temp file is removed; the others are committed. A
    // failed folder sync is every renamed write's error: those records are in place, their durability
    // unknown.
    void commit(std::vector<StagedWrite>& writes);

    // commit() of `write` on the committer thread, batched with everything else handed over meanwhile; `done`
    // is called there afterwards with the write's error (null when it is in place and durable).
    using Done = std::function<void(std::exception_ptr error)>;
    void commitLater(StagedWrite write, Done done);
    // The same for a write the committer thread stages itself (`stage` fills the StagedWrite, its error
    // included) just before it commits it: staged there, a write takes a spare the committer's previous
    // commit made usable, instead of creating a file while that commit's spares still wait for its sync.
    using Stage = std::function<void(StagedWrite& write)>;
    void commitLater(Stage stage, Done done);
    // Returns once everything handed to commitLater() so far is committed and its `done` has returned.
    void drain();

    // Every settled write so far made durable (end of a run); StoreError naming the folder on failure, also
    // for a failure of an earlier syncForSpares().
    void flush();
    // A folder-sync round now when spares are pending (SparePool::pending()), so that the next batch of
    // writes can use them. A failure is kept for flush() to report.
    void syncForSpares();

    // How many folder syncs the group made (tests and benchmarks: proof that writes share syncs).
    uint64_t folderSyncs() const;

    // The spare temp files of every folder written through this group, lent between folders (AtomicFile.h).
    SparePool& spares() { return m_spares; }

private:
    SparePool m_spares; // first: outlives the staged writes (and their folders) the members below hold

    // Threads kept for the group's parallel syncs and renames (a run commits many small batches: new threads
    // for each cost more than the syncs they wait for). One call at a time; the caller works too.
    class Workers {
    public:
        explicit Workers(size_t threads) : m_size(threads) {}
        ~Workers();
        void run(size_t count, const std::function<void(size_t)>& fn);

    private:
        void work();
        void loop();
        size_t m_size;
        std::mutex m_callMutex; // one run() at a time
        std::mutex m_mutex;
        std::condition_variable m_wake, m_done;
        std::vector<std::thread> m_threads;
        const std::function<void(size_t)>* m_fn = nullptr;
        size_t m_count = 0, m_next = 0, m_active = 0;
        uint64_t m_generation = 0;
        bool m_stop = false;
    };
    Workers m_workers;

    struct Folder {
        int fd = -1;
        std::filesystem::path path;
    };
    using Dirty = std::map<std::pair<uint64_t, uint64_t>, Folder>; // by (device, inode)
    // The folders to sync and the number of the round that syncs them.
    std::pair<Dirty, uint64_t> takeDirty();
    void syncFolders(Dirty& folders, uint64_t round);
    void committerLoop();

    mutable std::mutex m_mutex;
    Dirty m_dirty;
    uint64_t m_rounds = 0; // folder-sync rounds started (takeDirty())
    uint64_t m_folderSyncs = 0;
    std::string m_deferredFailure; // a syncForSpares() that failed, for flush()

    // commitLater(): handed over, not yet committed.
    std::mutex m_queueMutex;
    std::condition_variable m_queueChanged;
    struct Queued {
        StagedWrite write;
        Stage stage; // set: staged by the committer
        Done done;
    };
    std::vector<Queued> m_queue;
    size_t m_inCommit = 0; // taken by the committer, not finished
    bool m_stopping = false;
    std::thread m_committer; // started on first use
};

// Runs fn(0) .. fn(count - 1) on up to `threads` threads (the calling thread is one of them).
void forEachIndexInParallel(size_t count, size_t threads, const std::function<void(size_t)>& fn);

} // namespace athanor

#pragma once

#include "store/AtomicFile.h"
#include "store/FolderTree.h"
#include "store/SourceSpec.h"
#include "store/StageLease.h"
#include "store/StateStore.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace athanor {

class StateSnapshot;
struct SnapshotOptions;

// Progress of a bulk load: records read so far and how many there are (0 while not known yet). Called on
// the loading thread.
using LoadProgress = std::function<void(size_t loaded, size_t total)>;

// How a source keeps two runs off one stage.
enum class StageLocking {
    LockFile,   // a lock file in the source's Athanor home (lifecycle/StageLock), as for folders
    Native,     // the source's own lock: lockStage() (a row in a SQLite database, an S3 object)
    Unsupported // the source keeps no stage locks at all (Alchemy's Cloudflare worker)
};

// Whether a source can keep a second writer off a stage while one writes: what runs and repairs ask before
// they write (athanorctl refuses without --no-lock, the GUI asks once).
struct StageLockSupport {
    bool excludesWriters = true;
    std::string reason; // when it cannot: why, naming the source ("cloudflare:https://…: Alchemy's …")
};

// The one door to a place where Alchemy keeps state (a folder, a SQLite database): everything that reads
// or writes state goes through it. A backend is one folder under engine/store/ (folder/, sqlite/); open one
// with openStateSource() (store/StateSources.h). Thread-safe: loads, reads and stores may run on several
// threads at once. Records cross it in serialized form (secrets stay encrypted).
class StateSource : public std::enable_shared_from_this<StateSource> {
public:
    virtual ~StateSource() = default;

    virtual const SourceSpec& spec() const = 0;
    // The folder or database the state is in, for messages ("/p/.alchemy", "/p/.alchemy/state.sqlite").
    virtual std::string describe() const = 0;
    // Whether there is state at all yet (an .alchemy folder, a database file).
    virtual bool exists() const = 0;

    // ---- Alchemy's per-scope store: the lifecycle engine and migrate
    // ---------------------------------------
    virtual std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain,
                                                  Durability durability = Durability::Durable) = 0;
    // The apps it holds (the root scope's children); false when the source cannot list them (the caller
    // then names its apps: SnapshotOptions::knownApps).
    virtual bool listsApps() const { return true; }
    virtual std::vector<std::string> apps() = 0;
    // After records of `chain` and below were removed (a repair): what held only them goes, as the scope's
    // deinit would (a folder's empty folders; a folder still holding any file stays). Nothing to do where a
    // scope is only its records (databases, remote stores).
    virtual void pruneEmptyScope(const std::vector<std::string>& chain) { (void)chain; }
    // Makes every write made through stores opened with Durability::Fast durable (a bulk copy writes fast,
    // then syncs once).
    virtual void sync() = 0;

    // Writes records that must be durable before what follows starts (in-flight records before their
    // changes: creating / updating / deleting; a level of new scope records): each is durable when this
    // returns. A folder opened with Durability::Batched pays one sync for the lot (store/WriteGroup.h); the
    // default writes them one by one. Errors per write, in `error`.
    struct InFlightWrite {
        StateStore* store = nullptr; // opened by this source
        std::string id;
        const StateRecord* record = nullptr;
        std::exception_ptr error;
    };
    virtual void writeInFlight(std::vector<InFlightWrite>& writes);
    // How many in-flight records the next writeInFlight() will write (0: none expected). A folder keeps the
    // files of that many removed records to write them with, instead of creating files (store/AtomicFile.h,
    // SparePool). Only a hint: nothing else changes.
    virtual void expectInFlightWrites(size_t count) { (void)count; }
    // Writes a record whose change is done (created / updated) without waiting for it to be durable: `done`
    // runs once it is in place and durable (on another thread), with the error when it is not. Until then
    // the record is the in-flight one written before the change. The default writes it at once and calls
    // `done` before returning. waitForSettledWrites(): every such write so far is done.
    using SettledDone = std::function<void(std::exception_ptr error)>;
    virtual void writeSettled(StateStore& store, const std::string& id, const StateRecord& record,
                              SettledDone done);
    virtual void waitForSettledWrites() {}
    // Makes what stores opened with Durability::Batched wrote durable (end of a run). Throws StoreError.
    virtual void flushBatchedWrites() {}
    // Record ids of the stage's folders as a run listed them when it started (the stale temp file sweep,
    // under the stage lock), by path relative to `dotAlchemy`. A folder source of that .alchemy serves its
    // open stores' list() from them until they write (FolderTree::keepListings), so finalize does not list
    // every folder again; other sources keep nothing, and the run then does not collect them.
    virtual bool keepsListingsOf(const std::filesystem::path& dotAlchemy) const {
        (void)dotAlchemy;
        return false;
    }
    virtual void keepListings(FolderTree::Listings listings) { (void)listings; }

    // ---- Browsing
    // ------------------------------------------------------------------------------------------- The whole
    // tree (see loadSnapshot() in snapshot/SnapshotLoader.h, which calls this). A record that cannot be used
    // is a record with its error; a source that cannot be read at all throws SourceUnavailableError (the
    // caller keeps its last good snapshot); LoadCancelled when `cancel` asks.
    virtual std::shared_ptr<StateSnapshot> load(const SnapshotOptions& options, const LoadProgress& progress,
                                                std::stop_token cancel) = 0;
    // One record in file form (JSON.stringify(record, null, 2)); for a folder the file's exact bytes.
    // nullopt when it does not exist; UnreadableRecordError naming its location when it cannot be used.
    virtual std::optional<std::string> readRecordText(const std::vector<std::string>& chain,
                                                      const std::string& id) = 0;
    // Where a record lives, for messages: its file, or the database and its row.
    virtual std::string recordLocation(const std::vector<std::string>& chain,
                                       const std::string& id) const = 0;

    // ---- Noticing changes
    // ----------------------------------------------------------------------------------- Local folders whose
    // changes show changes of the state (inotify); empty: poll changedSince().
    virtual std::vector<std::filesystem::path> watchFolders(const StateSnapshot&) const { return {}; }
    // Cheap "has anything changed since this snapshot was loaded" (timestamps, a version token).
    virtual bool changedSince(const StateSnapshot& snapshot) = 0;

    // ---- Stage locks
    // ----------------------------------------------------------------------------------------
    virtual StageLocking stageLocking() const = 0;
    // Whether a stage lock taken here excludes concurrent writers. The default follows stageLocking()
    // (Unsupported: no); a source that must ask its server (S3: does the endpoint honour a create-only
    // write?) does so once per object and keeps the answer. Throws SourceUnavailableError when it cannot
    // ask.
    virtual StageLockSupport stageLockSupport();
    // Native locking only: takes the stage or throws StageLockedError naming the holder. A lock left by a
    // process that no longer exists on this host is taken over and reported through `onWarning`.
    virtual std::unique_ptr<StageLease> lockStage(const std::string& app, const std::string& stage,
                                                  const std::string& operation,
                                                  const LockWarningSink& onWarning);
    // `state unlock`: who holds the stage's lock now (nullopt: nobody; a damaged lock is a holder with no
    // fields). A source that keeps no locks (StageLocking::Unsupported) has none.
    virtual std::optional<StageLockHolder> stageLockHolder(const std::string& app, const std::string& stage);
    // Where the stage's lock is kept, for messages (its file, its database row, its object).
    virtual std::string stageLockLocation(const std::string& app, const std::string& stage) const;
    // Removes the stage's lock if it still names `expected` (force-unlock); false when the lock changed hands
    // or was released meanwhile (nothing removed then).
    virtual bool breakStageLock(const std::string& app, const std::string& stage,
                                const StageLockHolder& expected);

    // ---- Athanor's own files
    // -------------------------------------------------------------------------------- A local folder for
    // what Athanor keeps about this source (run history; lock files of folder sources):
    // <.alchemy>/.athanor for a folder, $XDG_DATA_HOME/athanor/sources/<hash of the source> otherwise.
    virtual std::filesystem::path athanorHome() const = 0;
};

} // namespace athanor

#pragma once

#include "state/RecordKey.h"
#include "store/StateSource.h"
#include "store/StateStore.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace athanor {

// Who holds a stage lock, as repairs and `state unlock` name it.
struct StageLockInfo {
    long pid = 0;
    std::string host;
    std::string since;            // ISO-8601
    std::string operation;        // "up", "destroy", "repair rm", ...
    std::string where;            // the lock's location (its file, its database row)
    bool processGoneHere = false; // held by a process of this host that no longer exists
    // "pid 12 on host h since … (running up)"
    std::string describe() const;
};

// A stage lock held by a repair; released when destroyed.
class StageHold {
public:
    virtual ~StageHold() = default;
};

// What repairs need from a state source (store/StateSource.h, the one door): records by key as exact text,
// the scope tree, the stage lock a run takes, and the source's Athanor home (the version store). Every
// repair goes through it, so it works on whatever a source is. A repair writes from one thread.
class RepairSource {
public:
    explicit RepairSource(std::shared_ptr<StateSource> source);
    // The source `spec` names, resolved as everywhere (a folder holding only state.sqlite is that database).
    static std::shared_ptr<RepairSource> open(const SourceSpec& spec);
    // A folder source: the project folder holding .alchemy (or the .alchemy folder itself).
    static std::shared_ptr<RepairSource> openFolder(const std::filesystem::path& projectOrDotAlchemy);

    StateSource& state() { return *m_source; }
    const std::shared_ptr<StateSource>& stateSource() const { return m_source; }
    // The folder or database, for messages.
    std::string describe() const;
    bool exists() const;
    // The folder relative paths of providers resolve against (the project folder).
    std::filesystem::path projectFolder() const;
    // Athanor's own files for this source (for a folder: .alchemy/.athanor).
    std::filesystem::path athanorHome() const;

    std::vector<std::string> apps();
    std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain);
    std::vector<std::string> list(const std::vector<std::string>& chain);
    std::vector<std::string> listScopes(const std::vector<std::string>& chain);

    // A record as text (a folder's file bytes, a row in file form); nullopt when it does not exist. Never
    // parsed for a folder, so a record file that does not parse can still be read, kept and removed.
    std::optional<std::string> readText(const RecordKey& key);
    // Stores exactly `text` as the record: a folder's file bytes; for other sources the record it parses to,
    // with nothing of the row or object it replaces kept (StateStore::putText).
    void writeText(const RecordKey& key, const std::string& text);
    void remove(const RecordKey& key);
    // After records were removed: the folders of `chain` and below that hold nothing any more go, as the
    // scope's deinit would (a folder still holding any file stays). Nothing to do for a database or a remote
    // store (StateSource::pruneEmptyScope).
    void pruneEmptyScope(const std::vector<std::string>& chain);
    // Where a record is, for messages (its file, its row).
    std::string location(const RecordKey& key) const;

    // The user's --no-lock for this repair (the GUI: "Run without a stage lock" answered for one operation):
    // where the source cannot exclude concurrent writers, its repairs write without a stage lock instead of
    // being refused. A folder still takes its lock file.
    void setNoLock(bool noLock) { m_noLock = noLock; }
    bool noLock() const { return m_noLock; }
    // The stage lock every repair takes, the one runs take (lifecycle/SourceStageLock); throws LockHeldError
    // (lifecycle/RunApi.h) naming the holder when a run or another repair has it, and
    // StageLockUnavailableError (naming the source, why, and --no-lock) where the source cannot exclude
    // concurrent writers, unless noLock().
    std::unique_ptr<StageHold> lockStage(const std::string& app, const std::string& stage,
                                         const std::string& operation,
                                         const std::function<void(const std::string&)>& onWarning = {});
    // The refusal lockStage() would give for any of `stages`, before anything is asked or written (nothing
    // unless noLock() is false and the source cannot exclude concurrent writers). May ask the server once
    // (StateSource::stageLockSupport()).
    void requireStageLocks(const std::vector<std::pair<std::string, std::string>>& stages);
    // False for a source that keeps no stage locks at all (Alchemy's Cloudflare worker): nothing to unlock.
    bool keepsStageLocks() const;
    // Who holds the stage's lock now; nullopt when nobody does (always, where !keepsStageLocks()).
    std::optional<StageLockInfo> stageLockHolder(const std::string& app, const std::string& stage);
    // Removes the stage's lock if it is still `expected`'s (force-unlock). False when the lock changed
    // hands or was released meanwhile (nothing removed then).
    bool breakStageLock(const std::string& app, const std::string& stage, const StageLockInfo& expected);

private:
    std::shared_ptr<StateSource> m_source;
    bool m_noLock = false;
};

} // namespace athanor

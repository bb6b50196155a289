#pragma once

#include "repair/RepairSource.h"
#include "state/RecordKey.h"
#include "versions/RecordVersions.h"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace athanor {

// A repair that cannot be planned or applied: bad FQN, missing record, a record changed since its preview.
// Nothing was written when it is thrown (except where the message says otherwise).
class RepairError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One record a repair writes, with its text before and after.
struct RecordChange {
    RecordKey key;
    std::optional<std::string> before; // as read when the plan was made; nullopt: it does not exist
    std::optional<std::string> after;  // what is written; nullopt: the record is removed
    std::string what;                  // one line for the preview, e.g. "status creating -> created"
};

// What a repair will write, computed without writing anything: the CLI prints it and asks, the GUI shows it
// in its confirmation, and applyRepair() writes exactly this.
struct RepairPlan {
    std::string operation; // "rm", "mv", "set-status", "pending drop", "edit", "import", "rekey", "undo", ...
    std::string title;     // one line: "rm shop/dev/site and 2 nested records"
    std::vector<RecordChange> changes;
    std::vector<std::string> notes; // what is left alone and why, warnings
    // Scopes whose folders are pruned once the removals are done (only folders left empty go).
    std::vector<std::vector<std::string>> emptiedScopes;
    std::string undoes; // an undo: the operation it undoes

    bool empty() const { return changes.empty(); }
    size_t removals() const;
    size_t writes() const { return changes.size() - removals(); }
    // The stages whose locks the repair takes, sorted: (app, stage).
    std::vector<std::pair<std::string, std::string>> stages() const;
};

struct RepairOutcome {
    std::string operationId; // in the version store: `state undo` / `state history` name it
    size_t written = 0;
    size_t removed = 0;
    std::vector<std::string> warnings; // lock take-overs, folders that could not be pruned
};

// A repair in progress: stage locks held, before-images kept before anything is written. For repairs that
// are more than a list of writes (running a pending deletion through its provider); applyRepair() uses it.
class RepairTransaction {
public:
    // Locks `stages` (LockHeldError when a run or another repair holds one) and starts the operation in the
    // version store.
    RepairTransaction(RepairSource& source, const std::string& operation, const std::string& title,
                      const std::vector<std::pair<std::string, std::string>>& stages,
                      const std::string& undoes = {});
    ~RepairTransaction(); // an unfinished transaction is recorded as failed
    RepairTransaction(const RepairTransaction&) = delete;
    RepairTransaction& operator=(const RepairTransaction&) = delete;

    // Keeps the record's current text as its before-image (once per record); returns that text.
    std::optional<std::string> keep(const RecordKey& key);
    // Keeps the given before-image (already read under the lock).
    void keep(const RecordKey& key, const std::optional<std::string>& before);
    // Makes the before-images durable; call before the first write.
    void sync();
    void write(const RecordKey& key, const std::string& text);
    void remove(const RecordKey& key);
    // Records the after-image of a record written by someone else (a provider's run) under this lock.
    void noteAfter(const RecordKey& key);
    void finish();
    void fail(const std::string& error);

    const std::string& operationId() const { return m_writer->id(); }
    std::vector<std::string>& warnings() { return m_warnings; }
    RepairSource& source() { return m_source; }

private:
    RepairSource& m_source;
    std::vector<std::unique_ptr<StageHold>> m_locks;
    std::unique_ptr<VersionStore::Writer> m_writer;
    std::vector<std::string> m_warnings;
    bool m_done = false;
};

// Applies a plan: takes its stage locks, checks that every record is still what the plan read (RepairError
// naming the first one that changed: nothing is written then), keeps every before-image durably, writes the
// changes, prunes emptied scope folders. When a write fails midway, RepairError says how many were written;
// `athanorctl state undo` brings them back.
RepairOutcome applyRepair(RepairSource& source, const RepairPlan& plan);

// The version store of a source.
VersionStore versionStoreOf(const RepairSource& source);

} // namespace athanor

#pragma once

#include "state/ResourceStatus.h"
#include "store/DotAlchemyLayout.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

class StateSource;

// One entry of a record's data.pendingDeletions (reference §2.6, §7.6): the old copy of a resource replaced
// without force, deleted when the scope holding the list next finalizes after a run without errors. Only
// what names it is kept here; its old output and props are read with the record.
struct PendingDeletion {
    std::string kind; // the old output's Symbol(alchemy::ResourceKind)
    std::string id;   // Symbol(alchemy::ResourceID); empty: a corrupted entry Alchemy drops without deleting
    std::string fqn;  // Symbol(alchemy::ResourceFQN)
};

// What one record holds, as far as browsing needs; the full record is read on demand.
struct SnapshotRecord {
    std::string fqn;                // its location: app/stage/<scopes and owners>/id
    std::vector<std::string> chain; // the scope chain of the store holding it: (chain, id) is its address
    std::string id;        // from the file name ('/' restored); the record's own id when it holds a backslash
    std::string kind;      // "kind", or "provider" in the older shape
    std::string recordId;  // the "id" field as written
    std::string recordFqn; // the "fqn" field as written ("" for naked-scope records)
    std::string status;    // as written
    int64_t seq = 0;
    bool hasOldProps = false;
    bool legacyShape = false;
    uint32_t secretCount = 0;
    std::vector<PendingDeletion> pendingDeletions; // data.pendingDeletions, in list order (usually none)
    std::string
        relativePath; // folder sources: the file relative to .alchemy, e.g. "shop/dev/routes:api:v1.json"
    uint64_t fileSize = 0; // bytes (of a database row: its JSON columns)
    // The file's modification time. A database row has none: a fingerprint of its content stands in, so
    // "did this record change" is the same comparison for every source.
    int64_t modifiedNs = 0;
    std::string error; // why the file could not be used; empty when it loaded

    bool ok() const { return error.empty(); }
    std::optional<ResourceStatus> statusValue() const { return parseResourceStatus(status); }
    // Unique within a snapshot (the chain and the id), e.g. to remember something per record.
    std::string key() const;
};

enum class SnapshotNodeKind { Root, App, Stage, Scope, Resource };

// The scope tree: apps > stages > child scopes > resources, nested resources under their owner.
struct SnapshotNode {
    SnapshotNodeKind kind = SnapshotNodeKind::Root;
    std::string name; // the path segment(s) it adds, e.g. "routes/api/v1" for such an id
    std::string fqn;
    int32_t parent = -1;
    int32_t record = -1; // index into records (a resource, a naked scope's or a stage's own record)
    std::vector<int32_t> children;
};

// An immutable picture of a whole source's tree; cheap to share between threads.
class StateSnapshot {
public:
    std::shared_ptr<StateSource> source; // where it was loaded from; reads of single records go through it
    DotAlchemyLayout layout;             // the folder source's layout; for others, their project folder's
    bool stateFolderExists = false;      // the .alchemy folder (the database file) exists
    std::string changeToken;             // the source's version marker at load time (changedSince())
    std::vector<SnapshotRecord> records; // sorted by fqn (byte order)
    std::vector<SnapshotNode> nodes;     // nodes[0] is the root
    std::vector<std::string> problems; // folder-level problems (unreadable folder, symlink leaving the root)

    const SnapshotRecord* findRecord(std::string_view fqn) const;
    std::vector<const SnapshotRecord*> findRecords(std::string_view fqn) const;
    int32_t findNode(std::string_view fqn) const; // -1 when absent
    size_t errorCount() const;
    // The file holding the record: its own file, or the database.
    std::filesystem::path absolutePath(const SnapshotRecord& r) const;
    // Where the record lives, for messages (the file; the database and row).
    std::string location(const SnapshotRecord& r) const;
};

} // namespace athanor

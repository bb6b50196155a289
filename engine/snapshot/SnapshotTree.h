#pragma once

#include "snapshot/StateSnapshot.h"

#include "json/Json.h"
#include <vector>

namespace athanor {

struct SnapshotOptions;

// The scope tree of a source that knows each record's chain (a database row's scope): records go under
// apps > stages > scopes as the folder walk places the same records, a chain element that is a record id in
// its parent scope holds that resource's nested resources. `records` carry chain, id and their summary; fqn
// and the nodes are filled in here. Records outside options.app / options.stage are left out.
void buildSnapshotTree(StateSnapshot& snap, std::vector<SnapshotRecord> records,
                       const SnapshotOptions& options);

// Appends a node under `parent` (-1: none) and returns its index: how every bulk load grows the tree.
int32_t addSnapshotNode(StateSnapshot& snap, SnapshotNodeKind kind, std::string name, std::string fqn,
                        int32_t parent);

// The last step of every bulk load: naked-scope records show as scopes, each record gets the chain of the
// store holding it (when the load did not know it), records are sorted by FQN (node indexes follow).
void finishSnapshotTree(StateSnapshot& snap);
// Its steps that need no record's summary (a staged folder load takes them before reading the files):
// each record without a chain gets the names of its node's ancestors; records sorted by FQN, node indexes
// following.
void assignRecordChains(StateSnapshot& snap);
void sortRecordsByFqn(StateSnapshot& snap);

// The summary of a record read as a document (sources that get records from a server): kind, ids, status,
// seq, oldProps, secrets and pending deletions, or `error` when it is not a JSON object.
void summarizeRecordDocument(const Json& doc, SnapshotRecord& r);

// A record's data.pendingDeletions as the snapshot keeps them (for sources that read records as documents).
std::vector<PendingDeletion> pendingDeletionsOfRecord(const Json& record);

} // namespace athanor

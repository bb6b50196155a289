#pragma once

#include "models/StatusCategory.h"
#include "snapshot/StateSnapshot.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace athanor::ui {

// Node lookup by FQN over the snapshot's own strings: node indexes sorted by FQN (4 bytes a node; a
// QHash<QString, int32_t> of 100,000 nodes held 8 MB and took a QString per node).
class NodeFqnLookup {
public:
    void build(const StateSnapshot& snapshot);
    // The node with this FQN (the root's "" is never found), or `absent`.
    int32_t value(const QString& fqn, int32_t absent = -1) const;
    int32_t value(std::string_view fqn, int32_t absent = -1) const;
    bool contains(const QString& fqn) const { return value(fqn) >= 0; }

private:
    const StateSnapshot* m_snapshot = nullptr; // owned by the StateIndex holding this lookup
    std::vector<int32_t> m_byFqn;
};

// Everything the views need from one snapshot, computed once on a worker thread so that the GUI thread only
// swaps a pointer: display strings, naturally sorted children, per-subtree counts and an FQN lookup.
struct StateIndex {
    struct Node {
        QString fqn;  // the name is the snapshot node's (nameOf()): one QString less per node
        QString kind; // the record's kind; empty for folders without a record
        StatusCategory status = StatusCategory::None;
        int32_t parent = -1;
        int32_t row = 0; // position among the parent's (sorted) children
        std::vector<int32_t> children;
        int resources = 0;   // resources in the subtree, this node excluded
        int interrupted = 0; // interrupted records in the subtree, this node included
        int unreadable = 0;
    };

    std::shared_ptr<const StateSnapshot> snapshot;
    std::vector<Node> nodes; // same indexes as snapshot->nodes; nodes[0] is the root
    NodeFqnLookup nodeByFqn;
    QStringList kinds; // distinct record kinds, naturally sorted
    int apps = 0, stages = 0, scopes = 0, resources = 0, unreadable = 0, interrupted = 0, secrets = 0;
    QStringList watchFolders; // folders whose changes show state changes (the source's watchFolders())
    qint64 loadMs = 0;

    // Views of a loaded snapshot; `loadMs` is the time the load took before (added to the indexing time).
    static std::shared_ptr<const StateIndex> fromSnapshot(std::shared_ptr<const StateSnapshot> snapshot,
                                                          qint64 loadMs = 0);
    // loadSnapshot(path) + fromSnapshot() (tests, benchmarks).
    static std::shared_ptr<const StateIndex> build(const std::filesystem::path& projectOrDotAlchemy);

    const SnapshotRecord* record(int32_t node) const;
    QString nameOf(int32_t node) const; // the path segment(s) the node adds, e.g. "routes/api/v1"
    SnapshotNodeKind nodeKind(int32_t node) const { return snapshot->nodes[static_cast<size_t>(node)].kind; }
    bool hasState() const { return snapshot && snapshot->stateFolderExists && !snapshot->records.empty(); }
    // Whether a newer snapshot shows the same records (nothing for the views to redo).
    bool sameContentAs(const StateIndex& other) const;
};

} // namespace athanor::ui

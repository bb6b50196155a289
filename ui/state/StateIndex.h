#pragma once

#include "models/StatusCategory.h"
#include "snapshot/StateSnapshot.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <filesystem>
#include <map>
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
//
// A folder's first load is staged (SnapshotOptions::treeWalked): the index of the walked tree is shown while
// the records are read (loading()), and the records the load announces are applied on the GUI thread
// (applyLoadedRecords()) until finishLoading(). Until its record is applied a node has no record (record() is
// null: the load may still be writing it), no kind and no status.
struct StateIndex {
    struct Node {
        // Name and FQN are the snapshot node's (nameOf(), fqnOf()): no QString copies per node.
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
    // The index of a staged load's walked tree: no record is applied yet (loading()).
    static std::shared_ptr<StateIndex> fromWalkedSnapshot(std::shared_ptr<const StateSnapshot> snapshot);

    // Staged loads only, on the GUI thread: records the load announced (indexes into snapshot->records) get
    // their kind, status and counts. Returns the nodes whose own row changed (their ancestors' counts may
    // have changed too).
    std::vector<int32_t> applyLoadedRecords(const std::vector<int32_t>& records);
    // Every record is applied: the kind list, secrets and watched folders; loading() ends.
    void finishLoading(qint64 loadMs);
    bool loading() const { return !m_recordLoaded.empty(); }
    size_t loadedRecords() const { return m_loadedRecords; }
    // Whether the node's record (if it has one) can be read: always, once loading() ended.
    bool isRecordLoaded(int32_t node) const;

    // The node's record, or null (no record; or its staged load has not read it yet).
    const SnapshotRecord* record(int32_t node) const;
    QString nameOf(int32_t node) const; // the path segment(s) the node adds, e.g. "routes/api/v1"
    QString fqnOf(int32_t node) const;
    SnapshotNodeKind nodeKind(int32_t node) const { return snapshot->nodes[static_cast<size_t>(node)].kind; }
    bool hasState() const { return snapshot && snapshot->stateFolderExists && !snapshot->records.empty(); }
    // Whether a newer snapshot shows the same records (nothing for the views to redo).
    bool sameContentAs(const StateIndex& other) const;

private:
    void applyRecord(size_t node, const SnapshotRecord& r);
    void countSubtrees();
    void addToSubtreeCounts(int32_t node, StatusCategory before, StatusCategory after);
    void collectKinds();

    std::vector<uint8_t> m_recordLoaded; // per record, while a staged load runs; empty once all are
    std::vector<int32_t> m_nodeOfRecord; // per record, while a staged load runs
    size_t m_loadedRecords = 0;
    std::map<std::string, QString, std::less<>> m_kindTexts;
};

} // namespace athanor::ui

#include "state/StateIndex.h"

#include "models/NaturalCollator.h"
#include "models/NaturalOrder.h"
#include "snapshot/SnapshotLoader.h"
#include "snapshot/SortedRuns.h"
#include "store/StateSource.h"

#include <QCollator>
#include <QElapsedTimer>
#include <algorithm>
#include <map>

namespace athanor::ui {

namespace {

// Folders and files are watched individually only up to this many paths; beyond it the session polls
// record timestamps instead (inotify watches are a per-user budget shared with other programs).

QString toQString(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

void NodeFqnLookup::build(const StateSnapshot& snapshot) {
    m_snapshot = &snapshot;
    m_byFqn.clear();
    m_byFqn.reserve(snapshot.nodes.empty() ? 0 : snapshot.nodes.size() - 1);
    for (size_t i = 1; i < snapshot.nodes.size(); ++i)
        m_byFqn.push_back(static_cast<int32_t>(i));
    const auto fqnOf = [&](int32_t n) -> const std::string& {
        return snapshot.nodes[static_cast<size_t>(n)].fqn;
    };
    // Stable, so that of nodes sharing an FQN the one made last is found (as the QHash this replaced kept).
    // Nodes are made folder by folder in id order: long sorted runs, merged.
    sortBySortedRuns(m_byFqn, [&](int32_t a, int32_t b) { return fqnOf(a) < fqnOf(b); });
}

int32_t NodeFqnLookup::value(std::string_view fqn, int32_t absent) const {
    if (!m_snapshot)
        return absent;
    const auto& nodes = m_snapshot->nodes;
    const auto it = std::upper_bound(m_byFqn.begin(), m_byFqn.end(), fqn, [&](std::string_view f, int32_t n) {
        return f < std::string_view(nodes[static_cast<size_t>(n)].fqn);
    });
    return it != m_byFqn.begin() && nodes[static_cast<size_t>(*std::prev(it))].fqn == fqn ? *std::prev(it)
                                                                                          : absent;
}

int32_t NodeFqnLookup::value(const QString& fqn, int32_t absent) const {
    const QByteArray utf8 = fqn.toUtf8();
    return value(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())), absent);
}

const SnapshotRecord* StateIndex::record(int32_t node) const {
    const int32_t r = snapshot->nodes[static_cast<size_t>(node)].record;
    if (r < 0 || (!m_recordLoaded.empty() && !m_recordLoaded[static_cast<size_t>(r)]))
        return nullptr;
    return &snapshot->records[static_cast<size_t>(r)];
}

bool StateIndex::isRecordLoaded(int32_t node) const {
    const int32_t r = snapshot->nodes[static_cast<size_t>(node)].record;
    return r < 0 || m_recordLoaded.empty() || m_recordLoaded[static_cast<size_t>(r)];
}

QString StateIndex::nameOf(int32_t node) const {
    return toQString(snapshot->nodes[static_cast<size_t>(node)].name);
}

QString StateIndex::fqnOf(int32_t node) const {
    return toQString(snapshot->nodes[static_cast<size_t>(node)].fqn);
}

bool StateIndex::sameContentAs(const StateIndex& other) const {
    const auto& a = *snapshot;
    const auto& b = *other.snapshot;
    if (a.stateFolderExists != b.stateFolderExists || a.nodes.size() != b.nodes.size() ||
        a.records.size() != b.records.size() || a.problems != b.problems)
        return false;
    for (size_t i = 0; i < a.records.size(); ++i) {
        const auto& x = a.records[i];
        const auto& y = b.records[i];
        if (x.fqn != y.fqn || x.modifiedNs != y.modifiedNs || x.fileSize != y.fileSize ||
            x.status != y.status || x.seq != y.seq || x.error != y.error || x.kind != y.kind)
            return false;
    }
    for (size_t i = 0; i < a.nodes.size(); ++i)
        if (a.nodes[i].fqn != b.nodes[i].fqn || a.nodes[i].kind != b.nodes[i].kind)
            return false;
    return true;
}

std::shared_ptr<const StateIndex> StateIndex::build(const std::filesystem::path& projectOrDotAlchemy) {
    QElapsedTimer timer;
    timer.start();
    std::shared_ptr<const StateSnapshot> snapshot = loadSnapshot(projectOrDotAlchemy);
    return fromSnapshot(std::move(snapshot), timer.elapsed());
}

namespace {

// The index of a snapshot's tree: nodes, natural order, the FQN lookup; records are applied by the caller.
std::shared_ptr<StateIndex> indexTree(std::shared_ptr<const StateSnapshot> snapshot) {
    auto index = std::make_shared<StateIndex>();
    index->snapshot = std::move(snapshot);
    const StateSnapshot& snap = *index->snapshot;

    index->nodes.resize(snap.nodes.size());
    for (size_t i = 0; i < snap.nodes.size(); ++i) {
        const SnapshotNode& sn = snap.nodes[i];
        StateIndex::Node& n = index->nodes[i];
        n.parent = sn.parent;
        n.children = sn.children;
        switch (sn.kind) {
        case SnapshotNodeKind::App:
            ++index->apps;
            break;
        case SnapshotNodeKind::Stage:
            ++index->stages;
            break;
        case SnapshotNodeKind::Scope:
            ++index->scopes;
            break;
        case SnapshotNodeKind::Resource:
            ++index->resources;
            break;
        case SnapshotNodeKind::Root:
            break;
        }
    }

    index->nodeByFqn.build(snap);

    // Natural order among siblings ("item2" before "item10"), decided here once.
    const QCollator collator = naturalCollator();
    const auto nameOf = [&snap](int32_t node) -> std::string_view {
        return snap.nodes[static_cast<size_t>(node)].name;
    };
    for (StateIndex::Node& n : index->nodes) {
        sortNaturally(n.children, nameOf, collator);
        for (size_t row = 0; row < n.children.size(); ++row)
            index->nodes[static_cast<size_t>(n.children[row])].row = static_cast<int32_t>(row);
    }
    return index;
}

} // namespace

void StateIndex::applyRecord(size_t node, const SnapshotRecord& r) {
    Node& n = nodes[node];
    // One shared QString per distinct kind (a handful), not one allocation per record.
    auto kind = m_kindTexts.find(r.kind);
    if (kind == m_kindTexts.end())
        kind = m_kindTexts.emplace(r.kind, toQString(r.kind)).first;
    n.kind = kind->second;
    n.status = statusCategoryOf(r);
}

// Subtree counts, children before parents: nodes are created parent first, so walk backwards.
void StateIndex::countSubtrees() {
    const StateSnapshot& snap = *snapshot;
    for (Node& n : nodes) {
        n.resources = 0;
        n.interrupted = 0;
        n.unreadable = 0;
    }
    for (size_t i = nodes.size(); i-- > 0;) {
        Node& n = nodes[i];
        if (n.status == StatusCategory::Unreadable)
            ++n.unreadable;
        if (isInterrupted(n.status))
            ++n.interrupted;
        if (n.parent >= 0) {
            Node& p = nodes[static_cast<size_t>(n.parent)];
            p.resources += n.resources + (snap.nodes[i].kind == SnapshotNodeKind::Resource ? 1 : 0);
            p.interrupted += n.interrupted;
            p.unreadable += n.unreadable;
        }
    }
    unreadable = nodes.empty() ? 0 : nodes[0].unreadable;
    interrupted = nodes.empty() ? 0 : nodes[0].interrupted;
}

void StateIndex::collectKinds() {
    const StateSnapshot& snap = *snapshot;
    std::map<std::string_view, QString> distinct;
    secrets = 0;
    for (size_t i = 0; i < snap.nodes.size(); ++i) {
        const int32_t r = snap.nodes[i].record;
        if (r < 0)
            continue;
        const SnapshotRecord& record = snap.records[static_cast<size_t>(r)];
        secrets += static_cast<int>(record.secretCount);
        if (!record.kind.empty())
            distinct.emplace(record.kind, nodes[i].kind);
    }
    const QCollator collator = naturalCollator();
    QStringList kindList;
    for (const auto& [kind, text] : distinct)
        kindList << text;
    std::sort(kindList.begin(), kindList.end(),
              [&](const QString& a, const QString& b) { return collator(a, b); });
    kinds = kindList;
    // What to watch for changes (the watcher sees records rewritten in place too: FolderWatcher); a source
    // without folders to watch is polled instead (StateSession).
    watchFolders.clear();
    if (snap.source)
        for (const auto& folder : snap.source->watchFolders(snap))
            watchFolders << QString::fromStdString(folder.string());
}

std::shared_ptr<const StateIndex> StateIndex::fromSnapshot(std::shared_ptr<const StateSnapshot> snapshot,
                                                           qint64 loadMs) {
    QElapsedTimer timer;
    timer.start();
    std::shared_ptr<StateIndex> index = indexTree(std::move(snapshot));
    const StateSnapshot& snap = *index->snapshot;
    for (size_t i = 0; i < snap.nodes.size(); ++i)
        if (const int32_t r = snap.nodes[i].record; r >= 0)
            index->applyRecord(i, snap.records[static_cast<size_t>(r)]);
    index->countSubtrees();
    index->collectKinds();
    index->loadMs = loadMs + timer.elapsed();
    return index;
}

std::shared_ptr<StateIndex> StateIndex::fromWalkedSnapshot(std::shared_ptr<const StateSnapshot> snapshot) {
    std::shared_ptr<StateIndex> index = indexTree(std::move(snapshot));
    const StateSnapshot& snap = *index->snapshot;
    index->m_recordLoaded.assign(std::max<size_t>(snap.records.size(), 1), 0);
    index->m_nodeOfRecord.assign(snap.records.size(), -1);
    for (size_t i = 0; i < snap.nodes.size(); ++i)
        if (const int32_t r = snap.nodes[i].record; r >= 0)
            index->m_nodeOfRecord[static_cast<size_t>(r)] = static_cast<int32_t>(i);
    index->countSubtrees();
    return index;
}

std::vector<int32_t> StateIndex::applyLoadedRecords(const std::vector<int32_t>& records) {
    std::vector<int32_t> changed;
    if (m_recordLoaded.empty())
        return changed;
    changed.reserve(records.size());
    for (const int32_t r : records) {
        const auto i = static_cast<size_t>(r);
        if (i >= m_nodeOfRecord.size() || m_recordLoaded[i])
            continue;
        m_recordLoaded[i] = 1;
        ++m_loadedRecords;
        if (const int32_t node = m_nodeOfRecord[i]; node >= 0) {
            const StatusCategory before = nodes[static_cast<size_t>(node)].status;
            applyRecord(static_cast<size_t>(node), snapshot->records[i]);
            addToSubtreeCounts(node, before, nodes[static_cast<size_t>(node)].status);
            changed.push_back(node);
        }
    }
    return changed;
}

// A batch changes a few nodes' statuses: their counts change up their ancestor chains only (recounting every
// node per batch cost the GUI thread O(nodes) ten times a second).
void StateIndex::addToSubtreeCounts(int32_t node, StatusCategory before, StatusCategory after) {
    const int unreadableDelta =
        (after == StatusCategory::Unreadable ? 1 : 0) - (before == StatusCategory::Unreadable ? 1 : 0);
    const int interruptedDelta = (isInterrupted(after) ? 1 : 0) - (isInterrupted(before) ? 1 : 0);
    if (unreadableDelta == 0 && interruptedDelta == 0)
        return;
    for (int32_t a = node; a >= 0; a = nodes[static_cast<size_t>(a)].parent) {
        nodes[static_cast<size_t>(a)].unreadable += unreadableDelta;
        nodes[static_cast<size_t>(a)].interrupted += interruptedDelta;
    }
    unreadable = nodes[0].unreadable;
    interrupted = nodes[0].interrupted;
}

void StateIndex::finishLoading(qint64 ms) {
    m_recordLoaded = {};
    m_nodeOfRecord = {};
    m_loadedRecords = snapshot->records.size();
    collectKinds();
    loadMs = ms;
}

} // namespace athanor::ui

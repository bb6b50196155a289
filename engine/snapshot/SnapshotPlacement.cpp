#include "snapshot/SnapshotPlacement.h"

#include "store/RecordLocation.h"

#include <algorithm>

namespace athanor {

namespace {

std::string slashes(std::string text) {
    std::replace(text.begin(), text.end(), '\\', '/');
    return text;
}

void detach(StateSnapshot& snap, int32_t node) {
    SnapshotNode& n = snap.nodes[static_cast<size_t>(node)];
    if (n.parent < 0)
        return;
    auto& siblings = snap.nodes[static_cast<size_t>(n.parent)].children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), node), siblings.end());
    n.parent = -1;
}

// Keeps only the nodes reachable from the root (nodes[0]), in their order, and renumbers the links.
void dropUnreachable(StateSnapshot& snap) {
    std::vector<int32_t> newIndex(snap.nodes.size(), -1);
    std::vector<int32_t> order{0};
    for (size_t i = 0; i < order.size(); ++i)
        for (int32_t child : snap.nodes[static_cast<size_t>(order[i])].children)
            order.push_back(child);
    std::sort(order.begin(), order.end()); // keep the walk's numbering (parents before children)
    for (size_t i = 0; i < order.size(); ++i)
        newIndex[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
    std::vector<SnapshotNode> kept;
    kept.reserve(order.size());
    for (int32_t old : order) {
        SnapshotNode node = std::move(snap.nodes[static_cast<size_t>(old)]);
        if (node.parent >= 0)
            node.parent = newIndex[static_cast<size_t>(node.parent)];
        for (int32_t& child : node.children)
            child = newIndex[static_cast<size_t>(child)];
        kept.push_back(std::move(node));
    }
    snap.nodes = std::move(kept);
}

} // namespace

void placeRecordsByTheirIds(StateSnapshot& snap) {
    std::vector<int32_t> nodeOfRecord;
    bool moved = false;
    for (size_t i = 0; i < snap.records.size(); ++i) {
        SnapshotRecord& r = snap.records[i];
        if (!r.ok() || r.legacyShape || r.relativePath.empty() || r.recordId.find('\\') == std::string::npos)
            continue;
        const RecordPlacement placement =
            placeRecord(r.relativePath, r.recordId, r.recordFqn, r.kind == "alchemy::Scope");
        if (!placement.ok() || placement.fqn == r.fqn)
            continue; // a misplaced record stays where it is; `state check` names it
        if (nodeOfRecord.empty()) {
            nodeOfRecord.assign(snap.records.size(), -1);
            for (size_t n = 0; n < snap.nodes.size(); ++n)
                if (snap.nodes[n].record >= 0)
                    nodeOfRecord[static_cast<size_t>(snap.nodes[n].record)] = static_cast<int32_t>(n);
        }
        const int32_t node = nodeOfRecord[i];
        if (node < 0)
            continue;
        int32_t owner = snap.nodes[static_cast<size_t>(node)].parent;
        while (owner >= 0 && slashes(snap.nodes[static_cast<size_t>(owner)].fqn) != placement.scopeFolder)
            owner = snap.nodes[static_cast<size_t>(owner)].parent;
        if (owner < 0)
            continue;
        int32_t folder = snap.nodes[static_cast<size_t>(node)].parent;
        detach(snap, node);
        // The folder nodes that only held this record go.
        while (folder >= 0 && folder != owner) {
            const SnapshotNode& f = snap.nodes[static_cast<size_t>(folder)];
            const int32_t up = f.parent;
            if (f.kind != SnapshotNodeKind::Scope || f.record >= 0 || !f.children.empty())
                break;
            detach(snap, folder);
            folder = up;
        }
        SnapshotNode& n = snap.nodes[static_cast<size_t>(node)];
        n.name = placement.id;
        n.fqn = placement.fqn;
        n.parent = owner;
        // Among the owner's resources in id order (resources come before folders, as the walk lists them).
        auto& siblings = snap.nodes[static_cast<size_t>(owner)].children;
        auto at = std::find_if(siblings.begin(), siblings.end(), [&](int32_t s) {
            const SnapshotNode& sibling = snap.nodes[static_cast<size_t>(s)];
            return sibling.record < 0 || sibling.name > placement.id;
        });
        siblings.insert(at, node);
        r.id = placement.id;
        r.fqn = placement.fqn;
        r.chain.clear(); // its store is its new scope's (assignRecordChains)
        moved = true;
    }
    if (moved)
        dropUnreachable(snap);
}

} // namespace athanor

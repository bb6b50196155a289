#include "snapshot/SnapshotTree.h"

#include "snapshot/SnapshotLoader.h"
#include "snapshot/SnapshotPlacement.h"
#include "snapshot/SortedRuns.h"
#include "state/StateRecord.h"

#include <algorithm>
#include <map>
#include <set>

namespace athanor {

namespace {

using Chain = std::vector<std::string>;

std::string joined(const Chain& chain) {
    std::string out;
    for (const auto& part : chain) {
        if (!out.empty())
            out += '/';
        out += part;
    }
    return out;
}

struct ChainTreeBuilder {
    StateSnapshot& snap;
    std::vector<SnapshotRecord>& input;
    std::map<Chain, std::vector<size_t>> recordsByChain; // indexes into input, sorted by id
    std::map<Chain, std::set<std::string>> childNames;   // chain -> next elements of longer chains

    int32_t addNode(SnapshotNodeKind kind, std::string name, std::string fqn, int32_t parent) {
        return addSnapshotNode(snap, kind, std::move(name), std::move(fqn), parent);
    }

    int32_t addRecord(size_t inputIndex) {
        SnapshotRecord& r = input[inputIndex];
        r.fqn = joined(r.chain) + "/" + r.id;
        snap.records.push_back(std::move(r));
        return static_cast<int32_t>(snap.records.size() - 1);
    }

    const std::vector<size_t>* recordsIn(const Chain& chain) const {
        auto it = recordsByChain.find(chain);
        return it == recordsByChain.end() ? nullptr : &it->second;
    }

    // One scope: its records (by id), then the scopes below it (by name); a child whose name is one of this
    // scope's record ids holds that resource's nested resources.
    void walk(const Chain& chain, int32_t scopeNode) {
        std::map<std::string, int32_t> resourceNodes;
        if (const auto* ids = recordsIn(chain)) {
            for (size_t i : *ids) {
                const std::string id = input[i].id;
                const int32_t rec = addRecord(i);
                const int32_t node =
                    addNode(SnapshotNodeKind::Resource, id, snap.records.back().fqn, scopeNode);
                snap.nodes[static_cast<size_t>(node)].record = rec;
                resourceNodes.emplace(id, node);
            }
        }
        auto children = childNames.find(chain);
        if (children == childNames.end())
            return;
        for (const auto& name : children->second) {
            Chain child = chain;
            child.push_back(name);
            if (auto owner = resourceNodes.find(name); owner != resourceNodes.end()) {
                walk(child, owner->second);
            } else {
                const int32_t node = addNode(SnapshotNodeKind::Scope, name, joined(child), scopeNode);
                walk(child, node);
            }
        }
    }
};

} // namespace

void buildSnapshotTree(StateSnapshot& snap, std::vector<SnapshotRecord> records,
                       const SnapshotOptions& options) {
    if (snap.nodes.empty())
        snap.nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, ".alchemy", "", -1, -1, {}});
    ChainTreeBuilder builder{snap, records, {}, {}};
    std::set<std::string> apps;
    for (size_t i = 0; i < records.size(); ++i) {
        const Chain& chain = records[i].chain;
        if (chain.empty()) {
            snap.problems.push_back("record \"" + records[i].id +
                                    "\" belongs to no app (its scope is []); it is not shown");
            continue;
        }
        if (!options.app.empty() && chain[0] != options.app)
            continue;
        apps.insert(chain[0]); // shown even when the stage filter leaves it empty, as the folder walk does
        // A stage's own record lives in the app's store under the stage's name.
        const std::string& stage = chain.size() >= 2 ? chain[1] : records[i].id;
        if (!options.stage.empty() && stage != options.stage)
            continue;
        builder.recordsByChain[chain].push_back(i);
        for (size_t n = 1; n < chain.size(); ++n)
            builder.childNames[Chain(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(n))].insert(
                chain[n]);
    }
    for (auto& [chain, indexes] : builder.recordsByChain)
        std::sort(indexes.begin(), indexes.end(),
                  [&](size_t a, size_t b) { return records[a].id < records[b].id; });

    for (const auto& app : apps) {
        const int32_t appNode = builder.addNode(SnapshotNodeKind::App, app, app, 0);
        const Chain appChain{app};
        std::set<std::string> stages;
        std::map<std::string, size_t> stageRecords;
        if (const auto* ids = builder.recordsIn(appChain))
            for (size_t i : *ids) {
                stages.insert(records[i].id);
                stageRecords.emplace(records[i].id, i);
            }
        if (auto below = builder.childNames.find(appChain); below != builder.childNames.end())
            stages.insert(below->second.begin(), below->second.end());
        for (const auto& stage : stages) {
            const int32_t node = builder.addNode(SnapshotNodeKind::Stage, stage, app + "/" + stage, appNode);
            if (auto own = stageRecords.find(stage); own != stageRecords.end())
                snap.nodes[static_cast<size_t>(node)].record = builder.addRecord(own->second);
            builder.walk(Chain{app, stage}, node);
        }
    }
    finishSnapshotTree(snap);
}

int32_t addSnapshotNode(StateSnapshot& snap, SnapshotNodeKind kind, std::string name, std::string fqn,
                        int32_t parent) {
    const auto index = static_cast<int32_t>(snap.nodes.size());
    SnapshotNode& node = snap.nodes.emplace_back(); // in place (a bulk load reserves the nodes beforehand)
    node.kind = kind;
    node.name = std::move(name);
    node.fqn = std::move(fqn);
    node.parent = parent;
    if (parent >= 0)
        snap.nodes[static_cast<size_t>(parent)].children.push_back(index);
    return index;
}

void finishSnapshotTree(StateSnapshot& snap) {
    // Naked scopes are records too, but show as scopes.
    for (auto& node : snap.nodes)
        if (node.kind == SnapshotNodeKind::Resource && node.record >= 0 &&
            snap.records[static_cast<size_t>(node.record)].kind == kScopeKind)
            node.kind = SnapshotNodeKind::Scope;
    // A folder walk names records after files; records whose id holds a '\\' move to their scope first.
    placeRecordsByTheirIds(snap);
    assignRecordChains(snap);
    sortRecordsByFqn(snap);
}

void assignRecordChains(StateSnapshot& snap) {
    auto& records = snap.records;
    // The chain of the store holding a record is the names of its node's ancestors: app, stage, then each
    // scope or owning resource (a folder walk knows folders, not chains: "nested/bundle" is one element).
    // Siblings are made one after another: their parent's chain is built once and copied to each.
    int32_t chainParent = -2;
    std::vector<std::string> chain;
    for (size_t n = 0; n < snap.nodes.size(); ++n) {
        const SnapshotNode& node = snap.nodes[n];
        if (node.record < 0 || !records[static_cast<size_t>(node.record)].chain.empty())
            continue;
        if (node.parent != chainParent) {
            chainParent = node.parent;
            chain.clear();
            for (int32_t p = node.parent; p > 0; p = snap.nodes[static_cast<size_t>(p)].parent)
                chain.push_back(snap.nodes[static_cast<size_t>(p)].name);
            std::reverse(chain.begin(), chain.end());
        }
        records[static_cast<size_t>(node.record)].chain = chain;
    }
}

void sortRecordsByFqn(StateSnapshot& snap) {
    auto& records = snap.records;
    // Sort records by FQN and remap the nodes' indexes (a flat stage is walked in FQN order already).
    // A walk adds each folder's records in id order: a few long sorted runs to merge (sortBySortedRuns), the
    // FQNs compared through a compact array of views rather than through the 300-byte records.
    std::vector<std::string_view> fqns(records.size());
    for (size_t i = 0; i < records.size(); ++i)
        fqns[i] = records[i].fqn;
    const auto byFqn = [&](int32_t a, int32_t b) {
        return fqns[static_cast<size_t>(a)] < fqns[static_cast<size_t>(b)];
    };
    std::vector<int32_t> order(records.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int32_t>(i);
    if (std::is_sorted(order.begin(), order.end(), byFqn))
        return;
    sortBySortedRuns(order, byFqn);
    std::vector<int32_t> newIndex(records.size());
    for (size_t i = 0; i < order.size(); ++i)
        newIndex[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
    // In place, cycle by cycle: a sorted copy would hold every record twice at the peak (34 MB of a 100,000
    // record GUI start).
    std::vector<int32_t>& target = order; // reused: where the record now at i goes
    target = newIndex;
    for (size_t i = 0; i < target.size(); ++i)
        while (static_cast<size_t>(target[i]) != i) {
            const auto j = static_cast<size_t>(target[i]);
            std::swap(records[i], records[j]);
            std::swap(target[i], target[j]);
        }
    for (auto& node : snap.nodes)
        if (node.record >= 0)
            node.record = newIndex[static_cast<size_t>(node.record)];
}

} // namespace athanor

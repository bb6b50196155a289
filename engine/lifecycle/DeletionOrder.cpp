#include "lifecycle/DeletionOrder.h"

#include <algorithm>
#include <queue>
#include <set>
#include <unordered_map>

namespace athanor {

namespace {

std::string parentOf(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos || slash == 0)
        return {};
    return path.substr(0, slash);
}

// The steps ordered so that every edge points forward, otherwise keeping the given order (Kahn's algorithm,
// always taking the earliest ready step). Shorter than `count` when the edges hold a cycle.
std::vector<size_t> stableTopologicalOrder(size_t count, const std::vector<std::vector<size_t>>& successors,
                                           std::vector<size_t> waiting) {
    std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
    for (size_t i = 0; i < count; ++i)
        if (waiting[i] == 0)
            ready.push(i);
    std::vector<size_t> order;
    order.reserve(count);
    while (!ready.empty()) {
        const size_t next = ready.top();
        ready.pop();
        order.push_back(next);
        for (size_t successor : successors[next])
            if (--waiting[successor] == 0)
                ready.push(successor);
    }
    return order;
}

} // namespace

DeletionGraph orderDeletions(const std::vector<DeletionStep>& steps,
                             const std::multimap<std::string, std::string>& references) {
    const size_t n = steps.size();
    DeletionGraph graph;
    std::set<std::pair<size_t, size_t>> edges;

    std::vector<std::pair<size_t, size_t>> structural;
    for (size_t i = 0; i < n; ++i)
        for (size_t first : steps[i].after)
            structural.emplace_back(first, i);

    // References: the dependent's deletion first, then what it uses.
    std::vector<std::pair<size_t, size_t>> referenceEdges;
    if (!references.empty()) {
        std::unordered_map<std::string, std::vector<size_t>> byFqn;
        for (size_t i = 0; i < n; ++i)
            if (!steps[i].fqn.empty())
                byFqn[steps[i].fqn].push_back(i);
        for (const auto& [dependent, dependency] : references) {
            auto from = byFqn.find(dependent);
            auto to = byFqn.find(dependency);
            if (from == byFqn.end() || to == byFqn.end())
                continue;
            for (size_t a : from->second)
                for (size_t b : to->second)
                    if (a != b)
                        referenceEdges.emplace_back(a, b);
        }
    }

    // The start order: Alchemy's, changed only where a reference demands it. A reference that closes a cycle
    // with the nesting (which can never be broken) is dropped and reported.
    const auto tryOrder = [&](const std::vector<std::pair<size_t, size_t>>& withReferences) {
        std::vector<std::vector<size_t>> successors(n);
        std::vector<size_t> waiting(n, 0);
        for (const auto& [first, then] : structural) {
            successors[first].push_back(then);
            ++waiting[then];
        }
        for (const auto& [first, then] : withReferences) {
            successors[first].push_back(then);
            ++waiting[then];
        }
        return stableTopologicalOrder(n, successors, waiting);
    };
    std::vector<size_t> order = tryOrder(referenceEdges);
    if (order.size() != n) {
        // Keep the references one by one as long as they leave no cycle.
        std::vector<std::pair<size_t, size_t>> kept;
        for (const auto& edge : referenceEdges) {
            kept.push_back(edge);
            if (tryOrder(kept).size() != n) {
                kept.pop_back();
                graph.droppedReferences.push_back(steps[edge.first].fqn + " -> " + steps[edge.second].fqn);
            }
        }
        referenceEdges = std::move(kept);
        order = tryOrder(referenceEdges);
    }
    edges.insert(structural.begin(), structural.end());
    edges.insert(referenceEdges.begin(), referenceEdges.end());

    // Footprints, in that order: each path remembers the last step that used it (since the last step of
    // unknown footprint, which all later ones wait for).
    std::optional<size_t> barrier;
    std::vector<size_t> sinceBarrier;
    std::map<std::string, size_t> lastUser;
    for (size_t step : order) {
        const auto& footprint = steps[step].footprint;
        if (footprint && footprint->empty())
            continue;
        const bool unknown = !footprint || std::any_of(footprint->begin(), footprint->end(),
                                                       [](const auto& p) { return p.empty() || p == "/"; });
        if (unknown) {
            for (size_t before : sinceBarrier)
                edges.emplace(before, step);
            if (sinceBarrier.empty() && barrier)
                edges.emplace(*barrier, step);
            barrier = step;
            sinceBarrier.clear();
            lastUser.clear();
            continue;
        }
        if (barrier)
            edges.emplace(*barrier, step);
        for (const std::string& path : *footprint) {
            for (std::string up = parentOf(path); !up.empty(); up = parentOf(up))
                if (auto it = lastUser.find(up); it != lastUser.end())
                    edges.emplace(it->second, step);
            if (auto same = lastUser.find(path); same != lastUser.end())
                edges.emplace(same->second, step);
            // Everything below the path; those entries are covered by this step from now on (a later step
            // that uses one of them finds this step as the user of an ancestor).
            const std::string prefix = path + "/";
            for (auto below = lastUser.lower_bound(prefix);
                 below != lastUser.end() && below->first.compare(0, prefix.size(), prefix) == 0;) {
                edges.emplace(below->second, step);
                below = lastUser.erase(below);
            }
        }
        for (const std::string& path : *footprint)
            lastUser[path] = step;
        sinceBarrier.push_back(step);
    }

    for (const auto& [first, then] : edges)
        if (first != then)
            graph.edges.emplace_back(first, then);
    graph.order = std::move(order);
    return graph;
}

} // namespace athanor

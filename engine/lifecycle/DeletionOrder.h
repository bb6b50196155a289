#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace athanor {

// Which deletions must wait for which. The steps come in Alchemy's sequential order (reference §7.7-§7.9:
// per scope highest seq first, nested resources and child scopes before what holds them); the result keeps
// that order and lets two deletions overlap only when nothing can tie them:
//  * `after`: explicit "must succeed first" steps (a resource's nested ones, a scope's contents);
//  * references: a step whose resource the stack file makes $ref another one goes before that one;
//  * footprints: what a deletion may touch outside the state. Deletions whose footprints are known and
//    disjoint (no path is the other's or inside it) are independent; an unknown footprint (a command, a
//    custom kind) waits for everything before it and everything after it waits for it; an empty one
//    (random::String, os::Exec) touches nothing and waits for nothing.
struct DeletionStep {
    std::optional<std::vector<std::string>> footprint; // absolute normalized paths; nullopt = unknown
    std::vector<size_t> after;                         // indices of steps that must succeed first
    std::string fqn;                                   // matched against the references
};

struct DeletionGraph {
    std::vector<size_t> order; // step indices in the order to start them
    std::vector<std::pair<size_t, size_t>>
        edges;                                  // (first, then), as step indices; `first` is earlier in order
    std::vector<std::string> droppedReferences; // "a -> b" references that contradicted nesting (cycles)
};

// `references`: dependent fqn -> the fqns it uses ($ref), from the stack file when there is one.
DeletionGraph orderDeletions(const std::vector<DeletionStep>& steps,
                             const std::multimap<std::string, std::string>& references = {});

} // namespace athanor

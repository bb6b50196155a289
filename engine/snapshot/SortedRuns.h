#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace athanor {

// A stable sort of `order` by `less` for sequences made of a few long sorted runs, such as what a folder walk
// produces (each folder's entries in id order): the runs are found in one pass and merged pairwise, about
// n·log2(runs) comparisons instead of a sort's n·log2(n). Already sorted: n − 1 comparisons.
template <class Less>
void sortBySortedRuns(std::vector<int32_t>& order, Less less) {
    std::vector<size_t> runStarts;
    for (size_t i = 0; i < order.size(); ++i)
        if (i == 0 || less(order[i], order[i - 1]))
            runStarts.push_back(i);
    runStarts.push_back(order.size());
    while (runStarts.size() > 2) {
        std::vector<size_t> merged;
        for (size_t r = 0; r + 1 < runStarts.size(); r += 2) {
            merged.push_back(runStarts[r]);
            if (r + 2 < runStarts.size())
                std::inplace_merge(order.begin() + static_cast<std::ptrdiff_t>(runStarts[r]),
                                   order.begin() + static_cast<std::ptrdiff_t>(runStarts[r + 1]),
                                   order.begin() + static_cast<std::ptrdiff_t>(runStarts[r + 2]), less);
        }
        merged.push_back(order.size());
        runStarts = std::move(merged);
    }
}

} // namespace athanor

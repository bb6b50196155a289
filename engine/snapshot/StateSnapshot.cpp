#include "snapshot/StateSnapshot.h"

#include "store/StateSource.h"

#include <algorithm>

namespace athanor {

std::vector<const SnapshotRecord*> StateSnapshot::findRecords(std::string_view fqn) const {
    std::vector<const SnapshotRecord*> out;
    auto it = std::lower_bound(records.begin(), records.end(), fqn,
                               [](const SnapshotRecord& r, std::string_view f) { return r.fqn < f; });
    for (; it != records.end() && it->fqn == fqn; ++it)
        out.push_back(&*it);
    return out;
}

const SnapshotRecord* StateSnapshot::findRecord(std::string_view fqn) const {
    auto all = findRecords(fqn);
    return all.empty() ? nullptr : all.front();
}

int32_t StateSnapshot::findNode(std::string_view fqn) const {
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].fqn == fqn)
            return static_cast<int32_t>(i);
    return -1;
}

std::string SnapshotRecord::key() const {
    std::string k; // length-prefixed parts: unambiguous whatever characters the names hold
    for (const auto& part : chain)
        k += std::to_string(part.size()) + ':' + part;
    return k + '|' + id;
}

std::filesystem::path StateSnapshot::absolutePath(const SnapshotRecord& r) const {
    if (!r.relativePath.empty() || !source || source->spec().kind == SourceSpec::Kind::Folder)
        return layout.dotAlchemy / r.relativePath;
    return source->spec().path;
}

std::string StateSnapshot::location(const SnapshotRecord& r) const {
    if (!r.relativePath.empty() || !source)
        return absolutePath(r).string();
    return source->recordLocation(r.chain, r.id);
}

size_t StateSnapshot::errorCount() const {
    return static_cast<size_t>(
               std::count_if(records.begin(), records.end(), [](const auto& r) { return !r.ok(); })) +
           problems.size();
}

} // namespace athanor

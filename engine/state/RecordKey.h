#pragma once

#include <compare>
#include <string>
#include <vector>

namespace athanor {

// Where one record is kept: the scope whose store holds it (its chain, e.g. {"shop", "dev", "site"}) and its
// id in that store. The stage's own record is {"shop"} + "dev"; a naked scope's record is in its parent's
// store. Every backend addresses records this way (reference §1.1, §2.6).
struct RecordKey {
    std::vector<std::string> chain;
    std::string id;

    // chain and id joined by '/': the location the scope tree shows ("shop/dev/site/worker"). Ids may hold
    // '/', so this text alone can name several records.
    std::string path() const;
    // The chain of the scope this record owns (a resource's nested scope, a naked scope, a stage): chain +
    // id.
    std::vector<std::string> ownScope() const;
    const std::string& app() const { return chain.front(); }
    // The stage whose lock guards this record: the chain's second element, or the id of a stage record.
    const std::string& stage() const { return chain.size() > 1 ? chain[1] : id; }

    auto operator<=>(const RecordKey&) const = default;
    bool operator==(const RecordKey&) const = default;
};

// chain joined by '/'.
std::string joinChain(const std::vector<std::string>& chain);
// True when `chain` starts with `prefix`.
bool chainStartsWith(const std::vector<std::string>& chain, const std::vector<std::string>& prefix);

} // namespace athanor

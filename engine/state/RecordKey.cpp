#include "state/RecordKey.h"

namespace athanor {

std::string joinChain(const std::vector<std::string>& chain) {
    std::string text;
    for (const auto& part : chain) {
        if (!text.empty())
            text += '/';
        text += part;
    }
    return text;
}

bool chainStartsWith(const std::vector<std::string>& chain, const std::vector<std::string>& prefix) {
    if (prefix.size() > chain.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (chain[i] != prefix[i])
            return false;
    return true;
}

std::string RecordKey::path() const {
    const std::string scope = joinChain(chain);
    return scope.empty() ? id : scope + "/" + id;
}

std::vector<std::string> RecordKey::ownScope() const {
    std::vector<std::string> out = chain;
    out.push_back(id);
    return out;
}

} // namespace athanor

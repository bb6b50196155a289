#include "store/s3/S3Keys.h"

namespace athanor::s3 {

std::string scopePrefix(const std::string& prefix, const std::vector<std::string>& chain) {
    std::string out = prefix;
    for (size_t i = 0; i < chain.size(); ++i)
        out += (i ? "/" : "") + chain[i];
    out += '/';
    return out;
}

std::string objectKey(const std::string& prefix, const std::vector<std::string>& chain,
                      const std::string& id) {
    std::string out = scopePrefix(prefix, chain);
    for (const char c : id)
        out += c == '/' ? ':' : c;
    return out;
}

std::optional<PlacedKey> placeKey(const std::string& prefix, std::string_view key) {
    if (key.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    std::string_view rest = key.substr(prefix.size());
    PlacedKey placed;
    for (;;) {
        const size_t slash = rest.find('/');
        if (slash == std::string_view::npos)
            break;
        if (slash == 0)
            return std::nullopt;
        placed.chain.emplace_back(rest.substr(0, slash));
        rest.remove_prefix(slash + 1);
    }
    if (rest.empty() || placed.chain.empty())
        return std::nullopt;
    placed.id.reserve(rest.size());
    for (const char c : rest)
        placed.id += c == ':' ? '/' : c;
    return placed;
}

} // namespace athanor::s3

#include "repair/RecordAddress.h"

#include "repair/RepairPlan.h"
#include "store/IdCodec.h"

namespace athanor {

std::vector<std::string> splitFqn(std::string_view fqn) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= fqn.size()) {
        size_t slash = fqn.find('/', start);
        if (slash == std::string_view::npos)
            slash = fqn.size();
        if (slash > start)
            parts.emplace_back(fqn.substr(start, slash - start));
        start = slash + 1;
    }
    return parts;
}

namespace {

std::string joinParts(const std::vector<std::string>& parts, size_t from) {
    std::string text;
    for (size_t i = from; i < parts.size(); ++i) {
        if (i > from)
            text += '/';
        text += parts[i];
    }
    return text;
}

bool validChain(const std::vector<std::string>& chain) {
    for (const auto& part : chain)
        if (!idProblem(part).empty())
            return false;
    return true;
}

} // namespace

std::vector<RecordKey> findRecords(RepairSource& source, std::string_view fqn) {
    const std::vector<std::string> parts = splitFqn(fqn);
    std::vector<RecordKey> out;
    for (size_t scopeLength = 1; scopeLength < parts.size(); ++scopeLength) {
        RecordKey key;
        key.chain.assign(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(scopeLength));
        key.id = joinParts(parts, scopeLength);
        if (!validChain(key.chain) || !idProblem(key.id).empty())
            continue;
        if (source.readText(key))
            out.push_back(std::move(key));
    }
    return out;
}

RecordKey resolveRecord(RepairSource& source, std::string_view fqn) {
    std::vector<RecordKey> found = findRecords(source, fqn);
    if (found.empty())
        throw RepairError("no record " + std::string(fqn) + " in " + source.describe());
    if (found.size() > 1) {
        std::string list;
        for (const auto& key : found)
            list += "\n  " + source.location(key);
        throw RepairError(std::string(fqn) + " is ambiguous; it names several records:" + list);
    }
    return found.front();
}

RecordKey keyForNewFqn(std::string_view fqn, const RecordKey& sameScopeAs) {
    const std::vector<std::string> parts = splitFqn(fqn);
    if (parts.size() < 2)
        throw RepairError("\"" + std::string(fqn) + "\" is not a record's FQN (app/stage/.../id)");
    RecordKey key;
    const auto& scope = sameScopeAs.chain;
    if (parts.size() > scope.size() && chainStartsWith(parts, scope)) {
        key.chain = scope;
        key.id = joinParts(parts, scope.size());
    } else {
        key.chain.assign(parts.begin(), parts.end() - 1);
        key.id = parts.back();
    }
    for (const auto& part : key.chain)
        if (auto problem = idProblem(part); !problem.empty())
            throw RepairError("invalid scope name \"" + part + "\" in " + std::string(fqn) + ": " + problem);
    if (auto problem = idProblem(key.id); !problem.empty())
        throw RepairError("invalid id \"" + key.id + "\" in " + std::string(fqn) + ": " + problem);
    return key;
}

std::vector<RecordKey> recordsUnder(RepairSource& source, const std::vector<std::string>& chain) {
    std::vector<RecordKey> out;
    for (const auto& id : source.list(chain))
        out.push_back({chain, id});
    for (const auto& name : source.listScopes(chain)) {
        if (!idProblem(name).empty())
            continue;
        std::vector<std::string> child = chain;
        child.push_back(name);
        for (auto& key : recordsUnder(source, child))
            out.push_back(std::move(key));
    }
    return out;
}

} // namespace athanor

#include "providers/BuiltinProviders.h"
#include "providers/Provider.h"

#include <stdexcept>

namespace athanor {

void ProviderRegistry::add(std::unique_ptr<Provider> provider) {
    if (!provider)
        throw std::invalid_argument("cannot register a null provider");
    std::string kind = provider->kind();
    if (kind.empty())
        throw std::invalid_argument("cannot register a provider with an empty kind");
    if (m_providers.count(kind))
        throw std::invalid_argument("Resource " + kind + " already exists");
    m_providers.emplace(std::move(kind), std::move(provider));
}

Provider* ProviderRegistry::find(const std::string& kind) const {
    const auto it = m_providers.find(kind);
    return it == m_providers.end() ? nullptr : it->second.get();
}

std::vector<std::string> ProviderRegistry::kinds() const {
    std::vector<std::string> names;
    names.reserve(m_providers.size());
    for (const auto& [kind, provider] : m_providers)
        names.push_back(kind);
    return names;
}

std::shared_ptr<ProviderRegistry> ProviderRegistry::withBuiltins() {
    auto registry = std::make_shared<ProviderRegistry>();
    registry->add(makeFileProvider());
    registry->add(makeFolderProvider());
    registry->add(makeCopyFileProvider());
    registry->add(makeExecProvider());
    registry->add(makeRandomStringProvider());
    registry->add(makeCommandProvider());
    return registry;
}

} // namespace athanor

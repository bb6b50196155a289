#include "lifecycle/ResourceContext.h"

namespace athanor {

ResourceContext::ResourceContext(Setup setup) : m_setup(std::move(setup)) {}

const CancellationToken& ResourceContext::cancellation() const {
    static const CancellationToken kNeverCancelled;
    return m_setup.cancel ? *m_setup.cancel : kNeverCancelled;
}

std::optional<Json> ResourceContext::dataGet(const std::string& key) {
    if (m_setup.dataScope)
        return m_setup.dataScope->dataGet(key);
    if (!m_memoryData.contains(key))
        return std::nullopt;
    return m_memoryData.at(key);
}

void ResourceContext::dataSet(const std::string& key, Json value) {
    if (m_setup.dataScope)
        m_setup.dataScope->dataSet(key, value);
    else
        m_memoryData[key] = std::move(value);
}

void ResourceContext::dataDelete(const std::string& key) {
    if (m_setup.dataScope)
        m_setup.dataScope->dataDelete(key);
    else
        m_memoryData.erase(key);
}

void ResourceContext::replace(bool force) {
    // Messages as Alchemy's (reference §7.4).
    if (m_setup.phase == HandlerPhase::Create)
        throw ProviderError("Resource " + m_setup.kind + " " + m_setup.fqn +
                            " cannot be replaced in create phase.");
    if (m_setup.phase == HandlerPhase::Delete)
        throw ProviderError("Cannot replace a resource that is being deleted");
    throw ReplaceSignal{force};
}

void ResourceContext::log(LogLevel level, const std::string& message) {
    if (m_setup.reporter)
        m_setup.reporter->log(level, message, m_setup.fqn);
}

} // namespace athanor

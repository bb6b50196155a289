#include "lifecycle/RunContext.h"

#include "serde/PlainForms.h"

namespace athanor {

RunContext::RunContext(const RunOptions& runOptions, std::shared_ptr<ProviderRegistry> registry,
                       PasswordRing ring, std::shared_ptr<const ScopeSettings> scopeSettings,
                       std::filesystem::path workDir, RunReporter& runReporter,
                       const CancellationToken& cancelToken)
    : options(runOptions), providers(std::move(registry)), passwords(std::move(ring)),
      settings(std::move(scopeSettings)), workingDirectory(std::move(workDir)), reporter(runReporter),
      cancel(cancelToken) {}

Json RunContext::open(const Json& serialized, std::string_view recordName) const {
    return openSecrets(serialized, passwords, recordName);
}

Json RunContext::open(Json&& serialized, std::string_view recordName) const {
    return openSecrets(std::move(serialized), passwords, recordName);
}

Json RunContext::seal(const Json& plain, const Scope& scope, const std::string& fqn) const {
    if (!containsPlainSecrets(plain))
        return plain;
    const SecureString* password = scope.password();
    if (!password)
        throw RunFailure("cannot store the secrets of " + fqn +
                         ": no password (set ALCHEMY_PASSWORD or the stack file's \"password\")");
    return sealSecrets(plain, *password);
}

Provider& RunContext::providerFor(const std::string& kind, const std::string& fqn, const char* doing) const {
    Provider* provider = providers ? providers->find(kind) : nullptr;
    if (!provider)
        throw RunFailure(std::string("cannot ") + doing + " " + fqn + ": no provider for kind \"" + kind +
                         "\"");
    return *provider;
}

bool quietProp(const Json& props) {
    if (!props.is_object())
        return false;
    auto it = props.find("quiet");
    return it != props.end() && it->is_boolean() && it->get<bool>();
}

} // namespace athanor

#pragma once

#include "lifecycle/RunApi.h"
#include "lifecycle/RunReporter.h"
#include "lifecycle/Scope.h"

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace athanor {

// A resource-level failure raised by the engine itself (not by a provider); its message is reported next
// to the resource's FQN.
class RunFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What every part of one run shares: options, providers, passwords, the scope tree and the reporter.
struct RunContext {
    RunContext(const RunOptions& runOptions, std::shared_ptr<ProviderRegistry> registry, PasswordRing ring,
               std::shared_ptr<const ScopeSettings> scopeSettings, std::filesystem::path workDir,
               RunReporter& runReporter, const CancellationToken& cancelToken);

    const RunOptions& options;
    std::shared_ptr<ProviderRegistry> providers;
    PasswordRing passwords;
    std::shared_ptr<const ScopeSettings> settings;
    std::filesystem::path workingDirectory;
    RunReporter& reporter;
    const CancellationToken& cancel;
    std::unique_ptr<Scope> root;

    Scope& stage() { return root->stageScope(); }
    int parallel() const { return options.parallel < 1 ? 1 : options.parallel; }

    // Serialized -> plain with the run's passwords (no crypto for values without secrets).
    Json open(const Json& serialized, std::string_view recordName) const;
    Json open(Json&& serialized, std::string_view recordName) const; // moved when it holds no secrets
    // Plain -> serialized with the scope's password; a clear error when a secret meets no password.
    Json seal(const Json& plain, const Scope& scope, const std::string& fqn) const;
    // The provider for `kind`, or RunFailure naming the kind and the resource.
    Provider& providerFor(const std::string& kind, const std::string& fqn, const char* doing) const;
};

// A prop `quiet: true` silences a resource's lines, as in Alchemy (reference §7.2).
bool quietProp(const Json& props);

} // namespace athanor

// os::Exec (reference §12.4): a shell command run on every up (provider option alwaysUpdate).
#include "providers/BuiltinProviders.h"
#include "providers/ChildProcess.h"
#include "providers/PatternHash.h"
#include "providers/PlainJson.h"

#include "json/Utf8.h"
#include <csignal>
#include <cstring>

namespace athanor {
namespace {

constexpr std::string_view kKind = "os::Exec";

std::vector<std::pair<std::string, std::string>> environmentFromProps(const Json& props) {
    std::vector<std::pair<std::string, std::string>> environment;
    const Json* env = findMember(props, "env");
    if (!env)
        return environment;
    if (!env->is_object())
        throw ProviderError("os::Exec: prop \"env\" must be an object of strings");
    for (const auto& [name, value] : env->items()) {
        const Json plain = unwrapSecrets(value);
        if (!plain.is_string())
            throw ProviderError("os::Exec: env." + name + " must be a string or a secret string");
        environment.emplace_back(name, plain.get<std::string>());
    }
    return environment;
}

std::optional<std::vector<std::string>> memoizePatterns(const Json& memoize) {
    if (!memoize.is_object())
        return std::nullopt;
    const Json* patterns = findMember(memoize, "patterns");
    if (!patterns || !patterns->is_array())
        throw ProviderError("os::Exec: prop \"memoize\" must be true, false or {\"patterns\": [...]}");
    std::vector<std::string> list;
    for (const auto& pattern : *patterns) {
        if (!pattern.is_string())
            throw ProviderError("os::Exec: memoize.patterns must hold strings");
        list.push_back(pattern.get<std::string>());
    }
    return list;
}

class ExecProvider final : public Provider {
public:
    std::string kind() const override { return std::string(kKind); }
    bool alwaysUpdate() const override { return true; }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        const std::string command = requiredStringProp(props, "command", kKind);
        const std::optional<std::string> cwd = optionalStringProp(props, "cwd", kKind);
        const bool inheritStdio = boolProp(props, "inheritStdio", true, kKind);
        const Json* memoize = findMember(props, "memoize");
        if (memoize && !memoize->is_boolean() && !memoize->is_object())
            throw ProviderError("os::Exec: prop \"memoize\" must be true, false or {\"patterns\": [...]}");
        const std::filesystem::path workingDirectory =
            cwd ? resolveAgainst(ctx.workingDirectory(), *cwd) : ctx.workingDirectory();

        std::optional<std::string> hash;
        if (memoize) {
            if (auto patterns = memoizePatterns(*memoize))
                hash = hashPatternInputs(workingDirectory, *patterns);
        }
        const bool memoized = memoize && (memoize->is_object() || memoize->get<bool>());
        if (ctx.phase() == HandlerPhase::Update && memoized) {
            const Json& previous = ctx.previousOutput();
            const Json* previousCommand = findMember(previous, "command");
            const Json* previousHash = findMember(previous, "hash");
            const bool sameCommand = previousCommand && *previousCommand == command;
            const bool sameInputs = memoize->is_boolean() || (hash && previousHash && *previousHash == *hash);
            if (sameCommand && sameInputs)
                return withoutEnvelope(previous);
        }

        ShellCommand shell;
        shell.command = command;
        shell.workingDirectory = workingDirectory;
        shell.environment = environmentFromProps(props);
        // Alchemy inherits the terminal; Athanor streams the lines into the run's events instead, so the
        // CLI prints them in place and the GUI shows them in its log pane.
        if (inheritStdio)
            shell.onLine = [&ctx](std::string_view line, bool) {
                ctx.log(LogLevel::Info, toWellFormedUtf8(line));
            };
        const ShellResult result = runShellCommand(shell, ctx.cancellation());
        if (result.cancelled)
            throw ProviderError("Command stopped by an abort (its process group was killed): " + command);
        // Alchemy treats a signal-killed command as exit code 0 (§14.13); a killed build is not a success.
        if (result.signal != 0) {
            throw ProviderError("Command killed by signal " + std::to_string(result.signal) + " (" +
                                strsignal(result.signal) + "): " + command + "\n" +
                                toWellFormedUtf8(result.stderrText));
        }
        if (result.exitCode != 0) {
            throw ProviderError("Command failed with exit code " + std::to_string(result.exitCode) + ": " +
                                command + "\n" + toWellFormedUtf8(result.stderrText));
        }

        Json output = Json::object();
        output["id"] = ctx.id();
        output["command"] = command;
        if (cwd)
            output["cwd"] = *cwd;
        if (const Json* env = findMember(props, "env"))
            output["env"] = *env;
        if (memoize)
            output["memoize"] = *memoize;
        output["inheritStdio"] = inheritStdio;
        output["exitCode"] = result.exitCode;
        output["stdout"] = inheritStdio ? std::string() : toWellFormedUtf8(result.stdoutText);
        output["stderr"] = inheritStdio ? std::string() : toWellFormedUtf8(result.stderrText);
        output["executedAt"] = epochMilliseconds();
        output["completed"] = true;
        if (hash)
            output["hash"] = *hash;
        return output;
    }

    void remove(ProviderContext&) override {
        // Nothing to undo: a command that ran stays run (Alchemy's delete is a no-op too).
    }

    std::optional<std::vector<std::string>> deleteFootprint(const std::string&, const Json&) const override {
        return std::vector<std::string>{};
    }
    Replacement replacementFor(const Json&, const Json&, std::string&) const override {
        return Replacement::No;
    }
};

} // namespace

std::unique_ptr<Provider> makeExecProvider() {
    return std::make_unique<ExecProvider>();
}

} // namespace athanor

// athanor::Command: manage anything that has a command line.
//
// Props: {"create": "<sh command>", "update"?: "...", "delete"?: "...", "env"?: {NAME: string | secret},
//         "cwd"?: "<folder>", "triggers"?: <any JSON>}
//  * create runs on create; update runs on update (the create command again when there is no update
//    command); delete runs on delete (nothing when there is none). Each runs as `/bin/sh -c` in `cwd`
//    (relative to the stack file's folder) with the process environment plus `env`; secret values are
//    passed to the command and never logged.
//  * Any change in `triggers` replaces the resource (the new copy is created, the old one deleted later).
//  * Output: {command, exitCode, stdout, stderr, result?, executedAt}; `result` is the JSON object printed
//    on stdout (the whole of stdout, or else its last non-empty line), so later resources can $ref it.
//  * update and delete commands see the previous output: ATHANOR_OUTPUT (JSON), ATHANOR_OUTPUT_<KEY> for
//    its top-level scalars and ATHANOR_RESULT_<KEY> for the top-level scalars of its `result`; plus
//    ATHANOR_PHASE (create/update/delete) and ATHANOR_FQN.
//  * A non-zero exit or a signal is a failure naming the exit code with the tail of stderr. Cancelling the
//    run lets a running command finish; aborting it (a second cancel) kills the command's process group.
#include "providers/BuiltinProviders.h"
#include "providers/ChildProcess.h"
#include "providers/PlainJson.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include "json/Utf8.h"
#include <algorithm>
#include <cctype>
#include <cstring>

namespace athanor {
namespace {

constexpr std::string_view kKind = "athanor::Command";

std::string environmentName(std::string_view prefix, std::string_view key) {
    std::string name(prefix);
    for (char c : key) {
        const auto u = static_cast<unsigned char>(c);
        name += std::isalnum(u) ? static_cast<char>(std::toupper(u)) : '_';
    }
    return name;
}

// A top-level scalar as the text a shell script expects ("42", "true", the string itself); nullopt otherwise.
std::optional<std::string> scalarText(const Json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number() || value.is_boolean())
        return stringifyJs(value, 0);
    return std::nullopt;
}

void addScalars(std::vector<std::pair<std::string, std::string>>& environment, std::string_view prefix,
                const Json& object) {
    if (!object.is_object())
        return;
    for (const auto& [key, value] : object.items()) {
        if (auto text = scalarText(value))
            environment.emplace_back(environmentName(prefix, key), *text);
    }
}

std::optional<Json> structuredResult(std::string_view stdoutText) {
    auto parseObject = [](std::string_view text) -> std::optional<Json> {
        try {
            Json parsed = parseJsonText(text); // bounded depth: this output goes into a record
            if (parsed.is_object())
                return parsed;
        } catch (const JsonParseError&) {
        }
        return std::nullopt;
    };
    if (auto whole = parseObject(stdoutText))
        return whole;
    std::string_view rest = stdoutText;
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
        rest.remove_suffix(1);
    const size_t newline = rest.rfind('\n');
    if (newline == std::string_view::npos)
        return std::nullopt;
    return parseObject(rest.substr(newline + 1));
}

class CommandProvider final : public Provider {
public:
    std::string kind() const override { return std::string(kKind); }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        validate(props);
        const bool updating = ctx.phase() == HandlerPhase::Update;
        if (std::string reason;
            updating && replacementFor(ctx.previousProps(), props, reason) == Replacement::Yes) {
            ctx.log(LogLevel::Debug, reason + ", replacing " + ctx.fqn());
            ctx.replace(false);
        }
        std::string command = requiredStringProp(props, "create", kKind);
        if (updating)
            command = optionalStringProp(props, "update", kKind).value_or(command);
        const ShellResult result = run(ctx, updating ? "update" : "create", command, updating);
        Json output = Json::object();
        output["command"] = command;
        output["exitCode"] = result.exitCode;
        output["stdout"] = toWellFormedUtf8(result.stdoutText);
        output["stderr"] = toWellFormedUtf8(result.stderrText);
        if (auto parsed = structuredResult(output["stdout"].get<std::string>()))
            output["result"] = std::move(*parsed);
        output["executedAt"] = epochMilliseconds();
        return output;
    }

    void remove(ProviderContext& ctx) override {
        const std::optional<std::string> command = optionalStringProp(ctx.props(), "delete", kKind);
        if (!command)
            return;
        run(ctx, "delete", *command, true);
    }

    // A delete command may touch anything; without one, deleting touches nothing.
    std::optional<std::vector<std::string>> deleteFootprint(const std::string&,
                                                            const Json& props) const override {
        if (findMember(props, "delete"))
            return std::nullopt;
        return std::vector<std::string>{};
    }

    Replacement replacementFor(const Json& previousProps, const Json& props,
                               std::string& reason) const override {
        const Json* before = findMember(previousProps, "triggers");
        const Json* after = findMember(props, "triggers");
        if (canonicalText(before ? *before : Json()) == canonicalText(after ? *after : Json()))
            return Replacement::No;
        reason = "triggers changed";
        return Replacement::Yes;
    }

private:
    static void validate(const Json& props) {
        static const std::vector<std::string> known{"create", "update",   "delete", "env",
                                                    "cwd",    "triggers", "quiet"};
        if (!props.is_object())
            throw ProviderError("athanor::Command: props must be an object");
        for (const auto& [key, value] : props.items()) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                throw ProviderError("athanor::Command: unknown prop \"" + key +
                                    "\" (expected create, update, delete, env, cwd, triggers)");
            }
        }
        requiredStringProp(props, "create", kKind);
        optionalStringProp(props, "update", kKind);
        optionalStringProp(props, "delete", kKind);
        optionalStringProp(props, "cwd", kKind);
        if (const Json* env = findMember(props, "env"); env && !env->is_object())
            throw ProviderError("athanor::Command: prop \"env\" must be an object of strings");
    }

    static ShellResult run(ProviderContext& ctx, std::string_view phase, const std::string& command,
                           bool withPreviousOutput) {
        ShellCommand shell;
        shell.command = command;
        const std::optional<std::string> cwd = optionalStringProp(ctx.props(), "cwd", kKind);
        shell.workingDirectory = cwd ? resolveAgainst(ctx.workingDirectory(), *cwd) : ctx.workingDirectory();
        shell.environment.emplace_back("ATHANOR_PHASE", std::string(phase));
        shell.environment.emplace_back("ATHANOR_FQN", ctx.fqn());
        if (withPreviousOutput) {
            const Json previous = unwrapSecrets(withoutEnvelope(ctx.previousOutput()));
            if (previous.is_object()) {
                shell.environment.emplace_back("ATHANOR_OUTPUT", stringifyJs(previous, 0));
                addScalars(shell.environment, "ATHANOR_OUTPUT_", previous);
                if (const Json* result = findMember(previous, "result"))
                    addScalars(shell.environment, "ATHANOR_RESULT_", *result);
            }
        }
        if (const Json* env = findMember(ctx.props(), "env")) {
            for (const auto& [name, value] : env->items()) {
                const Json plain = unwrapSecrets(value);
                if (!plain.is_string())
                    throw ProviderError("athanor::Command: env." + name +
                                        " must be a string or a secret string");
                shell.environment.emplace_back(name, plain.get<std::string>());
            }
        }
        ShellResult result = runShellCommand(shell, ctx.cancellation());
        const std::string what = "athanor::Command: " + std::string(phase) + " command";
        if (result.cancelled)
            throw ProviderError(what + " stopped by an abort (its process group was killed): " + command);
        if (result.signal != 0) {
            throw ProviderError(what + " killed by signal " + std::to_string(result.signal) + " (" +
                                strsignal(result.signal) + "): " + command + tailSuffix(result));
        }
        if (result.exitCode != 0) {
            throw ProviderError(what + " failed with exit code " + std::to_string(result.exitCode) + ": " +
                                command + tailSuffix(result));
        }
        return result;
    }

    static std::string tailSuffix(const ShellResult& result) {
        const std::string tail = toWellFormedUtf8(tailOf(result.stderrText));
        return tail.empty() ? std::string() : "\n" + tail;
    }
};

} // namespace

std::unique_ptr<Provider> makeCommandProvider() {
    return std::make_unique<CommandProvider>();
}

} // namespace athanor

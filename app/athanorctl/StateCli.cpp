#include "StateCli.h"

#include "CommandLine.h"
#include "RepairCli.h"
#include "commands/StateCommands.h"

#include <filesystem>
#include <iostream>

namespace athanor::cli {

const char* const kStateUsage =
    "  athanorctl state tree    [--state SOURCE] [--app A] [--stage S]\n"
    "  athanorctl state list    [--state SOURCE] [--app A] [--stage S]\n"
    "  athanorctl state get FQN [--state SOURCE] [--decrypt] [--password-file F]\n"
    "  athanorctl state check   [--state SOURCE]\n"
    "  athanorctl state migrate --from SOURCE --to SOURCE [--overwrite] [--app A]\n"
    "    SOURCE: a folder holding .alchemy (default: the current folder; --root DIR says the same),\n"
    "    sqlite:PATH for Alchemy's SQLiteStateStore (sqlite: alone: $ALCHEMY_STATE_FILE or "
    ".alchemy/state.sqlite),\n"
    "    cloudflare:URL for its state worker (token: ALCHEMY_STATE_TOKEN; it cannot list its apps: --app "
    "A),\n"
    "    or s3://BUCKET[/PREFIX][?region=R] for its S3StateStore (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY "
    "/\n"
    "    AWS_SESSION_TOKEN or AWS_PROFILE; AWS_REGION; AWS_ENDPOINT_URL_S3 for MinIO, R2, Ceph).\n";

int runStateCommand(const std::vector<std::string>& args) {
    if (args.empty())
        throw UsageError("missing state subcommand");
    const std::string sub = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (isRepairCommand(sub))
        return runRepairCommand(sub, rest);
    const CommandLine cl(rest, {"root", "state", "app", "stage", "password-file", "from", "to"},
                         {"decrypt", "overwrite"});
    const SourceSpec root = stateSourceOption(cl).value_or(SourceSpec::folder("."));
    const StateFilter filter{cl.valueOr("app", ""), cl.valueOr("stage", "")};
    auto noPositionals = [&] {
        if (!cl.positionals().empty())
            throw UsageError("unexpected argument " + cl.positionals().front());
    };
    if (sub == "tree") {
        noPositionals();
        return stateTree(root, filter, std::cout, std::cerr);
    }
    if (sub == "list") {
        noPositionals();
        return stateList(root, filter, std::cout, std::cerr);
    }
    if (sub == "get") {
        if (cl.positionals().size() != 1)
            throw UsageError("state get needs exactly one FQN");
        std::optional<std::filesystem::path> passwordFile;
        if (auto f = cl.value("password-file"))
            passwordFile = *f;
        const PasswordRing passwords = passwordsFromEnvironment(passwordFile);
        return stateGet(root, cl.positionals().front(), cl.flag("decrypt"), passwords, std::cout, std::cerr);
    }
    if (sub == "check") {
        noPositionals();
        return stateCheck(root, std::cout, std::cerr);
    }
    if (sub == "migrate") {
        noPositionals();
        const auto from = cl.value("from"), to = cl.value("to");
        if (!from || !to)
            throw UsageError("state migrate needs --from SOURCE and --to SOURCE");
        if (cl.value("state") || cl.value("root"))
            throw UsageError("state migrate names its sources with --from and --to");
        const auto parse = [](const std::string& text) {
            try {
                return SourceSpec::parse(text);
            } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
            }
        };
        std::vector<std::string> apps;
        if (auto app = cl.value("app"))
            apps.push_back(*app);
        return stateMigrate(parse(*from), parse(*to), cl.flag("overwrite"), std::cout, std::cerr, apps);
    }
    throw UsageError("unknown state subcommand " + sub);
}

} // namespace athanor::cli

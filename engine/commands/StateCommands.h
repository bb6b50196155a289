#pragma once

#include "secrets/PasswordRing.h"
#include "store/SourceSpec.h"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// The `athanorctl state ...` contract. Each returns the process exit code: 0 success, 1 failure (not found,
// unreadable, locked secret, validation errors), and writes results to `out`, messages to `err`. `source`
// is resolved first (a folder holding only .alchemy/state.sqlite means that database; a note says so).
struct StateFilter {
    std::string app;
    std::string stage;
};

int stateTree(const SourceSpec& source, const StateFilter& filter, std::ostream& out, std::ostream& err);
int stateList(const SourceSpec& source, const StateFilter& filter, std::ostream& out, std::ostream& err);
int stateGet(const SourceSpec& source, const std::string& fqn, bool decrypt, const PasswordRing& passwords,
             std::ostream& out, std::ostream& err);
int stateCheck(const SourceSpec& source, std::ostream& out, std::ostream& err);
// Copies every record of `from` into `to` (commands/MigrateCommand.cpp).
// `apps`: what to copy from a source that cannot list its apps (a Cloudflare worker: --app).
int stateMigrate(const SourceSpec& from, const SourceSpec& to, bool overwrite, std::ostream& out,
                 std::ostream& err, const std::vector<std::string>& apps = {});

// ALCHEMY_PASSWORD first, then each line of `passwordFile` (if given), in order. Throws std::runtime_error
// naming the file when it cannot be read.
PasswordRing passwordsFromEnvironment(const std::optional<std::filesystem::path>& passwordFile);

} // namespace athanor

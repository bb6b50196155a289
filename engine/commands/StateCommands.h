#pragma once

#include "secrets/PasswordRing.h"

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace athanor {

// The `athanorctl state ...` contract. Each returns the process exit code: 0 success, 1 failure (not found,
// unreadable, locked secret, validation errors), and writes results to `out`, messages to `err`.
struct StateFilter {
    std::string app;
    std::string stage;
};

int stateTree(const std::filesystem::path& root, const StateFilter& filter, std::ostream& out,
              std::ostream& err);
int stateList(const std::filesystem::path& root, const StateFilter& filter, std::ostream& out,
              std::ostream& err);
int stateGet(const std::filesystem::path& root, const std::string& fqn, bool decrypt,
             const PasswordRing& passwords, std::ostream& out, std::ostream& err);
int stateCheck(const std::filesystem::path& root, std::ostream& out, std::ostream& err);
int stateMigrate(const std::filesystem::path& from, const std::filesystem::path& to, bool overwrite,
                 std::ostream& out, std::ostream& err);

// ALCHEMY_PASSWORD first, then each line of `passwordFile` (if given), in order. Throws std::runtime_error
// naming the file when it cannot be read.
PasswordRing passwordsFromEnvironment(const std::optional<std::filesystem::path>& passwordFile);

} // namespace athanor

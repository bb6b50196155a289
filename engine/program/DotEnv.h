#pragma once

#include "secrets/SecureString.h"

#include <filesystem>
#include <optional>
#include <string_view>

namespace athanor {

// The value a .env file gives `key`, read the way Node's --env-file reads it (KEY=VALUE lines, optional
// `export `, '#' comments, values in '', "" or `` quotes, \n in double quotes); the last assignment wins.
// nullopt when the file or the key is missing. Kept in a SecureString: it is typically ALCHEMY_PASSWORD.
std::optional<SecureString> dotEnvValue(const std::filesystem::path& file, std::string_view key);

} // namespace athanor

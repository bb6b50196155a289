#include "program/ProgramEntry.h"

#include <set>

namespace fs = std::filesystem;

namespace athanor {

std::optional<fs::path> findProgramEntry(const fs::path& folder) {
    for (std::string_view name : kProgramEntryNames) {
        std::error_code ec;
        const fs::path candidate = folder / name;
        if (fs::is_regular_file(candidate, ec))
            return candidate;
    }
    return std::nullopt;
}

bool isTypeScriptFile(const fs::path& file) {
    const std::string ext = file.extension().string();
    return ext == ".ts" || ext == ".mts" || ext == ".cts";
}

bool isProgramFile(const fs::path& file) {
    const std::string ext = file.extension().string();
    return isTypeScriptFile(file) || ext == ".js" || ext == ".mjs" || ext == ".cjs";
}

std::optional<std::string> appNameInSource(std::string_view source) {
    std::set<std::string> names;
    auto identifierChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '$' || c == '.';
    };
    constexpr std::string_view kCall = "alchemy";
    for (size_t at = source.find(kCall); at != std::string_view::npos; at = source.find(kCall, at + 1)) {
        // A call of the default import itself: not `x.alchemy(`, `myalchemy(` or `alchemy.run(`.
        if (at > 0 && identifierChar(source[at - 1]))
            continue;
        size_t i = at + kCall.size();
        while (i < source.size() &&
               (source[i] == ' ' || source[i] == '\t' || source[i] == '\n' || source[i] == '\r'))
            ++i;
        if (i >= source.size() || source[i] != '(')
            continue;
        ++i;
        while (i < source.size() &&
               (source[i] == ' ' || source[i] == '\t' || source[i] == '\n' || source[i] == '\r'))
            ++i;
        if (i >= source.size() || (source[i] != '"' && source[i] != '\'' && source[i] != '`'))
            continue;
        const char quote = source[i];
        const size_t end = source.find(quote, i + 1);
        if (end == std::string_view::npos)
            continue;
        const std::string_view name = source.substr(i + 1, end - i - 1);
        // Escapes and template substitutions make the name something only the runtime knows.
        if (name.empty() || name.find('\\') != std::string_view::npos ||
            name.find("${") != std::string_view::npos || name.find('\n') != std::string_view::npos)
            return std::nullopt;
        names.emplace(name);
    }
    if (names.size() != 1)
        return std::nullopt;
    return *names.begin();
}

} // namespace athanor

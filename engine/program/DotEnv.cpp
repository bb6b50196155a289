#include "program/DotEnv.h"

#include "store/AtomicFile.h"

#include <sodium.h>
#include <string>

namespace athanor {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

} // namespace

std::optional<SecureString> dotEnvValue(const std::filesystem::path& file, std::string_view key) {
    std::optional<std::string> text = readWholeFile(file);
    if (!text)
        return std::nullopt;
    std::optional<SecureString> value;
    std::string_view rest(*text);
    while (!rest.empty()) {
        size_t end = rest.find('\n');
        std::string_view line = trim(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (line.substr(0, 7) == "export ")
            line = trim(line.substr(7));
        const size_t equals = line.find('=');
        if (line.empty() || line.front() == '#' || equals == std::string_view::npos)
            continue;
        if (trim(line.substr(0, equals)) != key)
            continue;
        std::string_view raw = trim(line.substr(equals + 1));
        std::string parsed;
        const char quote = raw.empty() ? '\0' : raw.front();
        if (quote == '"' || quote == '\'' || quote == '`') {
            // A quoted value may span lines (up to the closing quote).
            std::string_view whole = raw.substr(1);
            size_t close = whole.find(quote);
            while (close == std::string_view::npos && !rest.empty()) {
                end = rest.find('\n');
                const std::string_view next = rest.substr(0, end);
                rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
                parsed.assign(whole);
                parsed += '\n';
                parsed += next;
                whole = parsed;
                close = whole.find(quote);
            }
            std::string inner(whole.substr(0, close));
            if (quote == '"') {
                std::string expanded;
                for (size_t i = 0; i < inner.size(); ++i) {
                    if (inner[i] == '\\' && i + 1 < inner.size() && inner[i + 1] == 'n') {
                        expanded += '\n';
                        ++i;
                    } else {
                        expanded += inner[i];
                    }
                }
                sodium_memzero(inner.data(), inner.size());
                inner.swap(expanded);
                sodium_memzero(expanded.data(), expanded.size());
            }
            value.emplace(inner);
            sodium_memzero(inner.data(), inner.size());
        } else {
            // Unquoted: up to a " #" comment.
            const size_t comment = raw.find(" #");
            value.emplace(trim(raw.substr(0, comment)));
        }
        sodium_memzero(parsed.data(), parsed.size());
    }
    sodium_memzero(text->data(), text->size());
    return value;
}

} // namespace athanor

#include "program/AlchemyConsole.h"

#include <array>

namespace athanor {

namespace {

struct ResourceWording {
    std::string_view prefix;
    std::string_view message;
    EventType type;
};

// Reference §10.2: each prefix with the one message Alchemy prints after it.
constexpr std::array<ResourceWording, 10> kResourceWordings{{
    {"skipped", "Skipped Resource (no changes)", EventType::Skipped},
    {"creating", "Creating Resource...", EventType::Creating},
    {"updating", "Updating Resource...", EventType::Updating},
    {"created", "Created Resource", EventType::Created},
    {"updated", "Updated Resource", EventType::Updated},
    {"replaced", "Replaced Resource", EventType::Replaced},
    {"deleting", "Deleting Resource...", EventType::Deleting},
    {"deleted", "Deleted Resource", EventType::Deleted},
    {"cleanup", "Cleaning Up Old Resource...", EventType::Cleanup},
    {"cleaned", "Old Resource Cleanup Complete", EventType::Cleaned},
}};

constexpr size_t kPrefixColumn = 12; // pad12("[" + prefix + "]")

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool isIdentifierChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

std::optional<ConsoleLine> parseResourceLine(std::string_view line) {
    for (const auto& wording : kResourceWordings) {
        if (!endsWith(line, wording.message))
            continue;
        const std::string bracketed = "[" + std::string(wording.prefix) + "]";
        ConsoleLine parsed;
        parsed.kind = ConsoleLine::Kind::Resource;
        parsed.type = wording.type;
        if (startsWith(line, bracketed)) {
            // "[prefix]" padded with spaces to 12 columns, the path, one space, the message.
            if (line.size() < kPrefixColumn + 1 + wording.message.size())
                return std::nullopt;
            for (size_t i = bracketed.size(); i < kPrefixColumn; ++i)
                if (line[i] != ' ')
                    return std::nullopt;
            const size_t pathEnd = line.size() - wording.message.size() - 1;
            if (line[pathEnd] != ' ')
                return std::nullopt;
            parsed.path = std::string(line.substr(kPrefixColumn, pathEnd - kPrefixColumn));
            return parsed;
        }
        // A resource path that is empty (the stage itself): pad12(prefix) + message, no brackets.
        if (startsWith(line, wording.prefix) && line.size() == kPrefixColumn + wording.message.size()) {
            for (size_t i = wording.prefix.size(); i < kPrefixColumn; ++i)
                if (line[i] != ' ')
                    return std::nullopt;
            return parsed;
        }
    }
    return std::nullopt;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// "<Name>[ [CODE]]: <message>" at the start of `s` where Name ends in Error / Exception or is "error".
std::optional<std::string> errorHead(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && isIdentifierChar(s[i]))
        ++i;
    const std::string_view name = s.substr(0, i);
    if (name.empty() || !(name == "error" || endsWith(name, "Error") || endsWith(name, "Exception")))
        return std::nullopt;
    if (i < s.size() && s[i] == ' ' && i + 1 < s.size() && s[i + 1] == '[') {
        const size_t close = s.find(']', i + 2);
        if (close == std::string_view::npos)
            return std::nullopt;
        i = close + 1;
    }
    if (s.substr(i, 2) != ": ")
        return std::nullopt;
    std::string_view message = s.substr(i + 2);
    if (message.empty())
        return std::nullopt;
    if (name == "Error" || name == "error")
        return std::string(message);
    return std::string(name) + ": " + std::string(message);
}

} // namespace

std::string stripAnsi(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
            // CSI: parameters and intermediates up to a final byte in @..~
            size_t j = i + 2;
            while (j < line.size() && !(line[j] >= '@' && line[j] <= '~'))
                ++j;
            i = j;
            continue;
        }
        out += line[i];
    }
    if (!out.empty() && out.back() == '\r')
        out.pop_back();
    return out;
}

ConsoleLine parseConsoleLine(std::string_view raw, bool inBanner) {
    const std::string line = stripAnsi(raw);
    ConsoleLine parsed;
    parsed.text = line;
    if (startsWith(line, "Alchemy (v") && endsWith(line, ")")) {
        parsed.kind = ConsoleLine::Kind::BannerTitle;
        parsed.text = line.substr(10, line.size() - 11);
        return parsed;
    }
    if (inBanner) {
        for (const auto& [label, kind] :
             {std::pair{std::string_view("App: "), ConsoleLine::Kind::BannerApp},
              std::pair{std::string_view("Phase: "), ConsoleLine::Kind::BannerPhase},
              std::pair{std::string_view("Stage: "), ConsoleLine::Kind::BannerStage}})
            if (startsWith(line, label) && line.size() > label.size()) {
                parsed.kind = kind;
                parsed.text = line.substr(label.size());
                return parsed;
            }
    }
    if (auto resource = parseResourceLine(line))
        return *resource;
    if (startsWith(line, "ERROR ")) {
        const std::string text = line.substr(6);
        if (startsWith(text, "Scope failed ")) {
            parsed.kind = ConsoleLine::Kind::ScopeFailed;
            parsed.text = text.substr(13);
            return parsed;
        }
        parsed.kind = ConsoleLine::Kind::Error;
        parsed.text = text;
        return parsed;
    }
    if (startsWith(line, "WARN ")) {
        parsed.kind = ConsoleLine::Kind::Warn;
        parsed.text = line.substr(5);
        return parsed;
    }
    return parsed;
}

std::optional<std::string> errorMessageIn(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = trimmed(text.substr(start, end - start));
        start = end + 1;
        bool bracketed = false;
        if (startsWith(line, "Uncaught "))
            line.remove_prefix(9);
        if (startsWith(line, "[")) {
            // Node prints an error with extra properties as "[Name: message] { ... }".
            bracketed = true;
            line.remove_prefix(1);
        }
        auto message = errorHead(line);
        if (!message)
            continue;
        if (bracketed) {
            if (endsWith(*message, "] {"))
                message->resize(message->size() - 3);
            else if (endsWith(*message, "]"))
                message->pop_back();
        }
        return message;
    }
    return std::nullopt;
}

bool looksLikeRuntimeWarning(std::string_view line) {
    const std::string text = stripAnsi(line);
    if (startsWith(text, "warning: "))
        return true;
    if (startsWith(text, "(node:")) {
        const size_t close = text.find(") ");
        if (close != std::string::npos) {
            const std::string_view rest = std::string_view(text).substr(close + 2);
            const size_t colon = rest.find(": ");
            return colon != std::string_view::npos && endsWith(rest.substr(0, colon), "Warning");
        }
    }
    return false;
}

} // namespace athanor

#include "repair/RepairPreview.h"

#include "store/RecordParse.h"

#include "json/JsJsonText.h"
#include <algorithm>

namespace athanor {

namespace {

std::string shortValue(const Json& value) {
    std::string text = stringifyJs(value, 0);
    if (text.size() > 60)
        text = text.substr(0, 57) + "...";
    return text;
}

// The pointer of the secret object a path runs through ("/props/key/@secret/iv" -> "/props/key"), or empty.
std::string secretOwner(const std::string& path) {
    const size_t at = path.find("/@secret");
    if (at == std::string::npos)
        return {};
    return path.substr(0, at);
}

std::optional<Json> parsed(const std::string& text) {
    try {
        return parseRecordText(text);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

std::vector<std::string> recordDiffLines(const std::string& before, const std::string& after, size_t limit) {
    const std::optional<Json> a = parsed(before);
    const std::optional<Json> b = parsed(after);
    if (!a || !b)
        return {};
    std::vector<std::string> lines;
    std::vector<std::string> secretsShown;
    const Json patch = Json::diff(*a, *b);
    for (const auto& op : patch) {
        const std::string kind = op.value("op", std::string());
        const std::string path = op.value("path", std::string());
        if (const std::string owner = secretOwner(path); !owner.empty()) {
            if (std::find(secretsShown.begin(), secretsShown.end(), owner) == secretsShown.end()) {
                secretsShown.push_back(owner);
                lines.push_back("~ " + owner + ": secret re-encrypted");
            }
            continue;
        }
        const bool secretValue =
            op.contains("value") && op["value"].is_object() && op["value"].contains("@secret");
        if (kind == "remove")
            lines.push_back("- " + path);
        else if (kind == "add")
            lines.push_back("+ " + path + ": " + (secretValue ? "(a secret)" : shortValue(op["value"])));
        else if (kind == "replace") {
            const Json::json_pointer pointer(path);
            const std::string old = a->contains(pointer) ? shortValue(a->at(pointer)) : "?";
            lines.push_back("~ " + path + ": " + old + " -> " +
                            (secretValue ? "(a secret)" : shortValue(op["value"])));
        }
    }
    if (lines.size() > limit) {
        const size_t more = lines.size() - (limit - 1);
        lines.resize(limit - 1);
        lines.push_back("... and " + std::to_string(more) + " more changes");
    }
    return lines;
}

std::string previewText(const RepairPlan& plan, bool withDiffs) {
    std::string out = plan.title + "\n";
    size_t width = 0;
    for (const auto& change : plan.changes)
        width = std::max(width, change.key.path().size());
    for (const auto& change : plan.changes) {
        const char* verb = !change.after ? "remove" : (change.before ? "write " : "create");
        std::string path = change.key.path();
        path.resize(std::max(width, path.size()), ' ');
        out += "  " + std::string(verb) + "  " + path + "  " + change.what + "\n";
        if (withDiffs && change.before && change.after)
            for (const auto& line : recordDiffLines(*change.before, *change.after))
                out += "            " + line + "\n";
    }
    for (const auto& note : plan.notes)
        out += "note: " + note + "\n";
    return out;
}

} // namespace athanor

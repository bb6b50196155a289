#include "store/cloudflare/CloudflareRecord.h"

#include "state/StateRecord.h"
#include "store/sqlite/SqliteRecord.h"

#include "json/JsJsonText.h"
#include <array>
#include <string_view>

namespace athanor::cloudflare {

namespace {

using Order = std::array<std::string_view, 8>;
constexpr Order kNakedScope{"kind", "id", "seq", "data", "fqn", "props", "status", "output"};
constexpr Order kPlaceholder{"kind", "id", "fqn", "seq", "status", "data", "output", "props"};
constexpr Order kSuccess{"kind", "id", "fqn", "seq", "data", "status", "output", "props"};

const Order& orderFor(const Json& row) {
    const auto text = [&row](const char* key) {
        const auto it = row.find(key);
        return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (row.contains("fqn") && text("fqn").empty())
        return kNakedScope;
    // A stage's record (in the app's store) and a new resource's placeholder put status before data.
    if (text("status") == "creating" || text("kind") == kScopeKind)
        return kPlaceholder;
    return kSuccess;
}

} // namespace

Json recordFromRow(const Json& row) {
    Json record = Json::object();
    if (!row.is_object())
        return row;
    for (const std::string_view key : orderFor(row))
        if (const auto it = row.find(key); it != row.end() && !it->is_null())
            record[std::string(key)] = *it;
    if (const auto it = row.find("oldProps"); it != row.end() && !it->is_null())
        record["oldProps"] = *it;
    for (const auto& [key, value] : row.items())
        if (!record.contains(key) && !(key == "props" || key == "oldProps") && key != "scope")
            record[key] = value;
    return record;
}

std::string rowLocation(const std::string& subject, const std::vector<std::string>& chain,
                        const std::string& id) {
    return subject + " row (" + sqlite::scopeText(chain) + ", " + stringifyJs(Json(id), 0) + ")";
}

} // namespace athanor::cloudflare

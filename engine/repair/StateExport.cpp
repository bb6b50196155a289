#include "repair/StateExport.h"

#include "events/EventJson.h"
#include "repair/RecordAddress.h"
#include "serde/PlainForms.h"
#include "snapshot/RecordValidator.h"
#include "store/IdCodec.h"
#include "store/RecordParse.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <chrono>
#include <set>

namespace athanor {

namespace {

constexpr const char* kFormat = "athanor-state-export";

std::vector<RecordKey> selectedRecords(RepairSource& source, const ExportSelection& selection) {
    std::vector<std::string> apps;
    if (!selection.app.empty())
        apps.push_back(selection.app);
    else
        apps = source.apps();
    std::vector<RecordKey> out;
    for (const auto& app : apps) {
        if (!idProblem(app).empty())
            throw RepairError("invalid app name \"" + app + "\"");
        if (selection.stage.empty()) {
            for (auto& key : recordsUnder(source, {app}))
                out.push_back(std::move(key));
            continue;
        }
        if (!idProblem(selection.stage).empty())
            throw RepairError("invalid stage name \"" + selection.stage + "\"");
        const RecordKey stageRecord{{app}, selection.stage};
        if (source.readText(stageRecord))
            out.push_back(stageRecord);
        for (auto& key : recordsUnder(source, {app, selection.stage}))
            out.push_back(std::move(key));
    }
    return out;
}

std::string plural(size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

} // namespace

ExportResult exportState(RepairSource& source, const ExportSelection& selection,
                         const PasswordRing& decryptWith) {
    if (!source.exists())
        throw RepairError("no Alchemy state here: " + source.describe() + " does not exist");
    ExportResult result;
    Json doc = Json::object();
    doc["format"] = kFormat;
    doc["version"] = 1;
    doc["exportedAt"] = formatIsoTime(std::chrono::system_clock::now());
    if (!selection.app.empty())
        doc["app"] = selection.app;
    if (!selection.stage.empty())
        doc["stage"] = selection.stage;
    doc["secrets"] = decryptWith.empty() ? "encrypted" : "plaintext";
    Json records = Json::array();
    for (const RecordKey& key : selectedRecords(source, selection)) {
        const std::optional<std::string> text = source.readText(key);
        if (!text)
            continue; // removed while exporting
        Json entry = Json::object();
        entry["scope"] = key.chain;
        entry["id"] = key.id;
        std::optional<Json> parsed;
        try {
            parsed = parseRecordText(*text);
        } catch (const std::exception&) {
            // Kept as its text below: an export loses nothing, not even a record that does not parse.
        }
        if (!parsed || stringifyJs(*parsed, 2) != *text) {
            entry["text"] = *text;
        } else if (!decryptWith.empty() && containsSealedSecrets(*parsed)) {
            try {
                entry["record"] = openSecrets(*parsed, decryptWith, key.path());
                entry["plaintext"] = true;
            } catch (const std::exception& e) {
                entry["record"] = std::move(*parsed);
                result.errors.push_back(std::string(e.what()) + " (exported encrypted)");
            }
        } else {
            entry["record"] = std::move(*parsed);
        }
        records.push_back(std::move(entry));
        ++result.records;
    }
    doc["records"] = std::move(records);
    result.document = std::move(doc);
    return result;
}

std::string exportText(const Json& document) {
    return stringifyJs(document, 2) + "\n";
}

RepairPlan planImport(RepairSource& source, std::string_view text, bool overwrite,
                      const PasswordRing& passwords) {
    Json doc;
    try {
        doc = parseJsonText(text);
    } catch (const JsonParseError& e) {
        throw RepairError("the export is not JSON: " + std::string(e.what()));
    }
    if (!doc.is_object() || doc.value("format", std::string()) != kFormat)
        throw RepairError("not an Athanor state export (its \"format\" is not \"" + std::string(kFormat) +
                          "\")");
    if (doc.value("version", 0) != 1)
        throw RepairError("unsupported export version " + doc.value("version", Json()).dump() +
                          " (this Athanor reads version 1)");
    if (!doc.contains("records") || !doc["records"].is_array())
        throw RepairError("the export has no \"records\" list");

    RepairPlan plan;
    plan.operation = "import";
    std::vector<std::string> conflicts;
    std::set<RecordKey> seen;
    size_t unchanged = 0, added = 0, replaced = 0;
    const Json& records = doc["records"];
    for (size_t i = 0; i < records.size(); ++i) {
        const Json& entry = records[i];
        const std::string where = "/records/" + std::to_string(i);
        if (!entry.is_object() || !entry.contains("scope") || !entry["scope"].is_array() ||
            !entry.contains("id") || !entry["id"].is_string())
            throw RepairError(where + ": an entry needs \"scope\" (a list) and \"id\" (a string)");
        RecordKey key;
        for (const auto& part : entry["scope"]) {
            if (!part.is_string() || !idProblem(part.get<std::string>()).empty())
                throw RepairError(where + "/scope: " + part.dump() + " is not a valid scope name");
            key.chain.push_back(part.get<std::string>());
        }
        key.id = entry["id"].get<std::string>();
        if (key.chain.empty())
            throw RepairError(where + "/scope: empty (records live at least in an app's scope)");
        if (auto problem = idProblem(key.id); !problem.empty())
            throw RepairError(where + "/id: \"" + key.id + "\": " + problem);
        if (!seen.insert(key).second)
            throw RepairError(where + ": " + key.path() + " appears twice in the export");

        std::string recordText;
        if (entry.contains("text") && entry["text"].is_string()) {
            recordText = entry["text"].get<std::string>();
            if (validateRecordText(recordText, recordPath(key.chain, key.id)).size() > 0)
                plan.notes.push_back(key.path() +
                                     " is imported as the exact text it was exported with; it is "
                                     "not a valid record (athanorctl state check names why)");
        } else if (entry.contains("record") && entry["record"].is_object()) {
            Json record = entry["record"];
            if (entry.value("plaintext", false)) {
                if (passwords.empty())
                    throw RepairError(where + ": " + key.path() +
                                      " holds plaintext secrets; give a password to encrypt them "
                                      "(ALCHEMY_PASSWORD or --password-file)");
                record = sealSecrets(record, passwords.at(0));
            }
            const std::vector<std::string> problems = validateRecord(record, recordPath(key.chain, key.id));
            if (!problems.empty())
                throw RepairError(where + ": " + key.path() + " is not a valid record: " + problems.front());
            recordText = stringifyJs(record, 2);
        } else {
            throw RepairError(where + ": an entry needs \"record\" (an object) or \"text\" (a string)");
        }

        const std::optional<std::string> existing = source.readText(key);
        if (existing && *existing == recordText) {
            ++unchanged;
            continue;
        }
        if (existing && !overwrite) {
            conflicts.push_back(key.path() + " (" + source.location(key) + ")");
            continue;
        }
        plan.changes.push_back(
            {key, existing, recordText, existing ? "replaced by the export's" : "imported"});
        ++(existing ? replaced : added);
    }
    if (!conflicts.empty()) {
        std::string list;
        for (size_t i = 0; i < conflicts.size() && i < 10; ++i)
            list += "\n  " + conflicts[i];
        if (conflicts.size() > 10)
            list += "\n  ... and " + std::to_string(conflicts.size() - 10) + " more";
        throw RepairError(plural(conflicts.size(), "record") +
                          " already exist with other content; nothing was imported (use --overwrite to "
                          "replace them):" +
                          list);
    }
    plan.title = "import " + plural(added, "new record") +
                 (replaced ? ", " + plural(replaced, "replaced record") : "");
    if (unchanged)
        plan.notes.push_back(plural(unchanged, "record") + " already identical, left as they are");
    return plan;
}

} // namespace athanor

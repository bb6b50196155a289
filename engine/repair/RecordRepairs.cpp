#include "repair/RecordRepairs.h"

#include "lifecycle/RecordBuilder.h"
#include "repair/RecordAddress.h"
#include "store/RecordParse.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <set>

namespace athanor {

Json parseRecordForRepair(RepairSource& source, const RecordKey& key, const std::string& text) {
    try {
        Json doc = parseRecordText(text);
        if (!doc.is_object())
            throw RepairError(key.path() + " (" + source.location(key) + ") is not a JSON object");
        return doc;
    } catch (const RepairError&) {
        throw;
    } catch (const std::exception& e) {
        throw RepairError("cannot read " + key.path() + " (" + source.location(key) + "): " + e.what());
    }
}

namespace {

std::string plural(size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string readExisting(RepairSource& source, const RecordKey& key) {
    std::optional<std::string> text = source.readText(key);
    if (!text)
        throw RepairError(key.path() + " disappeared (" + source.location(key) + ")");
    return *text;
}

// "shop/dev/a" -> "shop/dev/b" applied to `text` when it is `from` or starts with `from` + "/".
bool rebase(std::string& text, const std::string& from, const std::string& to) {
    if (text == from) {
        text = to;
        return true;
    }
    if (text.size() > from.size() && text.compare(0, from.size(), from) == 0 && text[from.size()] == '/') {
        text = to + text.substr(from.size());
        return true;
    }
    return false;
}

// Every Symbol(alchemy::ResourceFQN) under the moved path, wherever it is (output, pendingDeletions, a nested
// resource's output passed as a prop), follows the move; an envelope of the moved record itself gets its
// new id. Encrypted values are left alone.
void rebaseMetadata(Json& node, const std::string& from, const std::string& to, const std::string& newId) {
    if (node.is_array()) {
        for (auto& element : node)
            rebaseMetadata(element, from, to, newId);
        return;
    }
    if (!node.is_object() || node.contains("@secret"))
        return;
    if (auto fqn = node.find(symbol_keys::kFqn); fqn != node.end() && fqn->is_string()) {
        std::string text = fqn->get<std::string>();
        const bool itself = text == from;
        if (rebase(text, from, to)) {
            *fqn = text;
            if (itself)
                if (auto id = node.find(symbol_keys::kId); id != node.end() && id->is_string())
                    *id = newId;
        }
    }
    for (auto it = node.begin(); it != node.end(); ++it)
        rebaseMetadata(it.value(), from, to, newId);
}

} // namespace

RepairPlan planRemove(RepairSource& source, const std::vector<std::string>& fqns, bool recursive) {
    if (fqns.empty())
        throw RepairError("rm needs at least one FQN");
    RepairPlan plan;
    plan.operation = "rm";
    std::set<RecordKey> planned;
    size_t nestedCount = 0;
    for (const auto& fqn : fqns) {
        const RecordKey key = resolveRecord(source, fqn);
        const std::vector<RecordKey> nested = recordsUnder(source, key.ownScope());
        if (!nested.empty() && !recursive) {
            std::string names;
            for (size_t i = 0; i < nested.size() && i < 5; ++i)
                names += (i ? ", " : "") + nested[i].path();
            if (nested.size() > 5)
                names += ", ...";
            throw RepairError(key.path() + " has " + plural(nested.size(), "nested record") + " (" + names +
                              "); add --recursive to forget them too");
        }
        // Nested records first (deepest last in the listing, so reversed), the named record last: an
        // interrupted rm never leaves nested records without their owner's record.
        for (auto it = nested.rbegin(); it != nested.rend(); ++it) {
            if (!planned.insert(*it).second)
                continue;
            plan.changes.push_back(
                {*it, readExisting(source, *it), std::nullopt, "forgotten (nested in " + key.path() + ")"});
            ++nestedCount;
        }
        if (planned.insert(key).second)
            plan.changes.push_back({key, readExisting(source, key), std::nullopt, "forgotten"});
        plan.emptiedScopes.push_back(key.ownScope());
    }
    const size_t named = plan.changes.size() - nestedCount;
    plan.title = "rm " + (named == 1 ? plan.changes.back().key.path() : plural(named, "record")) +
                 (nestedCount ? " and " + plural(nestedCount, "nested record") : std::string());
    plan.notes.push_back("only state is forgotten: the real resources are not touched, and the next up "
                         "creates them again if the program still declares them");
    return plan;
}

RepairPlan planMove(RepairSource& source, const std::string& fqn, const std::string& newFqn) {
    const RecordKey from = resolveRecord(source, fqn);
    const RecordKey to = keyForNewFqn(newFqn, from);
    if (to == from)
        throw RepairError(fqn + " and " + newFqn + " are the same record");
    if (chainStartsWith(to.chain, from.ownScope()))
        throw RepairError("cannot move " + from.path() + " below itself (" + to.path() + ")");
    if (source.readText(to))
        throw RepairError(to.path() + " already exists (" + source.location(to) +
                          "); remove it first or choose another name");
    if (const auto occupied = recordsUnder(source, to.ownScope()); !occupied.empty())
        throw RepairError(to.path() + " already has nested records (" + occupied.front().path() +
                          "); choose another name");

    const std::string fromPath = from.path();
    const std::string toPath = to.path();
    RepairPlan plan;
    plan.operation = "mv";

    const auto moved = [&](const RecordKey& oldKey, const RecordKey& newKey, bool top) {
        const std::string text = readExisting(source, oldKey);
        Json doc = parseRecordForRepair(source, oldKey, text);
        if (top && doc.contains("id"))
            doc["id"] = newKey.id;
        if (auto f = doc.find("fqn"); f != doc.end() && f->is_string()) {
            std::string value = f->get<std::string>();
            if (rebase(value, fromPath, toPath))
                *f = value;
        }
        rebaseMetadata(doc, fromPath, toPath, to.id);
        if (top)
            if (auto output = doc.find("output"); output != doc.end() && output->is_object())
                if (auto id = output->find(symbol_keys::kId); id != output->end() && id->is_string())
                    *id = newKey.id; // a naked scope's envelope has FQN "": its id still follows
        plan.changes.push_back({oldKey, text, std::nullopt, "moved to " + newKey.path()});
        plan.changes.push_back({newKey, std::nullopt, stringifyJs(doc, 2), "moved from " + oldKey.path()});
    };
    moved(from, to, true);
    const std::vector<std::string> oldScope = from.ownScope();
    const std::vector<std::string> newScope = to.ownScope();
    for (const RecordKey& key : recordsUnder(source, oldScope)) {
        RecordKey target;
        target.chain = newScope;
        target.chain.insert(target.chain.end(),
                            key.chain.begin() + static_cast<std::ptrdiff_t>(oldScope.size()),
                            key.chain.end());
        target.id = key.id;
        if (source.readText(target))
            throw RepairError(target.path() + " already exists (" + source.location(target) + ")");
        moved(key, target, false);
    }
    plan.emptiedScopes.push_back(oldScope);
    const size_t nested = plan.changes.size() / 2 - 1;
    plan.title = "mv " + fromPath + " " + toPath +
                 (nested ? " with " + plural(nested, "nested record") : std::string());
    plan.notes.push_back(
        "rename the resource the same way in your program before the next up, or it deletes " + toPath +
        " and creates " + fromPath + " again");
    return plan;
}

RepairPlan planSetStatus(RepairSource& source, const std::string& fqn, ResourceStatus status) {
    if (!isSettled(status))
        throw RepairError("set-status settles a record: the status must be created or updated, not " +
                          std::string(toString(status)));
    const RecordKey key = resolveRecord(source, fqn);
    const std::string text = readExisting(source, key);
    const Json doc = parseRecordForRepair(source, key, text);
    const std::string current = doc.contains("status") && doc["status"].is_string()
                                    ? doc["status"].get<std::string>()
                                    : std::string();
    const std::optional<ResourceStatus> parsed = parseResourceStatus(current);
    if (parsed && isSettled(*parsed))
        throw RepairError(key.path() + " is " + current +
                          ", not stuck: set-status settles records left creating or updating");
    if (doc.value("kind", std::string()) == kScopeKind)
        throw RepairError(key.path() + " is a scope's record; set-status settles resources");

    // (C) key order: kind, id, fqn, seq, data, status, output, props; any other field is kept after them.
    Json settled = Json::object();
    const char* kindKey = doc.contains("kind") ? "kind" : "provider";
    for (const char* field : {kindKey, "id", "fqn", "seq"})
        if (doc.contains(field))
            settled[field] = doc[field];
    settled["data"] = doc.contains("data") ? doc["data"] : Json::object();
    settled["status"] = std::string(toString(status));
    Json output = doc.contains("output") ? doc["output"] : Json::object();
    std::string outputNote;
    if (records::isPlaceholderOutput(output) && output.contains(symbol_keys::kDestroyStrategy)) {
        RecordIdentity who;
        who.kind = doc.value(kindKey, std::string());
        who.id = doc.value("id", key.id);
        who.fqn = doc.value("fqn", key.path());
        who.seq = doc.contains("seq") && doc["seq"].is_number_integer() ? doc["seq"].get<int64_t>() : 0;
        output = records::envelope(Json::object(), who);
        outputNote = "; its output is the placeholder written before the handler ran, so it holds no outputs "
                     "(up --force refreshes them)";
    }
    settled["output"] = output;
    if (doc.contains("props"))
        settled["props"] = doc["props"];
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (!settled.contains(it.key()) && it.key() != "oldProps")
            settled[it.key()] = it.value();

    RepairPlan plan;
    plan.operation = "set-status";
    plan.title = "set-status " + key.path() + " " + std::string(toString(status));
    std::string what = "status " + (current.empty() ? std::string("(none)") : current) + " -> " +
                       std::string(toString(status));
    if (doc.contains("oldProps"))
        what += "; oldProps dropped";
    plan.changes.push_back({key, text, stringifyJs(settled, 2), what});
    plan.notes.push_back("the real resource is not checked: settle a record only when the resource exists as "
                         "its props describe" +
                         outputNote);
    return plan;
}

PendingDeletions listPendingDeletions(RepairSource& source, const std::string& scopeFqn) {
    PendingDeletions out;
    out.scopeRecord = resolveRecord(source, scopeFqn);
    const std::string text = readExisting(source, out.scopeRecord);
    const Json doc = parseRecordForRepair(source, out.scopeRecord, text);
    const Json* data = doc.contains("data") ? &doc["data"] : nullptr;
    if (!data || !data->is_object() || !data->contains("pendingDeletions"))
        return out;
    const Json& list = (*data)["pendingDeletions"];
    if (!list.is_array())
        throw RepairError(out.scopeRecord.path() + ": data.pendingDeletions is not a list (" +
                          source.location(out.scopeRecord) + ")");
    for (size_t i = 0; i < list.size(); ++i) {
        PendingEntry entry;
        entry.index = i;
        entry.entry = list[i];
        const Json resource =
            list[i].is_object() && list[i].contains("resource") ? list[i]["resource"] : Json::object();
        entry.kind = records::stringField(resource, symbol_keys::kKind);
        entry.id = records::stringField(resource, symbol_keys::kId);
        entry.fqn = records::stringField(resource, symbol_keys::kFqn);
        entry.corrupted = entry.id.empty();
        out.entries.push_back(std::move(entry));
    }
    return out;
}

RepairPlan planPendingDrop(RepairSource& source, const std::string& scopeFqn, size_t index) {
    const PendingDeletions pending = listPendingDeletions(source, scopeFqn);
    const RecordKey& key = pending.scopeRecord;
    if (index >= pending.entries.size())
        throw RepairError(key.path() + " has " + plural(pending.entries.size(), "pending deletion") +
                          "; there is no index " + std::to_string(index));
    const std::string text = readExisting(source, key);
    Json doc = parseRecordForRepair(source, key, text);
    Json& list = doc["data"]["pendingDeletions"];
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(index));
    const PendingEntry& entry = pending.entries[index];
    const std::string name =
        entry.fqn.empty() ? (entry.id.empty() ? "an entry without an id" : entry.id) : entry.fqn;
    RepairPlan plan;
    plan.operation = "pending drop";
    plan.title = "pending drop " + key.path() + " " + std::to_string(index) + " (" + name + ")";
    plan.changes.push_back({key, text, stringifyJs(doc, 2),
                            "pendingDeletions[" + std::to_string(index) + "] (" + name + ") dropped"});
    plan.notes.push_back("the replaced copy " + name +
                         " is forgotten, not deleted: remove the real resource yourself if it still exists");
    return plan;
}

} // namespace athanor

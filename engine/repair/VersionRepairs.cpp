#include "repair/VersionRepairs.h"

#include "events/EventJson.h"
#include "repair/RecordAddress.h"

#include <algorithm>

namespace athanor {

namespace {

std::string imageName(const std::optional<std::string>& image) {
    return image ? std::to_string(image->size()) + " bytes" : std::string("absent");
}

} // namespace

RepairPlan planUndo(RepairSource& source, bool force) {
    const VersionStore versions = versionStoreOf(source);
    const std::vector<OperationInfo> operations = versions.operations();
    const auto target = std::find_if(operations.begin(), operations.end(), [](const OperationInfo& op) {
        return op.kind == OperationKind::Repair && op.undoneBy.empty() && op.undoes.empty() && op.records > 0;
    });
    if (target == operations.end())
        throw RepairError("nothing to undo: no repair in the history of " + source.describe());
    const OperationInfo& op = *target;

    RepairPlan plan;
    plan.operation = "undo";
    plan.undoes = op.id;
    plan.title = "undo " + op.title + " (" + op.id + ")";
    std::vector<std::string> changedSince;
    const std::vector<RecordImages> images = versions.images(op.id);
    for (auto it = images.rbegin(); it != images.rend(); ++it) {
        const RecordImages& image = *it;
        const std::optional<std::string> now = source.readText(image.key);
        if (now == image.before)
            continue; // already as it was
        if (image.written && now != image.after) {
            changedSince.push_back(image.key.path() + " (" + source.location(image.key) + ")");
            if (!force)
                continue;
        }
        std::string what = image.before ? "back to before " + op.operation
                                        : "removed again (" + op.operation + " created it)";
        if (!image.written)
            what += "; the repair did not record writing it";
        plan.changes.push_back({image.key, now, image.before, what});
        if (!image.before)
            plan.emptiedScopes.push_back(image.key.ownScope());
    }
    if (!changedSince.empty() && !force) {
        std::string list;
        for (const auto& name : changedSince)
            list += "\n  " + name;
        throw RepairError("cannot undo " + op.title + " (" + op.id +
                          "): " + std::to_string(changedSince.size()) +
                          " record(s) changed since, and undo would overwrite that; nothing was written "
                          "(--force undoes anyway; state restore brings back single records):" +
                          list);
    }
    for (const auto& name : changedSince)
        plan.notes.push_back(name + " changed since " + op.id + "; its later change is overwritten");
    if (plan.changes.empty())
        throw RepairError("nothing to undo: every record " + op.title + " (" + op.id +
                          ") touched is already as it was before");
    return plan;
}

RecordHistory recordHistory(RepairSource& source, const std::string& fqn) {
    RecordHistory history;
    const std::vector<RecordKey> existing = findRecords(source, fqn);
    const VersionStore versions = versionStoreOf(source);
    if (existing.size() == 1) {
        history.key = existing.front();
        history.versions = versions.versionsOf(history.key);
        return history;
    }
    if (existing.size() > 1)
        return {resolveRecord(source, fqn), {}}; // throws, listing them
    // Not there now: whichever removed record of the history had this path.
    const std::vector<std::string> parts = splitFqn(fqn);
    std::vector<RecordKey> candidates;
    for (size_t scopeLength = 1; scopeLength < parts.size(); ++scopeLength) {
        RecordKey key;
        key.chain.assign(parts.begin(), parts.begin() + static_cast<std::ptrdiff_t>(scopeLength));
        for (size_t i = scopeLength; i < parts.size(); ++i)
            key.id += (i > scopeLength ? "/" : "") + parts[i];
        std::vector<RecordVersion> found = versions.versionsOf(key);
        if (!found.empty()) {
            candidates.push_back(key);
            history = {key, std::move(found)};
        }
    }
    if (candidates.empty())
        throw RepairError("no record " + fqn + " in " + source.describe() + " and none in its history");
    if (candidates.size() > 1)
        throw RepairError(fqn + " is ambiguous: the history holds several records with that path");
    return history;
}

const RecordVersion& findVersion(const RecordHistory& history, const std::string& version) {
    const RecordVersion* found = nullptr;
    for (const auto& v : history.versions) {
        if (v.operation.id == version)
            return v;
        if (!version.empty() && v.operation.id.compare(0, version.size(), version) == 0) {
            if (found && found->operation.id != v.operation.id)
                throw RepairError("version " + version + " of " + history.key.path() + " is ambiguous (" +
                                  found->operation.id + ", " + v.operation.id + ", ...)");
            found = &v;
        }
    }
    if (!found)
        throw RepairError("no version " + version + " of " + history.key.path() +
                          " (athanorctl state history lists them)");
    return *found;
}

std::vector<OperationChange> operationChanges(RepairSource& source, const std::string& operationId) {
    const VersionStore versions = versionStoreOf(source);
    if (!versions.operation(operationId))
        throw RepairError("no operation " + operationId + " in the history of " + source.describe());
    std::vector<OperationChange> out;
    for (const RecordImages& images : versions.images(operationId)) {
        OperationChange change{images.key, images.before, std::nullopt, true};
        // versionsOf() is newest first: the last one newer than this operation is the next one.
        for (const RecordVersion& v : versions.versionsOf(images.key))
            if (v.operation.id > operationId) {
                change.after = v.images.before;
                change.current = false;
            }
        if (change.current)
            change.after = source.readText(images.key);
        out.push_back(std::move(change));
    }
    return out;
}

std::optional<OperationInfo> runOperation(const VersionStore& versions, const std::string& phase,
                                          const std::string& app, const std::string& stage,
                                          std::chrono::system_clock::time_point startedAt,
                                          std::chrono::milliseconds duration) {
    const std::string stageName = app + "/" + stage;
    for (const OperationInfo& op : versions.operations()) {
        if (op.kind != OperationKind::Run || op.operation != phase ||
            std::find(op.stages.begin(), op.stages.end(), stageName) == op.stages.end())
            continue;
        const auto started = parseIsoTime(op.startedAt);
        if (started && *started >= startedAt - std::chrono::seconds(1) &&
            *started <= startedAt + duration + std::chrono::seconds(1))
            return op;
    }
    return std::nullopt;
}

RepairPlan planRestore(RepairSource& source, const std::string& fqn, const std::string& version) {
    const RecordHistory history = recordHistory(source, fqn);
    const RecordVersion& v = findVersion(history, version);
    const std::optional<std::string> now = source.readText(history.key);
    if (now == v.images.before)
        throw RepairError(history.key.path() + " is already as it was before " + v.operation.id);
    RepairPlan plan;
    plan.operation = "restore";
    plan.title =
        "restore " + history.key.path() + " to before " + v.operation.id + " (" + v.operation.title + ")";
    plan.changes.push_back({history.key, now, v.images.before,
                            v.images.before
                                ? "restored (" + imageName(now) + " -> " + imageName(v.images.before) + ")"
                                : std::string("removed: it did not exist before ") + v.operation.id});
    if (!v.images.before)
        plan.emptiedScopes.push_back(history.key.ownScope());
    return plan;
}

} // namespace athanor

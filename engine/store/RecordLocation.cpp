#include "store/RecordLocation.h"

#include "store/IdCodec.h"

#include <algorithm>

namespace athanor {

namespace {

std::string slashes(std::string text) {
    std::replace(text.begin(), text.end(), '\\', '/');
    return text;
}

std::string recordPathIn(const std::string& folder, const std::string& id) {
    return slashes(folder) + "/" + idToRecordPath(id);
}

} // namespace

RecordPlacement placeRecord(std::string_view relativePath, const std::optional<std::string>& idField,
                            const std::optional<std::string>& fqnField, bool emptyFqnAllowed) {
    RecordPlacement out;
    const size_t slash = relativePath.rfind('/');
    const std::string_view fileName =
        slash == std::string_view::npos ? relativePath : relativePath.substr(slash + 1);
    std::string folder(slash == std::string_view::npos ? std::string_view() : relativePath.substr(0, slash));
    std::string locationId = fileNameToId(fileName);

    // An id with '\' lives in sub-folders of its scope's folder: <scope>/back/slash.json for "back\slash".
    if (idField && idField->find('\\') != std::string::npos) {
        const std::string suffix = "/" + idToRecordPath(*idField);
        const std::string path(relativePath);
        if (path.size() > suffix.size() && path.ends_with(suffix)) {
            locationId = *idField;
            folder = path.substr(0, path.size() - suffix.size());
        }
    }
    out.scopeFolder = folder;
    out.id = idField ? *idField : locationId;
    const std::string locationFqn = folder + "/" + locationId;

    // Alchemy's path library never leaves a '\' in a path: such a file is not where Alchemy reads any record.
    if (relativePath.find('\\') != std::string_view::npos)
        out.problems.push_back(
            "its path holds a '\\', where Alchemy never reads a record (it keeps the id \"" + out.id +
            "\" at " + recordPathIn(folder, out.id) + ")");
    if (idField && *idField != locationId)
        out.problems.push_back("id \"" + *idField + "\" does not match its file name (expected \"" +
                               locationId + "\")");
    if (const std::string problem = idProblem(out.id); !problem.empty())
        out.problems.push_back("id \"" + out.id + "\" is refused by up and destroy: " + problem);

    out.fqn = locationFqn;
    if (fqnField && !(fqnField->empty() && emptyFqnAllowed)) {
        // The fqn is the scope chain joined by '/' plus the id; its folder is that chain with '\' as '/'.
        const std::string tail = "/" + locationId;
        const bool matches = fqnField->size() > tail.size() && fqnField->ends_with(tail) &&
                             slashes(fqnField->substr(0, fqnField->size() - tail.size())) == folder;
        if (matches)
            out.fqn = *fqnField;
        else
            out.problems.push_back("fqn \"" + *fqnField + "\" does not match its location \"" + locationFqn +
                                   "\"");
    }
    return out;
}

RecordPlacement placeRecord(std::string_view relativePath, const StateRecord& record) {
    const Json& doc = record.document();
    const auto text = [&doc](const char* key) -> std::optional<std::string> {
        auto it = doc.find(key);
        return it != doc.end() && it->is_string() ? std::optional<std::string>(it->get<std::string>())
                                                  : std::nullopt;
    };
    const bool legacy = !doc.contains("kind") && doc.contains("provider");
    return placeRecord(relativePath, legacy ? std::nullopt : text("id"), legacy ? std::nullopt : text("fqn"),
                       record.isScope());
}

} // namespace athanor

#include "store/IdCodec.h"

#include "store/StoreError.h"

#include <algorithm>

namespace athanor {

std::string idProblem(std::string_view id) {
    if (id.empty())
        return "it is empty";
    if (id.find(':') != std::string_view::npos)
        return "it contains ':'";
    if (id.find('\0') != std::string_view::npos)
        return "it contains a NUL byte";
    if (id.front() == '/')
        return "it is an absolute path";
    const bool backslash = id.find('\\') != std::string_view::npos;
    size_t start = 0;
    while (start <= id.size()) {
        const size_t end = std::min(id.find_first_of("/\\", start), id.size());
        const std::string_view segment = id.substr(start, end - start);
        if (segment == "..")
            return "it contains a '..' segment";
        if (segment == ".")
            return "it contains a '.' segment";
        if (segment.empty() && backslash)
            return "it has an empty segment next to a '\\' (Alchemy would store it in another id's file)";
        start = end + 1;
    }
    return {};
}

void requireValidId(std::string_view id, std::string_view what) {
    if (auto problem = idProblem(id); !problem.empty()) {
        std::string shown;
        for (char c : id)
            shown += c == '\0' ? std::string("\\0") : std::string(1, c);
        throw StoreError("invalid " + std::string(what) + " \"" + shown + "\": " + problem);
    }
}

std::string idToFileName(std::string_view id) {
    std::string name(id);
    std::replace(name.begin(), name.end(), '/', ':');
    return name + ".json";
}

std::string fileNameToId(std::string_view fileName) {
    std::string id(fileName.substr(0, fileName.size() - 5));
    std::replace(id.begin(), id.end(), ':', '/');
    return id;
}

bool isRecordFileName(std::string_view fileName) {
    return fileName.size() > 5 && fileName.ends_with(".json") && fileName.front() != '.';
}

std::string idToRecordPath(std::string_view id) {
    std::string path = idToFileName(id);
    std::replace(path.begin(), path.end(), '\\', '/');
    return path;
}

std::string scopeFolderPath(const std::vector<std::string>& chain) {
    std::string path;
    for (const auto& part : chain) {
        if (!path.empty())
            path += '/';
        path += part;
    }
    std::replace(path.begin(), path.end(), '\\', '/');
    return path;
}

std::string recordPath(const std::vector<std::string>& chain, std::string_view id) {
    std::string folder = scopeFolderPath(chain);
    return folder.empty() ? idToRecordPath(id) : folder + "/" + idToRecordPath(id);
}

} // namespace athanor

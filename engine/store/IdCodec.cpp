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
    size_t start = 0;
    while (start <= id.size()) {
        const size_t end = std::min(id.find('/', start), id.size());
        const std::string_view segment = id.substr(start, end - start);
        if (segment == "..")
            return "it contains a '..' segment";
        if (segment == ".")
            return "it contains a '.' segment";
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

} // namespace athanor

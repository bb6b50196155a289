#include "store/DotAlchemyLayout.h"

#include "store/IdCodec.h"

#include <array>

namespace fs = std::filesystem;

namespace athanor {

DotAlchemyLayout DotAlchemyLayout::forProject(const fs::path& projectRoot) {
    const fs::path root = fs::absolute(projectRoot).lexically_normal();
    return {root, root / ".alchemy"};
}

DotAlchemyLayout DotAlchemyLayout::locate(const fs::path& projectOrDotAlchemy) {
    fs::path p = fs::absolute(projectOrDotAlchemy).lexically_normal();
    if (p.has_filename() == false)
        p = p.parent_path();
    if (p.filename() == ".alchemy")
        return {p.parent_path(), p};
    return forProject(p);
}

fs::path DotAlchemyLayout::scopeDir(const std::vector<std::string>& chain) const {
    fs::path dir = dotAlchemy;
    for (const auto& part : chain)
        dir /= part;
    return dir;
}

fs::path DotAlchemyLayout::stageLockFile(const std::string& app, const std::string& stage) const {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    // Names may hold '/', which the file store maps to ':' (IdCodec); do the same so one lock = one file.
    const auto flat = [](const std::string& name) {
        std::string fileName = idToFileName(name);
        return fileName.substr(0, fileName.size() - std::string_view(".json").size());
    };
    return athanorDir() / "locks" / flat(app) / (flat(stage) + ".lock");
}

bool isReservedTopLevelName(std::string_view name) {
    static constexpr std::array<std::string_view, 4> reserved{"logs", "pids", "miniflare", "state.sqlite"};
    if (name.empty() || name.front() == '.')
        return true;
    for (auto r : reserved)
        if (r == name)
            return true;
    return false;
}

} // namespace athanor

#include "store/SourceSpec.h"

#include "store/DotAlchemyLayout.h"

#include <cstdlib>
#include <stdexcept>

namespace fs = std::filesystem;

namespace athanor {

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";

fs::path absoluteClean(const fs::path& p) {
    fs::path out = fs::absolute(p).lexically_normal();
    if (!out.has_filename() && out.has_parent_path() && out != out.root_path())
        out = out.parent_path(); // "dir/" -> "dir"
    return out;
}

} // namespace

std::string_view toString(SourceSpec::Kind kind) {
    switch (kind) {
    case SourceSpec::Kind::Folder:
        return "folder";
    case SourceSpec::Kind::Sqlite:
        return "sqlite";
    }
    return "folder";
}

fs::path SourceSpec::defaultSqliteFile() {
    if (const char* env = std::getenv("ALCHEMY_STATE_FILE"); env && *env)
        return absoluteClean(env);
    return absoluteClean(fs::path(".alchemy") / "state.sqlite");
}

SourceSpec SourceSpec::folder(const fs::path& projectOrDotAlchemy) {
    return {Kind::Folder, DotAlchemyLayout::locate(projectOrDotAlchemy).projectRoot};
}

SourceSpec SourceSpec::sqlite(const fs::path& databaseFile) {
    return {Kind::Sqlite, absoluteClean(databaseFile)};
}

SourceSpec SourceSpec::parse(std::string_view text) {
    if (text.empty())
        throw std::invalid_argument("an empty state source (give a folder or sqlite:PATH)");
    if (text.substr(0, kSqlitePrefix.size()) == kSqlitePrefix) {
        std::string_view file = text.substr(kSqlitePrefix.size());
        if (file.empty())
            return sqlite(defaultSqliteFile());
        if (file.substr(0, 5) == "file:") // libsql's URL form of the same file
            file.remove_prefix(5);
        if (file.empty() || file.back() == '/')
            throw std::invalid_argument("state source \"" + std::string(text) +
                                        "\": sqlite: needs a database file, not a folder");
        return sqlite(fs::path(std::string(file)));
    }
    if (const size_t colon = text.find(':'); colon != std::string_view::npos && colon > 1) {
        // "s3://…", "cloudflare:https://…": a kind this version does not know, not a folder called "s3:".
        const std::string_view scheme = text.substr(0, colon);
        const bool schemeLike =
            scheme.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+-.") == std::string_view::npos;
        const bool urlLike = text.substr(colon + 1, 2) == "//";
        const bool storeName = scheme == "cloudflare" || scheme == "s3" || scheme == "d1" || scheme == "r2" ||
                               scheme == "libsql" || scheme == "http" || scheme == "https";
        if (schemeLike && (urlLike || storeName))
            throw std::invalid_argument("state source \"" + std::string(text) + "\": unknown kind \"" +
                                        std::string(scheme) +
                                        "\" (known: a folder, or sqlite:PATH; write ./" + std::string(text) +
                                        " for a folder of that name)");
    }
    return folder(fs::path(std::string(text)));
}

std::string SourceSpec::toString() const {
    if (kind == Kind::Sqlite)
        return std::string(kSqlitePrefix) + path.string();
    return path.string();
}

fs::path SourceSpec::projectFolder() const {
    if (kind == Kind::Folder)
        return path;
    const fs::path folder = path.parent_path();
    return folder.filename() == ".alchemy" ? folder.parent_path() : folder;
}

std::string SourceSpec::shortName() const {
    return path.filename().string();
}

} // namespace athanor

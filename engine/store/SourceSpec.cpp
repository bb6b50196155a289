#include "store/SourceSpec.h"

#include "store/DotAlchemyLayout.h"
#include "store/s3/S3Config.h"

#include <cstdlib>
#include <stdexcept>

namespace fs = std::filesystem;

namespace athanor {

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr std::string_view kCloudflarePrefix = "cloudflare:";
constexpr std::string_view kS3Prefix = "s3://";

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
    case SourceSpec::Kind::Cloudflare:
        return "cloudflare";
    case SourceSpec::Kind::S3:
        return "s3";
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

SourceSpec SourceSpec::cloudflare(std::string_view workerUrl) {
    std::string url(workerUrl);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    const bool http = url.starts_with("http://") || url.starts_with("https://");
    const size_t hostStart = url.find("://") + 3;
    if (!http || hostStart >= url.size() || url.find_first_of(" \t\r\n") != std::string::npos)
        throw std::invalid_argument("state source \"cloudflare:" + std::string(workerUrl) +
                                    "\": cloudflare: needs the state worker's URL, e.g. "
                                    "cloudflare:https://alchemy-state-service.<subdomain>.workers.dev");
    SourceSpec spec;
    spec.kind = Kind::Cloudflare;
    spec.remote = std::move(url);
    return spec;
}

SourceSpec SourceSpec::s3(std::string_view s3Text) {
    SourceSpec spec;
    spec.kind = Kind::S3;
    spec.remote = s3::S3Location::parse(s3Text).toString();
    return spec;
}

SourceSpec SourceSpec::parse(std::string_view text) {
    if (text.empty())
        throw std::invalid_argument(
            "an empty state source (give a folder, sqlite:PATH, cloudflare:URL or s3://BUCKET[/PREFIX])");
    if (text.substr(0, kCloudflarePrefix.size()) == kCloudflarePrefix)
        return cloudflare(text.substr(kCloudflarePrefix.size()));
    if (text.substr(0, kS3Prefix.size()) == kS3Prefix)
        return s3(text);
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
        if (scheme == "s3")
            return s3(text); // "s3:/bucket": S3Location says what is wrong
        if (schemeLike && (urlLike || storeName))
            throw std::invalid_argument(
                "state source \"" + std::string(text) + "\": unknown kind \"" + std::string(scheme) +
                "\" (known: a folder, sqlite:PATH, cloudflare:URL, s3://BUCKET[/PREFIX]; "
                "write ./" +
                std::string(text) + " for a folder of that name)");
    }
    return folder(fs::path(std::string(text)));
}

std::string SourceSpec::toString() const {
    if (kind == Kind::Cloudflare)
        return std::string(kCloudflarePrefix) + remote;
    if (kind == Kind::S3)
        return remote;
    if (kind == Kind::Sqlite)
        return std::string(kSqlitePrefix) + path.string();
    return path.string();
}

fs::path SourceSpec::projectFolder() const {
    if (kind == Kind::Folder)
        return path;
    if (isRemote())
        return fs::current_path();
    const fs::path folder = path.parent_path();
    return folder.filename() == ".alchemy" ? folder.parent_path() : folder;
}

std::string SourceSpec::shortName() const {
    if (kind == Kind::Cloudflare) {
        const size_t hostStart = remote.find("://") + 3;
        return remote.substr(hostStart, remote.find_first_of(":/", hostStart) - hostStart);
    }
    if (kind == Kind::S3)
        return remote.substr(kS3Prefix.size());
    return path.filename().string();
}

} // namespace athanor

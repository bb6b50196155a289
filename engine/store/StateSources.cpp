#include "store/StateSources.h"

#include "store/DotAlchemyLayout.h"
#include "store/IdCodec.h"
#include "store/cloudflare/CloudflareSource.h"
#include "store/folder/FolderSource.h"
#include "store/s3/S3Source.h"
#include "store/sqlite/SqliteSource.h"

#include <stdexcept>

namespace fs = std::filesystem;

namespace athanor {

namespace {

// Whether any app folder below .alchemy holds a record file (stops at the first one).
bool holdsRecordFiles(const fs::path& dotAlchemy) {
    std::error_code ec;
    for (const auto& app : fs::directory_iterator(dotAlchemy, ec)) {
        if (!app.is_directory(ec) || isReservedTopLevelName(app.path().filename().string()))
            continue;
        for (auto it = fs::recursive_directory_iterator(app.path(), ec); !ec && it != fs::end(it);
             it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (!name.empty() && name.front() == '.') {
                if (it->is_directory(ec))
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec) && isRecordFileName(name))
                return true;
        }
    }
    return false;
}

} // namespace

std::shared_ptr<StateSource> openStateSource(const SourceSpec& spec) {
    switch (spec.kind) {
    case SourceSpec::Kind::Folder:
        return std::make_shared<FolderSource>(spec);
    case SourceSpec::Kind::Sqlite:
        return std::make_shared<SqliteSource>(spec);
    case SourceSpec::Kind::Cloudflare:
        return std::make_shared<CloudflareSource>(spec);
    case SourceSpec::Kind::S3:
        return std::make_shared<S3Source>(spec);
    }
    throw std::invalid_argument("state source " + spec.toString() + ": unknown kind");
}

ResolvedSource resolveSourceSpec(const SourceSpec& spec) {
    if (spec.kind != SourceSpec::Kind::Folder)
        return {spec, {}};
    const DotAlchemyLayout layout = DotAlchemyLayout::forProject(spec.path);
    const fs::path database = layout.dotAlchemy / "state.sqlite";
    std::error_code ec;
    if (!fs::is_regular_file(database, ec) || holdsRecordFiles(layout.dotAlchemy))
        return {spec, {}};
    return {SourceSpec::sqlite(database),
            layout.dotAlchemy.string() +
                " holds no record files but Alchemy's SQLite state: opened state.sqlite (sqlite:" +
                database.string() + ")"};
}

std::shared_ptr<StateSource> openResolvedSource(const SourceSpec& spec, std::string* note) {
    ResolvedSource resolved = resolveSourceSpec(spec);
    if (note)
        *note = resolved.note;
    return openStateSource(resolved.spec);
}

} // namespace athanor

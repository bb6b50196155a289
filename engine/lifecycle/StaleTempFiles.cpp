#include "lifecycle/StaleTempFiles.h"

#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/ProcessIdentity.h"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace fs = std::filesystem;

namespace athanor {

namespace {

bool isStale(const fs::path& file, long writer) {
    if (!processExists(writer))
        return true;
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0)
        return false;
    const double written = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
    const std::optional<double> started = processStartEpochSeconds(writer);
    return started && *started > written + 1; // the pid was reused by a later process
}

// Removes `file` when it is a stale temp file whose target name starts with `prefix` (any when empty).
bool removeIfStale(const fs::path& file, std::string_view name, const std::string& prefix) {
    const std::optional<long> writer = tempFileWriter(name);
    if (!writer || name.compare(1, prefix.size(), prefix) != 0)
        return false;
    std::error_code ec;
    return isStale(file, *writer) && fs::remove(file, ec);
}

// Removes the stale temp files directly in `folder` whose target name starts with `prefix` (all when empty),
// and with `recurse` those in its folders too (not through symlinks). readdir, not std::filesystem's
// iterators, which build a path per entry: this walks every record of the stage before each run. With
// `listed`, each folder's record ids go to it (`relative`: the folder's path below .alchemy).
size_t sweep(const fs::path& folder, const std::string& prefix, bool recurse = false,
             const ListedFolder* listed = nullptr, const fs::path& relative = {}) {
    DIR* dir = ::opendir(folder.c_str());
    if (!dir)
        return 0;
    size_t removed = 0;
    std::vector<std::string> folders;
    std::vector<std::string> ids;
    while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name(entry->d_name);
        if (name == "." || name == "..")
            continue;
        if (tempFileWriter(name)) {
            removed += removeIfStale(folder / entry->d_name, name, prefix);
            continue;
        }
        if (listed && isRecordFileName(name)) {
            // A record file as FileSystemStateStore::list() takes it: a regular file, symlinks followed.
            bool file = entry->d_type == DT_REG;
            if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
                struct stat st {};
                file = ::fstatat(::dirfd(dir), entry->d_name, &st, 0) == 0 && S_ISREG(st.st_mode);
            }
            if (file)
                ids.push_back(fileNameToId(name));
        }
        if (!recurse)
            continue;
        bool isFolder = entry->d_type == DT_DIR;
        if (entry->d_type == DT_UNKNOWN) {
            struct stat st {};
            isFolder =
                ::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        }
        if (isFolder)
            folders.emplace_back(name);
    }
    ::closedir(dir);
    if (listed) {
        std::sort(ids.begin(), ids.end());
        (*listed)(relative, std::move(ids));
    }
    for (const std::string& name : folders)
        removed += sweep(folder / name, prefix, true, listed, listed ? relative / name : fs::path());
    return removed;
}

} // namespace

size_t removeStaleTempFiles(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                            const fs::path& lockFolder, const ListedFolder& listed) {
    const fs::path stageRelative = scopeFolderPath({app, stage});
    size_t removed =
        sweep(layout.dotAlchemy / stageRelative, "", true, listed ? &listed : nullptr, stageRelative);
    const std::string record = idToRecordPath(stage); // "dev.json": its temp is ".dev.json.athanor-..."
    if (record.find('/') == std::string::npos)
        removed += sweep(layout.dotAlchemy / app, record + ".athanor-");
    removed += sweep(lockFolder, "");
    // Run history (history/RunHistory.h) is shared by every stage; its temp files are stale by their writer's
    // pid alone, which is all `sweep` removes, so a run of any stage may clear them.
    removed += sweep(layout.dotAlchemy / ".athanor" / "runs", "");
    // So is the version store (versions/RecordVersions.h): a run or repair killed while it wrote an
    // operation's file leaves its temp file there.
    removed += sweep(layout.dotAlchemy / ".athanor" / "history", "");
    return removed;
}

} // namespace athanor

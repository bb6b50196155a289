#include "lifecycle/StaleTempFiles.h"

#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/ProcessIdentity.h"

#include <sys/stat.h>

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

// Removes `entry` when it is a stale temp file whose target name starts with `prefix` (any when empty).
bool removeIfStale(const fs::directory_entry& entry, const std::string& prefix) {
    const std::string name = entry.path().filename().string();
    const std::optional<long> writer = tempFileWriter(name);
    if (!writer || name.compare(1, prefix.size(), prefix) != 0)
        return false;
    std::error_code ec;
    return isStale(entry.path(), *writer) && fs::remove(entry.path(), ec);
}

// Removes the stale temp files directly in `folder` whose target name starts with `prefix` (all when empty).
size_t sweep(const fs::path& folder, const std::string& prefix) {
    size_t removed = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        removed += removeIfStale(*it, prefix);
    return removed;
}

} // namespace

size_t removeStaleTempFiles(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                            const fs::path& lockFolder) {
    const fs::path stageDir = layout.dotAlchemy / scopeFolderPath({app, stage});
    // One walk of the stage: every file in it and in its folders (not through symlinked folders).
    size_t removed = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(stageDir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_symlink(ec))
            it.disable_recursion_pending();
        removed += removeIfStale(*it, "");
    }
    const std::string record = idToRecordPath(stage); // "dev.json": its temp is ".dev.json.athanor-..."
    if (record.find('/') == std::string::npos)
        removed += sweep(layout.dotAlchemy / app, record + ".athanor-");
    removed += sweep(lockFolder, "");
    // Run history (history/RunHistory.h) is shared by every stage; its temp files are stale by their writer's
    // pid alone, which is all `sweep` removes, so a run of any stage may clear them.
    removed += sweep(layout.dotAlchemy / ".athanor" / "runs", "");
    return removed;
}

} // namespace athanor

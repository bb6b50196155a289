#pragma once

#include "store/DotAlchemyLayout.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace athanor {

// Temp files that the writes of killed runs left behind (".<name>.athanor-<pid>-<n>.tmp", AtomicFile.h),
// removed by a run once it holds the stage lock (so no other Athanor writes there): in the stage's folder and
// below, beside the stage's own record (this stage's only), in its lock folder, in the run history folder and
// in the version store. A temp file is stale when its writer is gone, or when its pid belongs to a process
// started after the file was written (a reused pid). Returns how many were removed.
// `listed` (may be empty) gets each folder of the stage the sweep read whole: its path relative to .alchemy
// and the ids of its record files, sorted, as FileSystemStateStore::list() gives them (the run's finalize
// uses them instead of listing every folder again).
using ListedFolder = std::function<void(const std::filesystem::path& relative, std::vector<std::string> ids)>;
size_t removeStaleTempFiles(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                            const std::filesystem::path& lockFolder, const ListedFolder& listed = {});

} // namespace athanor

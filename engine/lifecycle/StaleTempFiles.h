#pragma once

#include "store/DotAlchemyLayout.h"

#include <cstddef>
#include <string>

namespace athanor {

// Temp files that the writes of killed runs left behind (".<name>.athanor-<pid>-<n>.tmp", AtomicFile.h),
// removed by a run once it holds the stage lock (so no other Athanor writes there): in the stage's folder and
// below, beside the stage's own record (this stage's only), in its lock folder, in the run history folder and
// in the version store. A temp file is stale when its writer is gone, or when its pid belongs to a process
// started after the file was written (a reused pid). Returns how many were removed.
size_t removeStaleTempFiles(const DotAlchemyLayout& layout, const std::string& app, const std::string& stage,
                            const std::filesystem::path& lockFolder);

} // namespace athanor

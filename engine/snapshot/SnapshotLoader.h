#pragma once

#include "snapshot/StateSnapshot.h"

#include <filesystem>
#include <memory>
#include <string>

namespace athanor {

struct SnapshotOptions {
    std::string app;      // only this app (empty: all)
    std::string stage;    // only this stage (empty: all)
    unsigned threads = 0; // reader threads; 0 = one per core (at most 8)
};

// Walks <project>/.alchemy and reads every record. Safe to call from any thread; touches no shared state.
// A file that cannot be read or parsed becomes a record with `error` set; everything else still loads.
std::shared_ptr<const StateSnapshot> loadSnapshot(const std::filesystem::path& projectOrDotAlchemy,
                                                  const SnapshotOptions& options = {});

} // namespace athanor

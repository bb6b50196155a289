#pragma once

#include "store/StateSource.h"

#include <memory>
#include <string>

namespace athanor {

// Opens exactly the source `spec` names (nothing is read or created yet). Throws std::invalid_argument for
// a kind this build cannot open.
std::shared_ptr<StateSource> openStateSource(const SourceSpec& spec);

// What a user means by a source: a folder whose .alchemy holds no record files but Alchemy's state.sqlite
// means that database (Alchemy's SQLiteStateStore keeps it there). `note` says so when it happened.
struct ResolvedSource {
    SourceSpec spec;
    std::string note;
};
ResolvedSource resolveSourceSpec(const SourceSpec& spec);

// resolveSourceSpec() + openStateSource().
std::shared_ptr<StateSource> openResolvedSource(const SourceSpec& spec, std::string* note = nullptr);

} // namespace athanor

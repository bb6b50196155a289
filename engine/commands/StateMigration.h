#pragma once

#include "store/StateSource.h"

#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

namespace athanor {

struct MigrationOptions {
    bool overwrite = false; // write into a target that already holds records (same addresses replaced)
    // The apps to copy from a source that cannot list its apps (a Cloudflare worker); the target is then
    // checked for records of the apps copied.
    std::vector<std::string> apps = {};
};

// What a copy did. It succeeded when nothing was refused or failed and every copied record read back from
// the target equal to what was written.
struct MigrationReport {
    size_t sourceRecords = 0;       // records in the source (unreadable ones included)
    size_t targetRecordsBefore = 0; // records the target held before
    size_t copied = 0;
    size_t verified = 0; // copied records read back from the target with identical content
    size_t reformatted =
        0;             // written as Alchemy writes them (a hand-edited source file, e.g. a trailing newline)
    size_t failed = 0; // not copied (unreadable, refused by the target) or not read back identical
    bool refused = false;   // the target held records and overwrite was not asked for: nothing was written
    bool cancelled = false; // stopped on request: the target holds the records copied so far
    std::vector<std::string> problems; // one line per failed record, naming it
    std::vector<std::string> warnings; // copied, but worth knowing (hazard §14.7)
    std::string targetDescription;

    bool succeeded() const { return !refused && !cancelled && failed == 0 && verified == copied; }
};

// Progress of a copy: records copied and then verified so far, out of twice the source's records.
using MigrationProgress = std::function<void(size_t done, size_t total)>;

// Copies every record of every app, stage and scope of `from` into `to`, in serialized form (ciphertexts are
// carried over, nothing is decrypted), then reads each one back from `to` and compares. A record that cannot
// be read is reported and skipped; the rest is copied. Throws SourceUnavailableError when either source
// cannot be used at all, std::invalid_argument when both are the same place.
MigrationReport migrateState(StateSource& from, StateSource& to, const MigrationOptions& options,
                             const MigrationProgress& progress = {}, std::stop_token cancel = {});

} // namespace athanor

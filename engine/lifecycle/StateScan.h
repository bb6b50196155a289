#pragma once

#include "state/StateRecord.h"
#include "store/DotAlchemyLayout.h"
#include "store/RecordLocation.h"

#include <optional>
#include <string>
#include <vector>

namespace athanor {

// One record file found below a scope folder.
struct ScannedRecord {
    std::string relativePath; // relative to .alchemy
    std::optional<StateRecord> record;
    std::string unreadable; // why it could not be read or parsed (record is empty then)
    RecordPlacement placement;
    std::string location; // a source's own words for where it is (a database row); empty: the file
};

// Every record file (*.json, not hidden) in `folder` (relative to .alchemy) and all its sub-folders, read and
// parsed by a few threads, each placed by placeRecord(). Destroy works from this rather than from the store's
// per-folder lists, so that no record below a stage is removed without its provider: Alchemy's deinit removes
// sub-folders wholesale (reference §5.3), which would drop the records of ids with a '\' (stored in
// sub-folders) and of nested folders without an owner record. Symlinked folders are not entered. Sorted by
// path.
std::vector<ScannedRecord> scanRecords(const DotAlchemyLayout& layout, const std::string& folder);

class StateSource;
// The same for a source that is not a folder (a database): every record whose scope chain starts with
// `chain`, read through the source; relativePath is where a folder would keep it (recordPath()), so
// placement and ordering are decided exactly as for files.
std::vector<ScannedRecord> scanSourceRecords(StateSource& source, const std::vector<std::string>& chain);

} // namespace athanor

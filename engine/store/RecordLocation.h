#pragma once

#include "state/StateRecord.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Whether a record file sits exactly where Alchemy keeps the record its own "id" and "fqn" name. The one
// check that `state check`, the snapshot, up (orphans) and destroy share: a record that fails it (a backup
// copy such as f1.bak.json holding f1's record, a record moved to another stage, an id with "..") is
// reported and left alone, never deleted and never taken for another resource.
struct RecordPlacement {
    std::string scopeFolder;           // the owning scope's folder, relative to .alchemy ("shop/dev")
    std::string id;                    // the record's id (from the file name when the record has none)
    std::string fqn;                   // the record's fqn when it matches, else the one its location gives
    std::vector<std::string> problems; // one line each; empty: it is where it belongs

    bool ok() const { return problems.empty(); }
};

// `relativePath`: the file relative to .alchemy ("shop/dev/back/slash.json"). `idField` / `fqnField`: the
// record's "id" and "fqn" strings (nullopt when absent, as in the legacy shape, or not strings).
// `emptyFqnAllowed`: naked scope records, which Alchemy writes with "fqn": "".
RecordPlacement placeRecord(std::string_view relativePath, const std::optional<std::string>& idField,
                            const std::optional<std::string>& fqnField, bool emptyFqnAllowed);
// The same for a parsed record (its "id" and "fqn" when they are strings; none for the legacy shape).
RecordPlacement placeRecord(std::string_view relativePath, const StateRecord& record);

} // namespace athanor

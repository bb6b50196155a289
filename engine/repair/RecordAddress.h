#pragma once

#include "repair/RepairSource.h"
#include "state/RecordKey.h"

#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// The non-empty '/'-separated parts of an FQN ("shop//dev/" -> shop, dev).
std::vector<std::string> splitFqn(std::string_view fqn);

// Every existing record an FQN can name: ids may hold '/', so "shop/dev/routes/api" is the record
// "routes/api" of shop/dev or the record "api" of shop/dev/routes (the stage record shop/dev lives in the
// app's store). Only keys whose record exists are returned.
std::vector<RecordKey> findRecords(RepairSource& source, std::string_view fqn);
// Exactly one record; RepairError naming the FQN and the source when there is none, or listing the
// candidates when it is ambiguous.
RecordKey resolveRecord(RepairSource& source, std::string_view fqn);

// The key a new FQN gives a record that does not exist yet: when it starts with `sameScopeAs`'s chain the
// rest is the id (ids may hold '/'), else the last part is the id and the rest the scope.
RecordKey keyForNewFqn(std::string_view fqn, const RecordKey& sameScopeAs);

// Every record stored in `chain`'s scope and the scopes below it: each scope's records (ids sorted) before
// its child scopes (names sorted).
std::vector<RecordKey> recordsUnder(RepairSource& source, const std::vector<std::string>& chain);

} // namespace athanor

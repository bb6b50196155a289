#pragma once

#include "snapshot/StateSnapshot.h"

namespace athanor {

// The walk names records after their folders and files; a record whose id holds a '\' lives in sub-folders
// of its scope's folder ("back\slash" at <stage>/back/slash.json, where real Alchemy keeps it). This moves
// such a record, when placeRecord() confirms it is where its id and fqn put it, to its scope under its own id
// and fqn, and drops the folder nodes that only held it.
void placeRecordsByTheirIds(StateSnapshot& snap);

} // namespace athanor

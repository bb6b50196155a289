#pragma once

#include "snapshot/StateSnapshot.h"

#include <QString>

namespace athanor::ui {

// How a record's status reads in the UI. Creating/updating/deleting are persisted only while a run is in
// flight, so in a resting tree they mean the last run was interrupted.
enum class StatusCategory {
    None,
    Created,
    Updated,
    Creating,
    Updating,
    Deleting,
    Deleted,
    Unknown,
    Unreadable
};

StatusCategory statusCategoryOf(const SnapshotRecord& record);
bool isInterrupted(StatusCategory category);
// Short badge text ("created", "creating", "unreadable").
QString statusBadgeText(StatusCategory category);
// A sentence for tooltips and the details header.
QString statusExplanation(StatusCategory category);

} // namespace athanor::ui

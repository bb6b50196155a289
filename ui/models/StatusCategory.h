#pragma once

#include "snapshot/StateSnapshot.h"

#include <QString>

namespace athanor::ui {

struct ResourceRun;

// How a record's status reads in the UI. Creating/updating/deleting are persisted only while a run is in
// flight; what such a record means comes from the runs (shownStatus): running now, failed in the last run,
// or interrupted. PendingDeletion is an old copy waiting in a scope's data.pendingDeletions.
enum class StatusCategory {
    None,
    Created,
    Updated,
    Creating,
    Updating,
    Deleting,
    Deleted,
    Unknown,
    Unreadable,
    Running,
    Failed,
    Interrupted,
    PendingDeletion
};

StatusCategory statusCategoryOf(const SnapshotRecord& record);
// The record says a change is in flight (creating / updating / deleting).
bool isInterrupted(StatusCategory category);
// What a resource shows once runs are taken into account: a live run applying it, a failure in the last run
// for a record left in flight, else an in-flight record is interrupted; settled records show their status.
StatusCategory shownStatus(StatusCategory record, const ResourceRun* run);
// Failed, interrupted, unreadable and pending deletions: what the "Needs attention" lists hold.
bool needsAttention(StatusCategory shown);
// Short badge text ("created", "creating", "unreadable").
QString statusBadgeText(StatusCategory category);
// A sentence for tooltips and the details header.
QString statusExplanation(StatusCategory category);

} // namespace athanor::ui

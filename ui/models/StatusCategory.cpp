#include "models/StatusCategory.h"

#include "models/RunActivity.h"

#include <QCoreApplication>

namespace athanor::ui {

StatusCategory statusCategoryOf(const SnapshotRecord& record) {
    if (!record.ok())
        return StatusCategory::Unreadable;
    const auto status = record.statusValue();
    if (!status)
        return StatusCategory::Unknown;
    switch (*status) {
    case ResourceStatus::Creating:
        return StatusCategory::Creating;
    case ResourceStatus::Created:
        return StatusCategory::Created;
    case ResourceStatus::Updating:
        return StatusCategory::Updating;
    case ResourceStatus::Updated:
        return StatusCategory::Updated;
    case ResourceStatus::Deleting:
        return StatusCategory::Deleting;
    case ResourceStatus::Deleted:
        return StatusCategory::Deleted;
    }
    return StatusCategory::Unknown;
}

bool isInterrupted(StatusCategory category) {
    return category == StatusCategory::Creating || category == StatusCategory::Updating ||
           category == StatusCategory::Deleting;
}

StatusCategory shownStatus(StatusCategory record, const ResourceRun* run) {
    if (run && run->state == ResourceRun::State::Running)
        return StatusCategory::Running;
    if (!isInterrupted(record))
        return record;
    if (!run)
        return StatusCategory::Interrupted;
    if (run->state == ResourceRun::State::Failed)
        return StatusCategory::Failed;
    // Done by the live run, the record on screen not yet reloaded: what the run's last event said.
    return run->settledAs != StatusCategory::None ? run->settledAs : record;
}

bool needsAttention(StatusCategory shown) {
    return shown == StatusCategory::Failed || shown == StatusCategory::Interrupted || isInterrupted(shown) ||
           shown == StatusCategory::Unreadable || shown == StatusCategory::PendingDeletion;
}

QString statusBadgeText(StatusCategory category) {
    switch (category) {
    case StatusCategory::None:
        return {};
    case StatusCategory::Created:
        return QStringLiteral("created");
    case StatusCategory::Updated:
        return QStringLiteral("updated");
    case StatusCategory::Creating:
        return QStringLiteral("creating");
    case StatusCategory::Updating:
        return QStringLiteral("updating");
    case StatusCategory::Deleting:
        return QStringLiteral("deleting");
    case StatusCategory::Deleted:
        return QStringLiteral("deleted");
    case StatusCategory::Unknown:
        return QStringLiteral("unknown");
    case StatusCategory::Unreadable:
        return QStringLiteral("unreadable");
    case StatusCategory::Running:
        return QStringLiteral("running");
    case StatusCategory::Failed:
        return QStringLiteral("failed");
    case StatusCategory::Interrupted:
        return QStringLiteral("interrupted");
    case StatusCategory::PendingDeletion:
        return QStringLiteral("pending deletion");
    }
    return {};
}

QString statusExplanation(StatusCategory category) {
    switch (category) {
    case StatusCategory::Created:
        return QCoreApplication::translate("Status", "Created by the last run.");
    case StatusCategory::Updated:
        return QCoreApplication::translate("Status", "Updated by the last run.");
    case StatusCategory::Creating:
    case StatusCategory::Updating:
    case StatusCategory::Deleting:
        return QCoreApplication::translate(
            "Status", "Interrupted or in progress: a run started this change and has not "
                      "recorded its end. The next deploy retries it.");
    case StatusCategory::Deleted:
        return QCoreApplication::translate("Status", "Marked deleted (written by an older Alchemy).");
    case StatusCategory::Unknown:
        return QCoreApplication::translate("Status", "The record has no status Alchemy knows.");
    case StatusCategory::Unreadable:
        return QCoreApplication::translate("Status", "The record file cannot be read as an Alchemy record.");
    case StatusCategory::Running:
        return QCoreApplication::translate("Status", "A run is applying this resource now.");
    case StatusCategory::Failed:
        return QCoreApplication::translate(
            "Status",
            "Failed in the last run: its handler reported an error, so the record stays as that run "
            "left it. The next deploy retries it.");
    case StatusCategory::Interrupted:
        return QCoreApplication::translate(
            "Status", "Interrupted: a run started this change and stopped before recording its end (its "
                      "process was killed or crashed). The next deploy retries it.");
    case StatusCategory::PendingDeletion:
        return QCoreApplication::translate(
            "Status",
            "The old copy of a replaced resource, kept in the scope's data.pendingDeletions. Alchemy "
            "deletes it when the scope's next run ends without errors.");
    case StatusCategory::None:
        break;
    }
    return {};
}

} // namespace athanor::ui

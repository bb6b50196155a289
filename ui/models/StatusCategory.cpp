#include "models/StatusCategory.h"

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
    case StatusCategory::None:
        break;
    }
    return {};
}

} // namespace athanor::ui

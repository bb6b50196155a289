#pragma once

#include "repair/RepairPlan.h"

#include <QObject>
#include <QString>
#include <functional>
#include <memory>

class QWidget;

namespace athanor::ui {

// How a repair write ended.
struct RepairWriteResult {
    enum class End { Written, Failed, Declined };
    End end = End::Failed;
    QString title;   // the plan's title (empty when it could not be planned)
    QString message; // Failed: why (naming the record, the source); Declined: that nothing was written
};

// Plans a repair and writes it off the GUI thread under its stage locks, keeping every before-image (the
// one way the GUI's repairs write: the repair menu, its dialogs, Change Password, Undo Last Repair, the
// History tab's restore). On a source that cannot keep a second writer off the stage it first asks the
// question the deploy dock asks before a run (widgets/StageLockQuestion, parented to `dialogParent`): "Run
// without a stage lock" writes this one plan without the lock, Cancel writes nothing (Declined). `open`
// and `planner` run on a worker thread; `finished` runs on the GUI thread, unless `context` is gone.
void writeRepair(QObject* context, QWidget* dialogParent,
                 std::function<std::shared_ptr<athanor::RepairSource>()> open,
                 std::function<athanor::RepairPlan(athanor::RepairSource&)> planner,
                 std::function<void(const RepairWriteResult&)> finished);

} // namespace athanor::ui

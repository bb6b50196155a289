#include "repair/RepairWrite.h"

#include "widgets/StageLockQuestion.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QPointer>
#include <QStringList>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

namespace athanor::ui {

namespace {

// What the worker hands back: written or failed, or the plan waiting for the user's consent to write it
// without a stage lock.
struct Step {
    RepairWriteResult result;
    std::shared_ptr<athanor::RepairSource> source;
    std::shared_ptr<const athanor::RepairPlan> plan;
    QString noLockReason; // non-empty: ask before writing `plan`
};

void applyOn(Step& step) {
    try {
        athanor::applyRepair(*step.source, *step.plan);
        step.result.end = RepairWriteResult::End::Written;
    } catch (const std::exception& e) {
        step.result.end = RepairWriteResult::End::Failed;
        step.result.message = QString::fromStdString(e.what());
    }
}

QString stagesText(const athanor::RepairPlan& plan) {
    QStringList stages;
    for (const auto& [app, stage] : plan.stages())
        stages << QString::fromStdString(app + "/" + stage);
    return stages.join(QStringLiteral(", "));
}

template <typename Work, typename Then>
void offThread(QObject* context, Work work, Then then) {
    auto* watcher = new QFutureWatcher<Step>(context);
    QObject::connect(watcher, &QFutureWatcher<Step>::finished, context, [watcher, then = std::move(then)] {
        watcher->deleteLater();
        then(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace

void writeRepair(QObject* context, QWidget* dialogParent,
                 std::function<std::shared_ptr<athanor::RepairSource>()> open,
                 std::function<athanor::RepairPlan(athanor::RepairSource&)> planner,
                 std::function<void(const RepairWriteResult&)> finished) {
    QPointer<QWidget> parent = dialogParent;
    offThread(
        context,
        [open = std::move(open), planner = std::move(planner)]() -> Step {
            Step step;
            try {
                step.source = open();
                auto plan = std::make_shared<athanor::RepairPlan>(planner(*step.source));
                step.plan = plan;
                step.result.title = QString::fromStdString(plan->title);
                // Asked before the lock is taken (S3 probes its endpoint once per source object).
                if (!plan->empty() && !plan->stages().empty() && !step.source->noLock()) {
                    const athanor::StageLockSupport support = step.source->state().stageLockSupport();
                    if (!support.excludesWriters) {
                        step.noLockReason = QString::fromStdString(support.reason);
                        return step;
                    }
                }
            } catch (const std::exception& e) {
                step.result.message = QString::fromStdString(e.what());
                return step;
            }
            applyOn(step);
            return step;
        },
        [context, parent, finished](const Step& step) {
            if (step.noLockReason.isEmpty()) {
                finished(step.result);
                return;
            }
            QMessageBox* question = makeStageLockQuestion(
                parent,
                QCoreApplication::translate("athanor::ui::RepairWrite", "Repair “%1”").arg(step.result.title),
                stagesText(*step.plan), step.noLockReason);
            question->setAttribute(Qt::WA_DeleteOnClose);
            QObject::connect(question, &QMessageBox::finished, context, [context, question, step, finished] {
                if (!runsWithoutLock(question)) {
                    RepairWriteResult declined = step.result;
                    declined.end = RepairWriteResult::End::Declined;
                    declined.message = QCoreApplication::translate(
                        "athanor::ui::RepairWrite", "Nothing was written: without a stage lock, another "
                                                    "run could write the stage at the same time.");
                    finished(declined);
                    return;
                }
                offThread(
                    context,
                    [step] {
                        Step unlocked = step;
                        unlocked.source->setNoLock(true); // this plan only: the source object is this write's
                        applyOn(unlocked);
                        return unlocked;
                    },
                    [finished](const Step& done) { finished(done.result); });
            });
            question->open();
        });
}

} // namespace athanor::ui

#include "deploy/DeployConfirmations.h"

#include "deploy/PlanDialog.h"
#include "deploy/RunController.h"
#include "deploy/RunOutcome.h"
#include "deploy/RunSummaryWidget.h"
#include "widgets/StageLockQuestion.h"

#include <QDialog>
#include <QMessageBox>
#include <QPushButton>

namespace athanor::ui {

using athanor::Phase;

DeployConfirmations::DeployConfirmations(RunController* controller, RunSummaryWidget* summary,
                                         QWidget* dialogParent)
    : QObject(dialogParent), m_controller(controller), m_summary(summary), m_parent(dialogParent),
      m_preview(new DestroyPreview(this)), m_lockCheck(new StageLockCheck(this)) {
    connect(m_preview, &DestroyPreview::runningChanged, this, &DeployConfirmations::pendingChanged);
    connect(m_preview, &DestroyPreview::finished, this, &DeployConfirmations::onDestroyPreviewed);
    connect(m_lockCheck, &StageLockCheck::runningChanged, this, &DeployConfirmations::pendingChanged);
    connect(m_lockCheck, &StageLockCheck::finished, this, &DeployConfirmations::onStageLockChecked);
}

void DeployConfirmations::discard() {
    m_preview->discard();
    m_lockCheck->discard();
    m_lockPending = {};
}

void DeployConfirmations::checkStageLock(const QString& specText, Phase phase, const QString& stage,
                                         std::function<void(bool noLock)> proceed) {
    if (!m_lockCheck->start(specText))
        return; // one at a time: the buttons are disabled while a check runs
    m_lockPending = {phase, stage, std::move(proceed)};
}

void DeployConfirmations::onStageLockChecked(const StageLockCheck::Result& result) {
    PendingLockCheck pending = std::exchange(m_lockPending, {});
    if (!pending.proceed)
        return;
    if (result.reason.isEmpty()) {
        pending.proceed(false);
        return;
    }
    QMessageBox* question =
        makeStageLockQuestion(m_parent, phaseTitle(pending.phase), pending.stage, result.reason);
    connect(question, &QMessageBox::finished, this, [this, question, pending] {
        if (runsWithoutLock(question)) {
            m_dialog = nullptr; // the gate opens for the run it allowed
            pending.proceed(true);
            return;
        }
        m_summary->showMessage(tr("%1 on stage <b>%2</b> was not run: it would have had no stage lock.")
                                   .arg(phaseTitle(pending.phase), pending.stage.toHtmlEscaped()),
                               RunSummaryWidget::Tone::Muted);
    });
    showDialog(question);
}

bool DeployConfirmations::ensurePassword(Phase phase, const PasswordNeed& need) {
    if (m_controller->hasPasswords() || qEnvironmentVariableIsSet("ALCHEMY_PASSWORD"))
        return true;
    if (need.stackHasPassword)
        return true;
    const bool stackSecrets = phase != Phase::Destroy && need.declaredSecrets;
    if (!need.stateSecrets && !stackSecrets)
        return true;
    if (!m_passwordPrompt)
        return true; // the engine will say which password is missing
    const QString reason =
        need.stateSecrets ? tr("Stage %1 holds encrypted secrets. Enter the password to use them for this "
                               "run; it stays in memory for this session only.")
                                .arg(need.stage)
                          : tr("The %1 declares secrets. Enter the password to encrypt them; it stays in "
                               "memory for this session only.")
                                .arg(need.program ? tr("program") : tr("stack"));
    auto password = m_passwordPrompt(m_parent, reason);
    if (!password || password->empty()) {
        m_summary->showMessage(
            tr("%1 needs a password to open the stage's secrets; nothing was run.").arg(phaseTitle(phase)),
            RunSummaryWidget::Tone::Warning);
        return false;
    }
    m_controller->addPassword(std::move(*password));
    return true;
}

void DeployConfirmations::showPlan(const RunOutcome& outcome, bool forUp) {
    auto* dialog = new PlanDialog(forUp ? PlanDialog::Mode::Confirm : PlanDialog::Mode::Review,
                                  QString::fromStdString(outcome.report.app).isEmpty()
                                      ? outcome.request.app
                                      : QString::fromStdString(outcome.report.app),
                                  outcome.request.stage, outcome.report.plan, m_parent);
    if (forUp) {
        std::vector<TaskListModel::Planned> planned;
        for (const auto& c : outcome.report.plan)
            planned.push_back({QString::fromStdString(c.fqn), QString::fromStdString(c.kind)});
        const QString planStage = outcome.request.stage;
        connect(dialog, &QDialog::accepted, this, [this, planned, planStage] {
            // The dialog is closing but still the pending dialog until it is gone; clear it so the gate
            // opens.
            m_dialog = nullptr;
            emit upConfirmed(planStage, planned);
        });
        connect(dialog, &QDialog::rejected, this, [this, planStage] {
            m_summary->showMessage(
                tr("Up on stage <b>%1</b> was not applied; nothing changed.").arg(planStage.toHtmlEscaped()),
                RunSummaryWidget::Tone::Muted);
        });
    }
    showDialog(dialog);
}

void DeployConfirmations::checkDestroy(const DeployRequest& request, QHash<QString, QString> statusOf) {
    m_statusOf = std::move(statusOf);
    m_preview->start(request);
}

void DeployConfirmations::onDestroyPreviewed(std::shared_ptr<const DestroyPreview::Result> result) {
    const QHash<QString, QString> statusOf = std::exchange(m_statusOf, {});
    if (result->refusal) {
        m_summary->showOutcome(*result->refusal);
        emit destroyRefused(*result->refusal);
        return;
    }
    // What the dialog lists is what the engine will delete, in its order; the state's status beside each.
    std::vector<DestroyConfirmDialog::Item> items;
    for (const auto& change : result->deletions) {
        const QString fqn = QString::fromStdString(change.fqn);
        items.push_back({fqn, QString::fromStdString(change.kind),
                         statusOf.value(fqn, QString::fromStdString(change.reason))});
    }
    confirmDestroy(result->request.app, result->request.stage, items);
}

void DeployConfirmations::confirmDestroy(const QString& app, const QString& stage,
                                         const std::vector<DestroyConfirmDialog::Item>& items) {
    auto* dialog = new DestroyConfirmDialog(app, stage, items, m_parent);
    connect(dialog, &QDialog::accepted, this, [this, items] {
        std::vector<TaskListModel::Planned> planned;
        for (const auto& i : items)
            planned.push_back({i.fqn, i.kind});
        m_dialog = nullptr; // the gate opens for the run it confirmed
        emit destroyConfirmed(planned);
    });
    showDialog(dialog);
}

void DeployConfirmations::showDialog(QDialog* dialog) {
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    m_dialog = dialog;
    connect(dialog, &QDialog::finished, this, [this] {
        m_dialog = nullptr;
        emit pendingChanged();
    });
    emit pendingChanged();
    dialog->open();
}

} // namespace athanor::ui

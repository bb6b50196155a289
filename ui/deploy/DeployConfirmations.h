#pragma once

#include "deploy/DeployRequest.h"
#include "deploy/DestroyConfirmDialog.h"
#include "deploy/DestroyPreview.h"
#include "deploy/StageLockCheck.h"
#include "deploy/TaskListModel.h"
#include "secrets/SecureString.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QDialog;
class QWidget;

namespace athanor::ui {

class RunController;
class RunSummaryWidget;
struct RunOutcome;

// What is asked before a run: the plan Up applies only once confirmed, the destroy dialog (the built-in
// engine's dry run first: its refusal instead of a dialog, or exactly its deletions in the dialog), the
// password a run needs for the stage's secrets, and whether to run without a stage lock on a source that
// cannot exclude concurrent runs. One dialog at a time, window-modal; pendingDialog() says
// which is open.
class DeployConfirmations : public QObject {
    Q_OBJECT

public:
    // Asks for a password (the inspector's unlock dialog); nullopt when the user cancels.
    using PasswordPrompt = std::function<std::optional<SecureString>(QWidget* parent, const QString& reason)>;
    struct PasswordNeed {
        bool stateSecrets = false;     // the stage's records hold secrets
        bool declaredSecrets = false;  // the stack or program declares secrets
        bool stackHasPassword = false; // the stack file brings its own
        bool program = false;
        QString stage;
    };

    // Dialogs are children of `dialogParent`.
    DeployConfirmations(RunController* controller, RunSummaryWidget* summary, QWidget* dialogParent);

    void setPasswordPrompt(PasswordPrompt prompt) { m_passwordPrompt = std::move(prompt); }
    QDialog* pendingDialog() const { return m_dialog; }
    bool isCheckingDestroy() const { return m_preview->isRunning(); }
    bool isCheckingStageLock() const { return m_lockCheck->isRunning(); }
    // The project changed: a destroy or lock check still in flight no longer matters.
    void discard();

    // Before a run that writes (Up, Destroy) on `specText`: whether the source can lock the stage, checked
    // off the GUI thread (S3 probes its endpoint). Where it cannot, asks once, naming the source and why:
    // "Run without a stage lock" calls `proceed(true)` (--no-lock for that run only), Cancel runs nothing
    // and the banner says so. Where it can, `proceed(false)` at once after the check.
    void checkStageLock(const QString& specText, athanor::Phase phase, const QString& stage,
                        std::function<void(bool noLock)> proceed);

    // True when a run of `phase` has the password it needs (asking for it when the state or the stack holds
    // secrets); false when the user cancels, which the banner says.
    bool ensurePassword(athanor::Phase phase, const PasswordNeed& need);
    // A plan ended: shown for review, or (forUp) to confirm before Up applies it.
    void showPlan(const RunOutcome& plan, bool forUp);
    // The built-in engine's destroy: its dry run off the GUI thread, then its refusal (destroyRefused) or the
    // dialog listing its deletions. `statusOf`: the state's status of each record, shown beside it.
    void checkDestroy(const DeployRequest& request, QHash<QString, QString> statusOf);
    // The destroy dialog for `items` (a program's destroy: the records state holds).
    void confirmDestroy(const QString& app, const QString& stage,
                        const std::vector<DestroyConfirmDialog::Item>& items);

signals:
    void pendingChanged();
    void upConfirmed(const QString& stage, const std::vector<athanor::ui::TaskListModel::Planned>& planned);
    void destroyConfirmed(const std::vector<athanor::ui::TaskListModel::Planned>& planned);
    // The engine would refuse the destroy; the banner shows why.
    void destroyRefused(const athanor::ui::RunOutcome& refusal);

private:
    void onDestroyPreviewed(std::shared_ptr<const DestroyPreview::Result> result);
    void onStageLockChecked(const StageLockCheck::Result& result);
    void showDialog(QDialog* dialog);

    RunController* m_controller;
    RunSummaryWidget* m_summary;
    QWidget* m_parent;
    DestroyPreview* m_preview;
    QHash<QString, QString> m_statusOf; // of the destroy being checked
    StageLockCheck* m_lockCheck;
    struct PendingLockCheck {
        athanor::Phase phase = athanor::Phase::Up;
        QString stage;
        std::function<void(bool noLock)> proceed;
    } m_lockPending; // of the lock check in flight
    PasswordPrompt m_passwordPrompt;
    QPointer<QDialog> m_dialog;
};

} // namespace athanor::ui

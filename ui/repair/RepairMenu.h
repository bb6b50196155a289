#pragma once

#include "lifecycle/Phase.h"

#include <QList>
#include <QModelIndex>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <string>

class QAbstractItemView;
class QDialog;
class QAction;
class QMenu;
class QMessageBox;
class QWidget;

namespace athanor {
class RepairSource;
struct RepairPlan;
} // namespace athanor

namespace athanor::ui {

class SecretVault;
class StateSession;

// The tree's context menu of repairs (engine/repair): settle a record left creating / updating, forget a
// record (with its nested records), drop a pending deletion, undo the last repair. Each action plans off the
// GUI thread, shows exactly what it will write (the same preview athanorctl prints) and asks once; forgetting
// more than a few records needs the stage name typed, as Destroy does. Writes run off the GUI thread under
// the stage lock; the session reloads afterwards.
class RepairMenu : public QObject {
    Q_OBJECT
public:
    RepairMenu(QAbstractItemView* tree, StateSession* session, QWidget* dialogParent);

    // The menu for the tree row at `index` (a record's FQN, or a pending deletion row).
    QMenu* menuFor(const QModelIndex& index, QWidget* parent);
    // The repairs for that row as actions owned by `owner`, each enabled only where it applies: the one
    // action set the context menu and the details pane both show. An invalid index: Undo Last Repair only.
    QList<QAction*> actionsFor(const QModelIndex& index, QObject* owner);

    // Asks before writing: `preview` is the plan's text; `typeName` non-empty: that name must be typed.
    using Confirm =
        std::function<bool(const QString& title, const QString& preview, const QString& typeName)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    // The vault whose passwords Edit Record… decrypts with.
    void setVault(SecretVault* vault) { m_vault = vault; }

    // The confirmation the default Confirm shows (tests grab it for screenshots).
    static std::unique_ptr<QMessageBox> confirmationBox(QWidget* parent, const QString& title,
                                                        const QString& preview);

    // Plans with `planner` off the GUI thread, asks, applies; emits done() or failed().
    void run(const QString& what, std::function<athanor::RepairPlan(athanor::RepairSource&)> planner);

    // Writes an already confirmed plan off the GUI thread under its stage locks (keeping versions for undo),
    // reloads the session; emits done() or failed(). Dialogs that plan on their own (Change Password) end
    // here.
    void apply(const athanor::RepairPlan& plan);
    // apply(), then `onWritten()` once this plan is written or `onFailed(message)` when the write failed, on
    // the GUI thread and never after `context` is gone: the end of every dialog that writes a plan.
    void applyThen(const athanor::RepairPlan& plan, QObject* context, std::function<void()> onWritten,
                   std::function<void(const QString& message)> onFailed);

    // `state unlock` of a stage: names the holder (read off the GUI thread), asks with the stage name typed,
    // releases the lock if it is still that holder's; emits done() or failed().
    void releaseStageLock(const std::string& app, const std::string& stage);

signals:
    void done(const QString& title);
    void failed(const QString& message);

private:
    void openDialog(QDialog* dialog); // window-modal, deleted on close

    QAbstractItemView* m_tree;
    StateSession* m_session;
    QWidget* m_dialogParent;
    Confirm m_confirm;
    SecretVault* m_vault = nullptr;
};

} // namespace athanor::ui

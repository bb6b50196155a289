#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <cstdint>

class QAction;
class QMainWindow;

namespace athanor::ui {

class ChangePasswordDialog;
class RepairMenu;
class SecretVault;
class StateSession;
struct StateIndex;

// The Secrets menu's commands on the window's vault: Unlock Secrets… (Add Password… once a password is
// held), Lock Secrets, Change Password…, and the password prompt that runs share with the inspector. What a
// password opened, and a lock, are said in the window's status bar.
class SecretsCommands : public QObject {
    Q_OBJECT
public:
    SecretsCommands(QMainWindow* window, SecretVault* vault, StateSession* session, RepairMenu* repairs);

    // Unlock and Lock run these commands; their text and enabled state follow the vault's passwords.
    void bindActions(QAction* unlock, QAction* lock);

    // The password dialog; a password given is added to the vault (checked against its secrets when it has
    // any). False when the user cancelled.
    bool askForPassword(const QString& message = QString());
    void unlock();
    void lock();
    // Opens the dialog (window-modal, deleted on close) offering every app, then the app, stage and child
    // scopes around `selectedNode` (the deepest chosen); `index` may be null.
    ChangePasswordDialog* changePassword(const StateIndex* index, int32_t selectedNode);

private:
    static QStringList scopesAround(const StateIndex& index, int32_t node);

    QMainWindow* m_window;
    SecretVault* m_vault;
    StateSession* m_session;
    RepairMenu* m_repairs;
};

} // namespace athanor::ui

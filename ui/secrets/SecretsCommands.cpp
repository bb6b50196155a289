#include "secrets/SecretsCommands.h"

#include "secrets/ChangePasswordDialog.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "state/StateIndex.h"

#include <QAction>
#include <QMainWindow>
#include <QStatusBar>

namespace athanor::ui {

SecretsCommands::SecretsCommands(QMainWindow* window, SecretVault* vault, StateSession* session,
                                 RepairMenu* repairs)
    : QObject(window), m_window(window), m_vault(vault), m_session(session), m_repairs(repairs) {
    connect(vault, &SecretVault::decryptionFinished, this, [this](int open, int locked, bool openedNothing) {
        if (openedNothing)
            m_window->statusBar()->showMessage(
                tr("That password opens none of the secrets; it was not kept."), 8000);
        else if (locked > 0)
            m_window->statusBar()->showMessage(
                tr("%1 secrets open, %2 still locked: they may use another password.").arg(open).arg(locked),
                8000);
        else
            m_window->statusBar()->showMessage(tr("All %1 secrets are open.").arg(open), 5000);
    });
}

void SecretsCommands::bindActions(QAction* unlock, QAction* lock) {
    connect(unlock, &QAction::triggered, this, &SecretsCommands::unlock);
    connect(lock, &QAction::triggered, this, &SecretsCommands::lock);
    const auto follow = [this, unlock, lock] {
        lock->setEnabled(m_vault->hasPasswords());
        unlock->setText(m_vault->hasPasswords() ? tr("Add &Password…") : tr("&Unlock Secrets…"));
    };
    connect(m_vault, &SecretVault::passwordsChanged, this, follow);
    follow();
}

bool SecretsCommands::askForPassword(const QString& message) {
    UnlockDialog dialog(m_window);
    if (!message.isEmpty())
        dialog.setMessage(message);
    // With secrets to try it on, a wrong password keeps the dialog open with the reason in it.
    const bool verify = m_vault->secretCount() > 0;
    if (verify)
        dialog.verifyWith(m_vault);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    SecureString password = dialog.takePassword();
    if (password.empty())
        return false;
    if (!verify)
        m_vault->addPassword(std::move(password));
    return true;
}

void SecretsCommands::unlock() {
    askForPassword(
        m_vault->hasPasswords()
            ? tr("Some secrets stay locked with the passwords given so far. A child scope may have been "
                 "deployed with its own password: enter it here.")
            : QString());
}

void SecretsCommands::lock() {
    m_vault->lock();
    m_window->statusBar()->showMessage(tr("Secrets locked: passwords and plaintexts were wiped from memory."),
                                       5000);
}

QStringList SecretsCommands::scopesAround(const StateIndex& index, int32_t node) {
    QStringList around;
    for (int32_t n = node; n > 0; n = index.nodes[size_t(n)].parent)
        if (index.nodeKind(n) != SnapshotNodeKind::Resource)
            around.prepend(index.fqnOf(n));
    if (around.isEmpty())
        for (int32_t app : index.nodes[0].children)
            around.append(index.fqnOf(app));
    return around;
}

ChangePasswordDialog* SecretsCommands::changePassword(const StateIndex* index, int32_t selectedNode) {
    QStringList scopes{QString()}; // every app first
    if (index)
        scopes += scopesAround(*index, selectedNode);
    auto* dialog = new ChangePasswordDialog(m_session, m_vault, m_repairs, scopes, scopes.last(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

} // namespace athanor::ui

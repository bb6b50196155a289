#pragma once

#include "secrets/SecureString.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QPushButton;

namespace athanor::ui {

class SecretVault;

// Asks for a state password (echo off). The text is moved into a SecureString and the line edit cleared as
// soon as it is submitted; the password is never stored, logged or put in the settings.
//
// With verifyWith(vault) the dialog checks the password before it closes: it hands it to the vault and waits
// until it opens a secret (then it closes, accepted) or has been tried on every secret and opened none (then
// it stays open with the reason in it, the field empty and focused, ready for another try).
class UnlockDialog : public QDialog {
    Q_OBJECT
public:
    explicit UnlockDialog(QWidget* parent = nullptr);

    // Text above the field: what the password is for, or why another one is needed.
    void setMessage(const QString& message);
    // Check passwords against the vault's secrets (the vault keeps each one that opens something).
    void verifyWith(SecretVault* vault);
    // The password typed; the dialog keeps no copy afterwards. Empty when the dialog was cancelled.
    SecureString takePassword();

    QLineEdit* passwordEdit() const { return m_edit; }
    QPushButton* unlockButton() const { return m_unlock; }
    // The reason the last password was refused, empty when none was.
    QString errorText() const;
    bool isChecking() const { return m_checking; }

    void accept() override;
    void reject() override;

private:
    void setChecking(bool checking);
    void onChecked(bool opensSomething);

    QLabel* m_message;
    QLineEdit* m_edit;
    QLabel* m_status;
    QPushButton* m_unlock;
    SecureString m_password;
    QPointer<SecretVault> m_vault;
    bool m_checking = false;
};

} // namespace athanor::ui

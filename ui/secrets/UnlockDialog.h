#pragma once

#include "secrets/SecureString.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace athanor::ui {

// Asks for a state password (echo off). The text is moved into a SecureString and the line edit cleared as
// soon as the dialog is accepted; the password is never stored, logged or put in the settings.
class UnlockDialog : public QDialog {
    Q_OBJECT
public:
    explicit UnlockDialog(QWidget* parent = nullptr);

    // Text above the field: what the password is for, or why another one is needed.
    void setMessage(const QString& message);
    // The password typed; the dialog keeps no copy afterwards. Empty when the dialog was cancelled.
    SecureString takePassword();

    QLineEdit* passwordEdit() const { return m_edit; }

    void accept() override;
    void reject() override;

private:
    QLabel* m_message;
    QLineEdit* m_edit;
    QPushButton* m_unlock;
    SecureString m_password;
};

} // namespace athanor::ui

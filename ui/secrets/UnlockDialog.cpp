#include "secrets/UnlockDialog.h"

#include "secrets/SecretVault.h"
#include "widgets/ThemeColors.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace athanor::ui {

UnlockDialog::UnlockDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Unlock secrets"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/lock.svg")));
    setObjectName(QStringLiteral("UnlockDialog"));

    auto* icon = new QLabel;
    icon->setPixmap(QIcon(QStringLiteral(":/icons/lock.svg")).pixmap(32, 32));
    icon->setAlignment(Qt::AlignTop);
    m_message =
        new QLabel(tr("Enter the password the state was encrypted with (Alchemy's <code>password</code> "
                      "option or <code>ALCHEMY_PASSWORD</code>). It is kept in memory only until you "
                      "lock or close the window."));
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);

    m_edit = new QLineEdit;
    m_edit->setObjectName(QStringLiteral("password"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText |
                                Qt::ImhNoAutoUppercase);
    m_edit->setMinimumWidth(320);

    // Checking and refusal are said here, in the dialog, where the user is looking.
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("unlockStatus"));
    m_status->setWordWrap(true);
    m_status->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_unlock = buttons->addButton(tr("Unlock"), QDialogButtonBox::AcceptRole);
    m_unlock->setDefault(true);
    m_unlock->setEnabled(false);
    connect(m_edit, &QLineEdit::textChanged, this,
            [this](const QString& t) { m_unlock->setEnabled(!t.isEmpty() && !m_checking); });
    connect(buttons, &QDialogButtonBox::accepted, this, &UnlockDialog::accept);
    // Enter in the field confirms even where the platform does not route it to the default button.
    connect(m_edit, &QLineEdit::returnPressed, this, [this] {
        if (m_unlock->isEnabled())
            m_unlock->click();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &UnlockDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(tr("Password:"), m_edit);
    auto* text = new QVBoxLayout;
    text->addWidget(m_message);
    text->addLayout(form);
    text->addWidget(m_status);
    auto* top = new QHBoxLayout;
    top->addWidget(icon);
    top->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
}

void UnlockDialog::setMessage(const QString& message) {
    m_message->setText(message);
}

void UnlockDialog::verifyWith(SecretVault* vault) {
    if (m_vault)
        disconnect(m_vault, nullptr, this, nullptr);
    m_vault = vault;
    if (m_vault)
        connect(m_vault, &SecretVault::passwordChecked, this, &UnlockDialog::onChecked);
}

QString UnlockDialog::errorText() const {
    return m_checking || m_status->isHidden() ? QString() : m_status->text();
}

void UnlockDialog::setChecking(bool checking) {
    m_checking = checking;
    m_edit->setEnabled(!checking);
    m_unlock->setEnabled(!checking && !m_edit->text().isEmpty());
    if (checking) {
        m_status->setStyleSheet(
            QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).muted().name()));
        m_status->setText(tr("Checking the password…"));
        m_status->show();
    }
}

void UnlockDialog::accept() {
    if (m_checking)
        return;
    // Qt's own copies of the text cannot be wiped; keep them short-lived: one UTF-8 copy, zeroed after use.
    QByteArray utf8 = m_edit->text().toUtf8();
    m_password = SecureString(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
    utf8.fill('\0');
    m_edit->clear();
    if (!m_vault || m_password.empty()) {
        QDialog::accept();
        return;
    }
    setChecking(true);
    m_vault->addPassword(m_password.clone()); // may answer at once (a password already known)
}

void UnlockDialog::onChecked(bool opensSomething) {
    if (!m_checking)
        return; // a password given elsewhere, or after this dialog was cancelled
    setChecking(false);
    if (opensSomething) {
        m_status->hide();
        QDialog::accept();
        return;
    }
    m_password.clear();
    m_status->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).danger().name()));
    m_status->setText(tr("That password opens none of the secrets in this project, so it was not kept. "
                         "Check it and try again (a child scope may use a password of its own)."));
    m_status->show();
    m_edit->setFocus(Qt::OtherFocusReason);
}

void UnlockDialog::reject() {
    m_checking = false;
    m_edit->clear();
    m_password.clear();
    QDialog::reject();
}

SecureString UnlockDialog::takePassword() {
    return std::move(m_password);
}

} // namespace athanor::ui

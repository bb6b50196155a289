#include "secrets/UnlockDialog.h"

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

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_unlock = buttons->addButton(tr("Unlock"), QDialogButtonBox::AcceptRole);
    m_unlock->setDefault(true);
    m_unlock->setEnabled(false);
    connect(m_edit, &QLineEdit::textChanged, this,
            [this](const QString& t) { m_unlock->setEnabled(!t.isEmpty()); });
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

void UnlockDialog::accept() {
    // Qt's own copies of the text cannot be wiped; keep them short-lived: one UTF-8 copy, zeroed after use.
    QByteArray utf8 = m_edit->text().toUtf8();
    m_password = SecureString(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
    utf8.fill('\0');
    m_edit->clear();
    QDialog::accept();
}

void UnlockDialog::reject() {
    m_edit->clear();
    m_password.clear();
    QDialog::reject();
}

SecureString UnlockDialog::takePassword() {
    return std::move(m_password);
}

} // namespace athanor::ui

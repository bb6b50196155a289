#include "secrets/ChangePasswordDialog.h"

#include "repair/Rekey.h"
#include "repair/RepairMenu.h"
#include "repair/RepairPlan.h"
#include "repair/RepairPreview.h"
#include "secrets/SecretVault.h"
#include "state/StateSession.h"
#include "widgets/Plural.h"
#include "widgets/ThemeColors.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <atomic>
#include <stop_token>

namespace athanor::ui {

namespace {

// What the rekey worker reports; polled by the GUI thread (the worker never touches a widget).
struct PlanProgress {
    std::atomic<size_t> done{0};
    std::atomic<size_t> total{0};
};

// Moves a password field's text into a SecureString and clears the field (Qt's own copies cannot be wiped;
// the UTF-8 copy is zeroed at once).
SecureString takeField(QLineEdit* edit) {
    QByteArray utf8 = edit->text().toUtf8();
    SecureString out(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
    utf8.fill('\0');
    edit->clear();
    return out;
}

QLineEdit* passwordField(const QString& name) {
    auto* edit = new QLineEdit;
    edit->setObjectName(name);
    edit->setEchoMode(QLineEdit::Password);
    edit->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText |
                              Qt::ImhNoAutoUppercase);
    edit->setMinimumWidth(320);
    return edit;
}

athanor::RekeySelection selectionFor(const QString& scope) {
    const QStringList parts = scope.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    athanor::RekeySelection selection;
    if (parts.size() > 2)
        selection.scope = scope.toStdString();
    else if (parts.size() == 2) {
        selection.app = parts[0].toStdString();
        selection.stage = parts[1].toStdString();
    } else if (parts.size() == 1)
        selection.app = parts[0].toStdString();
    return selection;
}

QString scopeLabel(const QString& scope) {
    const int depth = int(scope.count(QLatin1Char('/')));
    if (scope.isEmpty())
        return ChangePasswordDialog::tr("Every app");
    if (depth == 0)
        return ChangePasswordDialog::tr("App %1").arg(scope);
    if (depth == 1)
        return ChangePasswordDialog::tr("Stage %1").arg(scope);
    return ChangePasswordDialog::tr("Scope %1 and below").arg(scope);
}

} // namespace

ChangePasswordDialog::ChangePasswordDialog(StateSession* session, SecretVault* vault, RepairMenu* repairs,
                                           const QStringList& scopes, const QString& selected,
                                           QWidget* parent)
    : QDialog(parent), m_session(session), m_vault(vault), m_repairs(repairs) {
    setWindowTitle(tr("Change password"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/lock.svg")));
    setObjectName(QStringLiteral("ChangePasswordDialog"));

    auto* intro = new QLabel(
        tr("Every secret of the chosen part of the state is decrypted with the old password, encrypted with "
           "the new one and checked by decrypting it again before anything is written. A child scope with a "
           "password of its own keeps it unless you choose that scope. Undo Last Repair takes it back."));
    intro->setWordWrap(true);

    m_scope = new QComboBox;
    m_scope->setObjectName(QStringLiteral("scope"));
    for (const QString& scope : scopes)
        m_scope->addItem(scopeLabel(scope), scope);
    m_scope->setCurrentIndex(std::max(0, m_scope->findData(selected)));

    const int known = m_vault ? int(m_vault->clonePasswords().size()) : 0;
    m_known = new QLabel(known > 0 ? plural(known, tr("The password you unlocked with is tried first."),
                                            tr("The %1 passwords you unlocked with are tried first."))
                                   : tr("No password unlocked yet: type the current one."));
    m_known->setObjectName(QStringLiteral("knownPasswords"));
    m_known->setWordWrap(true);
    m_old = passwordField(QStringLiteral("oldPassword"));
    m_old->setPlaceholderText(known > 0 ? tr("(optional) another current password") : QString());
    m_new = passwordField(QStringLiteral("newPassword"));
    m_repeat = passwordField(QStringLiteral("repeatPassword"));

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("changePasswordStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("rekeyProgress"));
    m_progress->hide();
    m_preview = new QPlainTextEdit;
    m_preview->setObjectName(QStringLiteral("rekeyPreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setPlaceholderText(tr("Preview shows each record that will be rewritten."));
    m_preview->setMinimumHeight(160);

    auto* buttons = new QDialogButtonBox;
    m_previewButton = buttons->addButton(tr("Preview"), QDialogButtonBox::ActionRole);
    m_change = buttons->addButton(tr("Change Password"), QDialogButtonBox::AcceptRole);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_change->setEnabled(false);
    connect(m_previewButton, &QPushButton::clicked, this, &ChangePasswordDialog::startPreview);
    connect(m_change, &QPushButton::clicked, this, &ChangePasswordDialog::writePlan);
    connect(m_cancel, &QPushButton::clicked, this, &ChangePasswordDialog::reject);

    // Any change to the inputs makes the shown preview stale: it must be planned again.
    const auto invalidate = [this] {
        if (m_busy)
            return;
        m_plan.reset();
        m_newPassword.clear();
        m_preview->clear();
        updateButtons();
    };
    connect(m_scope, &QComboBox::currentIndexChanged, this, invalidate);
    for (QLineEdit* edit : {m_old, m_new, m_repeat})
        connect(edit, &QLineEdit::textChanged, this, invalidate);

    auto* form = new QFormLayout;
    form->addRow(tr("Change:"), m_scope);
    form->addRow(QString(), m_known);
    form->addRow(tr("Current password:"), m_old);
    form->addRow(tr("New password:"), m_new);
    form->addRow(tr("New password again:"), m_repeat);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_progress);
    layout->addWidget(m_preview, 1);
    layout->addWidget(buttons);
    resize(640, 480);
    updateButtons();
}

// A rekey still planning is asked to stop by m_planning's destructor; it writes nothing.
ChangePasswordDialog::~ChangePasswordDialog() = default;

QString ChangePasswordDialog::errorText() const {
    return m_status->isHidden() || m_busy ? QString() : m_status->text();
}

void ChangePasswordDialog::updateButtons() {
    const bool hasOld = !m_old->text().isEmpty() || (m_vault && m_vault->hasPasswords());
    const bool newOk = !m_new->text().isEmpty() && m_new->text() == m_repeat->text();
    m_previewButton->setEnabled(!m_busy && hasOld && newOk);
    m_change->setEnabled(!m_busy && m_plan != nullptr);
    m_scope->setEnabled(!m_busy);
    for (QLineEdit* edit : {m_old, m_new, m_repeat})
        edit->setEnabled(!m_busy);
    if (!m_busy && !m_new->text().isEmpty() && !m_repeat->text().isEmpty() &&
        m_new->text() != m_repeat->text())
        showError(tr("The two new passwords differ."));
    else if (!m_busy && !m_plan && m_status->property("inputError").toBool())
        m_status->hide();
}

void ChangePasswordDialog::showError(const QString& message) {
    m_status->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).danger().name()));
    m_status->setText(message);
    m_status->setProperty("inputError", true);
    m_status->show();
}

void ChangePasswordDialog::setBusy(bool busy) {
    m_busy = busy;
    m_progress->setVisible(busy);
    updateButtons();
}

void ChangePasswordDialog::startPreview() {
    if (m_busy || !m_session)
        return;
    if (!m_session->source()) { // a first load still reading: the source opens when it ends
        showError(tr("The state is still being read: preview once it is loaded."));
        return;
    }
    auto ring = std::make_shared<PasswordRing>(m_vault ? m_vault->clonePasswords() : PasswordRing());
    ring->add(takeField(m_old));
    auto newPassword = std::make_shared<SecureString>(takeField(m_new));
    SecureString repeated = takeField(m_repeat);
    if (!newPassword->equals(repeated)) {
        showError(tr("The two new passwords differ."));
        return;
    }
    m_newPassword = newPassword->clone();
    m_plan.reset();
    m_preview->clear();
    m_status->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).muted().name()));
    m_status->setText(tr("Decrypting, re-encrypting and checking every secret…"));
    m_status->setProperty("inputError", false);
    m_status->show();
    m_progress->setRange(0, 0);
    setBusy(true);

    auto progress = std::make_shared<PlanProgress>();
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [this, progress] {
        const size_t total = progress->total.load();
        if (total == 0)
            return;
        m_progress->setRange(0, int(total));
        m_progress->setValue(int(progress->done.load()));
    });
    poll->start(50);

    const std::shared_ptr<athanor::StateSource> stateSource = m_session->source();
    const athanor::RekeySelection selection = selectionFor(m_scope->currentData().toString());
    m_planning.start(
        [stateSource, selection, ring, newPassword, progress](std::stop_token stop) -> Planned {
            Planned out;
            std::atomic<bool> cancelled{false};
            const std::stop_callback onStop(stop, [&cancelled] { cancelled = true; });
            try {
                athanor::RepairSource source(stateSource);
                athanor::RekeyProgress report;
                report.cancel = &cancelled;
                report.onRecord = [progress](size_t done, size_t total) {
                    progress->total = total;
                    progress->done = done;
                };
                out.plan = std::make_shared<athanor::RepairPlan>(
                    athanor::planRekey(source, selection, *ring, *newPassword, report));
            } catch (const std::exception& e) {
                out.error = QString::fromStdString(e.what());
            }
            ring->clear();
            return out;
        },
        [this, poll](const Planned& planned) {
            poll->deleteLater();
            onPlanned(planned);
        });
}

void ChangePasswordDialog::onPlanned(const Planned& planned) {
    setBusy(false);
    if (!planned.error.isEmpty()) {
        m_newPassword.clear();
        showError(planned.error);
        emit failed(planned.error);
        return;
    }
    const std::shared_ptr<athanor::RepairPlan>& plan = planned.plan;
    m_plan = plan;
    m_status->setStyleSheet(QString());
    m_status->setProperty("inputError", false);
    m_status->setText(
        tr("<b>%1</b> — %2. Change Password writes them; Undo Last Repair takes it back.")
            .arg(QString::fromStdString(plan->title).toHtmlEscaped(),
                 plural(qint64(plan->changes.size()), tr("writes 1 record"), tr("writes %1 records"))));
    m_status->show();
    {
        const QSignalBlocker block(m_preview);
        m_preview->setPlainText(QString::fromStdString(athanor::previewText(*plan)));
    }
    updateButtons();
    m_change->setDefault(true);
    emit previewReady();
}

void ChangePasswordDialog::writePlan() {
    if (m_busy || !m_plan || !m_repairs)
        return;
    m_writing = true;
    m_status->setText(
        plural(qint64(m_plan->changes.size()), tr("Writing 1 record…"), tr("Writing %1 records…")));
    m_progress->setRange(0, 0);
    setBusy(true);
    m_repairs->applyThen(
        *m_plan, this,
        [this] {
            m_writing = false;
            setBusy(false);
            // The vault learns the new password once the reloaded tree (with the new ciphertexts) is in it:
            // tried on the old tree it would open nothing and be dropped.
            if (m_vault && m_session) {
                auto password = std::make_shared<SecureString>(std::move(m_newPassword));
                QPointer<SecretVault> vault = m_vault;
                auto* once = new QObject(m_vault);
                connect(m_session, &StateSession::indexChanged, once, [vault, password, once] {
                    once->deleteLater();
                    if (vault)
                        vault->addPassword(std::move(*password));
                });
            }
            m_newPassword.clear();
            emit changed();
            QDialog::accept();
        },
        [this](const QString& message) {
            m_writing = false;
            setBusy(false);
            m_plan.reset();
            m_newPassword.clear();
            showError(message);
            emit failed(message);
        });
}

void ChangePasswordDialog::reject() {
    if (m_writing)
        return; // the write is under way; it is answered in a moment
    if (m_planning.isRunning()) {
        // Cancel while planning stops the rekey, which then says that nothing was written. The dialog stays
        // for another try.
        m_planning.requestStop();
        return;
    }
    m_old->clear();
    m_new->clear();
    m_repeat->clear();
    m_newPassword.clear();
    QDialog::reject();
}

} // namespace athanor::ui

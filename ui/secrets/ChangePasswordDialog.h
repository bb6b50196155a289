#pragma once

#include "jobs/LatestOnlyJob.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"

#include <QDialog>
#include <QPointer>
#include <QStringList>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace athanor {
struct RepairPlan;
} // namespace athanor

namespace athanor::ui {

class RepairMenu;
class SecretVault;
class StateSession;

// Secrets › Change Password… (the GUI of `athanorctl state rekey`). The user picks the subtree (every app,
// an app, a stage or a child scope; the selected one by default), the old passwords are those unlocked in the
// vault (one more may be typed) and the new one is typed twice. "Preview" plans the rekey off the GUI thread
// (scrypt, re-encryption and verify-by-decrypting, with progress and Cancel) and shows exactly what will be
// rewritten; "Change Password" is the one confirmation and writes through RepairMenu::apply (stage lock,
// versions kept, so Undo Last Repair restores the old bytes). Passwords live only in SecureStrings: each
// field is moved out of the widget and cleared as soon as it is read.
class ChangePasswordDialog : public QDialog {
    Q_OBJECT
public:
    // `scopes`: the choices, as FQNs ("" = every app, "app", "app/stage", "app/stage/child"); `selected` the
    // one chosen at first.
    ChangePasswordDialog(StateSession* session, SecretVault* vault, RepairMenu* repairs,
                         const QStringList& scopes, const QString& selected, QWidget* parent = nullptr);
    ~ChangePasswordDialog() override;

    QComboBox* scopeBox() const { return m_scope; }
    QLineEdit* oldPasswordEdit() const { return m_old; }
    QLineEdit* newPasswordEdit() const { return m_new; }
    QLineEdit* repeatPasswordEdit() const { return m_repeat; }
    QPushButton* previewButton() const { return m_previewButton; }
    QPushButton* changeButton() const { return m_change; }
    QPlainTextEdit* previewView() const { return m_preview; }
    QProgressBar* progressBar() const { return m_progress; }
    // The reason Preview or the write was refused, empty when nothing was.
    QString errorText() const;
    bool isBusy() const { return m_busy; }

    void reject() override;

signals:
    // The plan is ready and shown (Change Password is enabled).
    void previewReady();
    // The new password was written (and handed to the vault) or the write failed.
    void changed();
    void failed(const QString& message);

private:
    struct Planned {
        std::shared_ptr<athanor::RepairPlan> plan;
        QString error;
    };

    void updateButtons();
    void startPreview();
    void onPlanned(const Planned& planned);
    void writePlan();
    void showError(const QString& message);
    void setBusy(bool busy);

    QPointer<StateSession> m_session;
    QPointer<SecretVault> m_vault;
    QPointer<RepairMenu> m_repairs;
    QComboBox* m_scope;
    QLabel* m_known;
    QLineEdit* m_old;
    QLineEdit* m_new;
    QLineEdit* m_repeat;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPlainTextEdit* m_preview;
    QPushButton* m_previewButton;
    QPushButton* m_change;
    QPushButton* m_cancel;
    std::shared_ptr<athanor::RepairPlan> m_plan;
    SecureString m_newPassword;        // of the plan shown; handed to the vault once written
    LatestOnlyJob<Planned> m_planning; // the rekey plan; Cancel stops it, closing the dialog drops it
    bool m_busy = false;
    bool m_writing = false;
};

} // namespace athanor::ui

#pragma once

#include "repair/PlannedRepairDialog.h"

#include <QTimer>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace athanor {
struct EditSession;
} // namespace athanor

namespace athanor::ui {

class SecretVault;

// Move/Rename…: `state mv` with the new FQN validated as it is typed (each part by the one id validator,
// store/IdCodec idProblem) and the records that follow — nested children included — planned live.
class MoveRecordDialog : public PlannedRepairDialog {
    Q_OBJECT
public:
    MoveRecordDialog(StateSession* session, RepairMenu* repairs, const QString& fqn,
                     QWidget* parent = nullptr);
    QLineEdit* newFqnEdit() const { return m_newFqn; }

private:
    void onInput();
    QString m_fqn;
    QLineEdit* m_newFqn;
    QTimer m_debounce;
};

// Forget…: `state rm`, optionally with nested resources / child scopes. Forgetting a scope or more than a
// few records needs the stage name typed.
class ForgetRecordDialog : public PlannedRepairDialog {
    Q_OBJECT
public:
    ForgetRecordDialog(StateSession* session, RepairMenu* repairs, const QString& fqn, bool isScope,
                       QWidget* parent = nullptr);
    QCheckBox* nestedBox() const { return m_nested; }

protected:
    QString nameToType(const athanor::RepairPlan& plan) const override;

private:
    void plan();
    QString m_fqn;
    bool m_isScope;
    QCheckBox* m_nested;
};

// Edit Record…: `state edit` in a JSON editor. The record's plain form with its secrets decrypted when the
// vault opens them (else as stored, secrets sealed), re-encrypted on save; "Check" validates and previews
// (errors name the JSON pointer), nothing is written before the write button.
class EditRecordDialog : public PlannedRepairDialog {
    Q_OBJECT
public:
    EditRecordDialog(StateSession* session, RepairMenu* repairs, SecretVault* vault, const QString& fqn,
                     QWidget* parent = nullptr);
    ~EditRecordDialog() override;
    QPlainTextEdit* editor() const { return m_editor; }
    QPushButton* checkButton() const { return m_check; }
    bool isDecrypted() const;

signals:
    void loaded(); // the record is in the editor

private:
    void check();
    QString m_fqn;
    QPointer<SecretVault> m_vault;
    QLabel* m_mode;
    QPlainTextEdit* m_editor;
    QPushButton* m_check;
    std::shared_ptr<athanor::EditSession> m_session;
};

} // namespace athanor::ui

#pragma once

#include "commands/StateMigration.h"
#include "store/SourceSpec.h"

#include <QDialog>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace athanor::ui {

class SourcePicker;
class StateCopyJob;

// File › Copy State To…: copies every record of the open source into another one (a folder, a SQLite
// database) without decrypting anything, with `athanorctl state migrate`'s checks: a target that already
// holds records is refused unless replacing is ticked, and every copied record is read back and compared.
// The copy runs off the GUI thread with a progress bar and can be cancelled.
class CopyStateDialog : public QDialog {
    Q_OBJECT
public:
    CopyStateDialog(const SourceSpec& from, QWidget* parent = nullptr);
    ~CopyStateDialog() override;

    SourcePicker* picker() const { return m_picker; }
    QCheckBox* overwriteBox() const { return m_overwrite; }
    QPushButton* copyButton() const { return m_copy; }
    QPushButton* openCopyButton() const { return m_openCopy; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* resultLabel() const { return m_result; }
    QPlainTextEdit* detailsView() const { return m_details; }
    bool isCopying() const;

signals:
    // The user wants to look at the copy (Open Copy after a successful copy).
    void openRequested(const athanor::SourceSpec& spec);
    void copyFinished(bool succeeded);

protected:
    void reject() override;

private:
    void startCopy();
    void onFinished(std::shared_ptr<const MigrationReport> report, const QString& error);
    void updateState();

    SourceSpec m_from;
    std::optional<SourceSpec> m_target;
    SourcePicker* m_picker;
    QCheckBox* m_overwrite;
    QProgressBar* m_progress;
    QLabel* m_result;
    QPlainTextEdit* m_details;
    QDialogButtonBox* m_buttons;
    QPushButton* m_copy;
    QPushButton* m_openCopy;
    StateCopyJob* m_job;
};

} // namespace athanor::ui

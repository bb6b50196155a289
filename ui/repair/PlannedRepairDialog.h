#pragma once

#include "jobs/LatestOnlyJob.h"

#include <QDialog>
#include <QPointer>
#include <functional>
#include <memory>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QVBoxLayout;

namespace athanor {
class RepairSource;
struct RepairPlan;
} // namespace athanor

namespace athanor::ui {

class RepairMenu;
class StateSession;

// What the repair dialogs (Move/Rename…, Forget…, Edit Record…) share: the user's input above, the plan of
// the repair below — planned off the GUI thread whenever the input changes (a newer input drops an older
// plan), with exactly the records it writes and the files or rows they are — and one button that writes
// it through RepairMenu::apply (stage lock, versions kept for Undo Last Repair). A dangerous plan needs the
// stage name typed first, as Destroy does.
class PlannedRepairDialog : public QDialog {
    Q_OBJECT
public:
    using Planner = std::function<athanor::RepairPlan(athanor::RepairSource&)>;

    PlannedRepairDialog(StateSession* session, RepairMenu* repairs, const QString& writeLabel,
                        QWidget* parent = nullptr);
    ~PlannedRepairDialog() override;

    QPlainTextEdit* previewView() const { return m_preview; }
    QPushButton* writeButton() const { return m_write; }
    QLineEdit* typedNameEdit() const { return m_typedName; }
    // The reason the input or the plan was refused, empty when there is none.
    QString errorText() const;
    bool isPlanning() const { return m_planning.isRunning(); }

    void reject() override;

signals:
    void planReady();  // a plan is shown (the write button may be enabled)
    void planFailed(); // the input or the plan was refused; errorText() says why
    void written();    // the repair was written; the dialog closes
    void writeFailed(const QString& message);

protected:
    // Where subclasses put their input (above the preview).
    QVBoxLayout* inputLayout() const { return m_input; }
    // Plans with `planner` off the GUI thread; the result replaces what is shown unless newer input came.
    void replan(Planner planner);
    // The input cannot be planned: shows why, nothing can be written.
    void refuse(const QString& message);
    // Whether a plan must have the stage name typed before it is written (dangerous repairs); default never.
    virtual QString nameToType(const athanor::RepairPlan& plan) const;

private:
    struct Planned {
        std::shared_ptr<athanor::RepairPlan> plan;
        QString text; // the preview and where each written record is
        QString error;
    };

    void showPlan(const std::shared_ptr<athanor::RepairPlan>& plan, const QString& text);
    void updateWriteButton();
    void write();

    QPointer<StateSession> m_session;
    QPointer<RepairMenu> m_repairs;
    QVBoxLayout* m_input;
    QLabel* m_status;
    QPlainTextEdit* m_preview;
    QLabel* m_typePrompt;
    QLineEdit* m_typedName;
    QPushButton* m_write;
    std::shared_ptr<athanor::RepairPlan> m_plan;
    QString m_requiredName;
    LatestOnlyJob<Planned> m_planning; // a plan of older input is dropped
    bool m_writing = false;
};

} // namespace athanor::ui

#pragma once

#include "deploy/DeployConfirmations.h"
#include "deploy/RunOutcome.h"
#include "snapshot/StateSnapshot.h"

#include <QWidget>
#include <functional>
#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QDialog;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTreeView;

namespace athanor::ui {

class DeployActionBar;
class LiveRunView;
class LogPane;
class OutputsModel;
class OutputsTab;
class RunCloseGuard;
class RunController;
class RunHistoryModel;
class RunChangesPanel;
class RunHistoryTab;
class RunSummaryWidget;
class RunTargetWidget;
class StageSelector;
struct DeployFacts;

// The deploy console: stage selector, Plan / Up / Read / Destroy / Cancel with force, adopt and parallelism,
// live progress and task list, the log pane, Read's outputs and run history. Up shows the plan and waits for
// confirmation; Destroy lists what goes and wants the stage name typed. Buttons are enabled only when they
// can work, and their tooltips say why not. Each job has its own class (StageSelector, DeployActionBar,
// DeployConfirmations, LiveRunView, OutputsTab, RunHistoryTab, RunCloseGuard); this one wires them to
// RunController.
class DeployConsole : public QWidget {
    Q_OBJECT

public:
    using PasswordPrompt = DeployConfirmations::PasswordPrompt;

    explicit DeployConsole(QWidget* parent = nullptr);
    ~DeployConsole() override;

    RunController* controller() const { return m_controller; }
    LogPane* logPane() const;
    OutputsModel* outputsModel() const { return m_outputs; }
    RunHistoryModel* historyModel() const { return m_history; }
    RunHistoryTab* historyTab() const { return m_historyTab; }
    RunSummaryWidget* summary() const { return m_summary; }
    QTreeView* taskView() const;
    QTreeView* historyView() const;
    // Under the history: what the selected Up / Destroy changed, per record, with restore.
    RunChangesPanel* runChanges() const;
    QComboBox* stageSelector() const;
    QPushButton* planButton() const;
    QPushButton* upButton() const;
    QPushButton* readButton() const;
    QPushButton* destroyButton() const;
    QPushButton* cancelButton() const;
    QTabWidget* tabs() const { return m_tabs; }
    QProgressBar* progressBar() const;
    QLabel* statusLabel() const;
    // What the dock runs: a stack file (the built-in engine) or the project's own Alchemy program.
    RunTargetWidget* target() const { return m_target; }

    // Where runs read and write state: a state source (a folder, or sqlite:PATH as SourceSpec writes it) and
    // its Athanor home (run history). Empty closes. The project folder is the source's (SourceSpec::
    // projectFolder()); the target defaults to <project>/alchemy.stack.json, else the program alchemy.run.ts
    // (.js, .mts, .mjs) (RunTargetWidget).
    void setStateSource(const QString& specText, const QString& athanorHome);
    // setStateSource() of a project folder or its .alchemy folder.
    void setProjectRoot(const QString& path);
    QString projectRoot() const { return m_root; }
    QString stateSource() const { return m_stateSpec; }
    QString athanorHome() const { return m_athanorHome; } // where run history lives
    // A stack file or an Alchemy program (.ts / .mts / .js / .mjs) to run.
    void setStackFile(const QString& file);
    QString stackFile() const { return m_stackFile; }
    // Read-only: Up and Destroy are hidden and refused.
    void setReadOnly(bool readOnly);
    bool isReadOnly() const { return m_readOnly; }
    // The inspector's latest snapshot (live reloads; the host reloads it after each run).
    void setSnapshot(std::shared_ptr<const athanor::StateSnapshot> snapshot);
    // The source's first snapshot is being read (its tree may already show): no stage is "new" meanwhile.
    void setStateLoading(bool loading);
    void setStage(const QString& stage);
    QString stage() const;
    QString app() const;
    void setPasswordPrompt(PasswordPrompt prompt);
    void setForce(bool force);
    void setAdopt(bool adopt);
    void setParallel(int parallel);

    // Intercepts closing `window` while a run is in flight: asks, cancels, closes once the run has stopped.
    void guardWindowClose(QWidget* window);

    // Plan, Up, Read, Destroy, Cancel as actions (with their shortcuts) for a menu; they follow the buttons.
    QList<QAction*> commandActions() const;

    // The confirmation or plan dialog currently open (tests drive it), or null.
    QDialog* pendingDialog() const { return m_confirm->pendingDialog(); }
    // Why an action is unavailable, empty when it can run.
    QString whyNot(athanor::Phase phase) const;

public slots:
    void plan();
    void up();
    void read();
    // Destroy: the built-in engine's dry run first (off the GUI thread), then the confirm dialog listing what
    // it will delete, or the refusal the run would end with instead of a dialog.
    void destroy();
    void cancel();
    void reloadHistory();
    void openHistoryLog(int row);
    // Opens the log of the run-history entry whose event log is `logFile`; false when it is not listed.
    bool openRunLog(const QString& logFile);

signals:
    void runStarted(athanor::Phase phase, const QString& stage);
    void runFinished(std::shared_ptr<const athanor::ui::RunOutcome> outcome);
    void resourceStatusChanged(const QString& fqn, const QString& status);
    // A run ended that may have changed state on disk.
    void stateChanged();
    void stagesChanged();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    enum class Purpose { Plain, PlanForUp };

    QWidget* buildControls();
    void onTargetChanged();
    DeployFacts facts() const;
    void updateActions();
    void onRunStarted();
    void onRunFinished(std::shared_ptr<const RunOutcome> outcome);
    void onProgress(int done, int total);
    bool startRun(athanor::Phase phase, Purpose purpose,
                  const std::vector<TaskListModel::Planned>& planned = {});
    // Up and Destroy write: on a remote source that cannot lock the stage, the user's consent first
    // (DeployConfirmations::checkStageLock), then `next` with m_noLock as answered.
    void afterStageLockCheck(athanor::Phase phase, std::function<void()> next);
    DeployRequest makeRequest(athanor::Phase phase) const;
    // What state holds for the stage, in the engine's order (a program's destroy lists these).
    std::vector<DestroyConfirmDialog::Item> destroyItems() const;
    void offerDestroyWithProgram(const QString& stage, bool confirmFirst);
    // Destroy once the lock question (if any) is answered: the dry run, then the dialog.
    void confirmDestroy();
    void onSummaryAction(const QString& id);
    void selectTask(const QString& fqn);

    RunController* m_controller;
    OutputsModel* m_outputs;
    RunHistoryModel* m_history;
    RunSummaryWidget* m_summary = nullptr;
    DeployConfirmations* m_confirm = nullptr;
    StageSelector* m_stages = nullptr;
    RunTargetWidget* m_target = nullptr;
    DeployActionBar* m_actions = nullptr;
    LiveRunView* m_run = nullptr;
    OutputsTab* m_outputsTab = nullptr;
    RunHistoryTab* m_historyTab = nullptr;
    RunCloseGuard* m_closeGuard = nullptr;
    QTabWidget* m_tabs = nullptr;

    QString m_root;
    QString m_stateSpec;   // SourceSpec text of the state runs use
    QString m_athanorHome; // where run history lives
    QString m_stackFile;   // the engine's stack file; empty when the dock runs a program
    bool m_readOnly = false;
    bool m_noLock = false; // the Up / Destroy being prepared runs without a stage lock, as the user allowed
    Purpose m_purpose = Purpose::Plain;
};

} // namespace athanor::ui

#pragma once

#include "deploy/DestroyConfirmDialog.h"
#include "deploy/RunOutcome.h"
#include "deploy/TaskListModel.h"
#include "secrets/SecureString.h"
#include "snapshot/StateSnapshot.h"

#include <QHash>
#include <QPointer>
#include <QWidget>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QAction;
class QCheckBox;
class QComboBox;
class QDialog;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QSplitter;
class QTreeView;

namespace athanor::ui {

class LogPane;
class OutputsModel;
class RunController;
class RunHistoryModel;
class RunChangesPanel;
class RunSummaryWidget;
class RunTargetWidget;

// The deploy console: stage selector, Plan / Up / Read / Destroy / Cancel with force, adopt and parallelism,
// live progress and task list, the log pane, Read's outputs and run history. Up shows the plan and waits for
// confirmation; Destroy lists what goes and wants the stage name typed. Buttons are enabled only when they
// can work, and their tooltips say why not.
class DeployConsole : public QWidget {
    Q_OBJECT

public:
    // Asks for a password when a run needs one (the inspector's unlock dialog); nullopt when the user
    // cancels.
    using PasswordPrompt = std::function<std::optional<SecureString>(QWidget* parent, const QString& reason)>;

    explicit DeployConsole(QWidget* parent = nullptr);
    ~DeployConsole() override;

    RunController* controller() const { return m_controller; }
    LogPane* logPane() const { return m_logPane; }
    OutputsModel* outputsModel() const { return m_outputs; }
    RunHistoryModel* historyModel() const { return m_history; }
    RunSummaryWidget* summary() const { return m_summary; }
    QTreeView* taskView() const { return m_taskView; }
    QTreeView* historyView() const { return m_historyView; }
    // Under the history: what the selected Up / Destroy changed, per record, with restore.
    RunChangesPanel* runChanges() const { return m_runChanges; }
    QComboBox* stageSelector() const { return m_stageCombo; }
    QPushButton* planButton() const { return m_planButton; }
    QPushButton* upButton() const { return m_upButton; }
    QPushButton* readButton() const { return m_readButton; }
    QPushButton* destroyButton() const { return m_destroyButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QTabWidget* tabs() const { return m_tabs; }
    QProgressBar* progressBar() const { return m_progress; }
    QLabel* statusLabel() const { return m_statusLabel; }
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
    void setStage(const QString& stage);
    QString stage() const;
    QString app() const;
    void setPasswordPrompt(PasswordPrompt prompt) { m_passwordPrompt = std::move(prompt); }
    void setForce(bool force);
    void setAdopt(bool adopt);
    void setParallel(int parallel);

    // Intercepts closing `window` while a run is in flight: asks, cancels, closes once the run has stopped.
    void guardWindowClose(QWidget* window);

    // Plan, Up, Read, Destroy, Cancel as actions (with their shortcuts) for a menu; they follow the buttons.
    QList<QAction*> commandActions() const;

    // The confirmation or plan dialog currently open (tests drive it), or null.
    QDialog* pendingDialog() const { return m_dialog; }
    // Why an action is unavailable, empty when it can run.
    QString whyNot(athanor::Phase phase) const;

public slots:
    void plan();
    void up();
    void read();
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
    bool eventFilter(QObject* watched, QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showTasks(TaskListModel* model);
    // The width the task table needs to show every column without a horizontal scrollbar.
    int taskTableNeededWidth() const;

private:
    enum class Purpose { Plain, PlanForUp };
    struct StageEntry {
        QString app;
        QString stage;
        int resources = 0;
        int secrets = 0;
    };

    void buildUi();
    QWidget* buildControls();
    QWidget* buildOutputsTab();
    QWidget* buildHistoryTab();
    void reloadStackInfo();
    void rebuildStages();
    void updateActions();
    void onStageActivated(int index);
    void onRunStarted();
    void onRunFinished(std::shared_ptr<const RunOutcome> outcome);
    void onProgress(int done, int total);
    bool startRun(athanor::Phase phase, Purpose purpose,
                  const std::vector<TaskListModel::Planned>& planned = {});
    bool ensurePassword(athanor::Phase phase);
    DeployRequest makeRequest(athanor::Phase phase) const;
    const StageEntry* currentStageEntry() const;
    std::vector<DestroyConfirmDialog::Item> destroyItems() const;
    void showDialog(QDialog* dialog);
    void exportOutputs();
    void selectTask(const QString& fqn);
    void onTargetChanged();
    void onSummaryAction(const QString& id);

    RunController* m_controller;
    LogPane* m_logPane = nullptr;
    TaskListModel* m_archivedTasks = nullptr; // the task list of a past run whose log is open
    QSplitter* m_runSplit = nullptr; // task list | log: side by side when docked wide, stacked when narrow
    bool m_runSplitSized = false;
    OutputsModel* m_outputs;
    RunHistoryModel* m_history;
    RunSummaryWidget* m_summary = nullptr;

    QComboBox* m_stageCombo = nullptr;
    RunTargetWidget* m_target = nullptr;
    QCheckBox* m_force = nullptr;
    QCheckBox* m_adopt = nullptr;
    QSpinBox* m_parallel = nullptr;
    QPushButton* m_planButton = nullptr;
    QPushButton* m_upButton = nullptr;
    QPushButton* m_readButton = nullptr;
    QPushButton* m_destroyButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_statusLabel = nullptr;
    QTabWidget* m_tabs = nullptr;
    QTreeView* m_taskView = nullptr;
    QTreeView* m_outputsView = nullptr;
    QLabel* m_outputsLabel = nullptr;
    QCheckBox* m_revealSecrets = nullptr;
    QPushButton* m_exportButton = nullptr;
    QTreeView* m_historyView = nullptr;
    RunChangesPanel* m_runChanges = nullptr;

    QString m_root;
    QString m_stateSpec;   // SourceSpec text of the state runs use
    QString m_athanorHome; // where run history lives
    QString m_stackFile;   // the engine's stack file; empty when the dock runs a program
    QString m_stackApp;
    QString m_stackError;
    bool m_stackHasPassword = false;
    bool m_stackDeclaresSecrets = false;
    bool m_readOnly = false;
    std::shared_ptr<const athanor::StateSnapshot> m_snapshot;
    std::vector<StageEntry> m_stages;
    QStringList m_newStages; // created with "New stage…", not in state yet
    QString m_wantedStage;
    Purpose m_purpose = Purpose::Plain;
    PasswordPrompt m_passwordPrompt;
    bool m_askedPassword = false;
    QHash<QPushButton*, QAction*> m_buttonActions; // the same commands for menus and shortcuts
    QPointer<QDialog> m_dialog;
    QPointer<QWidget> m_guardedWindow;
    bool m_closeAfterRun = false;
    bool m_closePromptOpen = false;
};

} // namespace athanor::ui

#include "deploy/DeployConsole.h"

#include "deploy/DeployActionBar.h"
#include "deploy/LiveRunView.h"
#include "deploy/OutputsModel.h"
#include "deploy/OutputsTab.h"
#include "deploy/RunCloseGuard.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryModel.h"
#include "deploy/RunHistoryTab.h"
#include "deploy/RunSummaryWidget.h"
#include "deploy/RunTargetWidget.h"
#include "deploy/StageSelector.h"
#include "store/SourceSpec.h"
#include "store/folder/FolderSource.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace athanor::ui {

using athanor::Phase;

DeployConsole::DeployConsole(QWidget* parent)
    : QWidget(parent), m_controller(new RunController(this)), m_outputs(new OutputsModel(this)),
      m_history(new RunHistoryModel(this)) {
    setObjectName(QStringLiteral("deployConsole"));
    // Widgets are made in the order the Tab key visits them: controls, banner, tabs.
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(buildControls());
    m_summary = new RunSummaryWidget(this);
    layout->addWidget(m_summary);
    m_confirm = new DeployConfirmations(m_controller, m_summary, this);
    m_closeGuard = new RunCloseGuard(m_controller, m_summary, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("deployTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_run->buildRunPage(this), tr("Run"));
    m_outputsTab = new OutputsTab(m_outputs, this);
    m_tabs->addTab(m_outputsTab, tr("Outputs"));
    m_historyTab = new RunHistoryTab(m_history, this);
    m_tabs->addTab(m_historyTab, tr("History"));
    layout->addWidget(m_tabs, 1);

    connect(m_controller, &RunController::runStarted, this, &DeployConsole::onRunStarted);
    connect(m_controller, &RunController::runFinished, this, &DeployConsole::onRunFinished);
    connect(m_controller, &RunController::progressChanged, this, &DeployConsole::onProgress);
    connect(m_controller, &RunController::cancellingChanged, this, &DeployConsole::updateActions);
    connect(m_controller, &RunController::resourceStatusChanged, this, &DeployConsole::resourceStatusChanged);
    connect(m_summary, &RunSummaryWidget::resourceActivated, this, &DeployConsole::selectTask);
    connect(m_summary, &RunSummaryWidget::actionTriggered, this, &DeployConsole::onSummaryAction);
    connect(m_stages, &StageSelector::selectionChanged, this, &DeployConsole::updateActions);
    connect(m_stages, &StageSelector::stagesChanged, this, &DeployConsole::stagesChanged);
    connect(m_actions, &DeployActionBar::planRequested, this, &DeployConsole::plan);
    connect(m_actions, &DeployActionBar::upRequested, this, &DeployConsole::up);
    connect(m_actions, &DeployActionBar::readRequested, this, &DeployConsole::read);
    connect(m_actions, &DeployActionBar::destroyRequested, this, &DeployConsole::destroy);
    connect(m_actions, &DeployActionBar::cancelRequested, this, &DeployConsole::cancel);
    connect(m_confirm, &DeployConfirmations::pendingChanged, this, &DeployConsole::updateActions);
    connect(m_confirm, &DeployConfirmations::upConfirmed, this,
            [this](const QString& planStage, const std::vector<TaskListModel::Planned>& planned) {
                // The stage cannot change while the dialog is open (it is window-modal), but be explicit.
                setStage(planStage);
                startRun(Phase::Up, Purpose::Plain, planned);
            });
    connect(m_confirm, &DeployConfirmations::destroyConfirmed, this,
            [this](const std::vector<TaskListModel::Planned>& planned) {
                startRun(Phase::Destroy, Purpose::Plain, planned);
            });
    connect(m_confirm, &DeployConfirmations::destroyRefused, this, [this](const RunOutcome& refusal) {
        if (!refusal.unknownKinds.empty())
            offerDestroyWithProgram(refusal.request.stage, true);
    });
    connect(m_historyTab, &RunHistoryTab::pastRunOpened, this,
            [this](const QString& title, const std::vector<athanor::EngineEvent>& events) {
                m_run->showPastRun(title, events);
                m_tabs->setCurrentIndex(0);
            });
    connect(m_historyTab, &RunHistoryTab::restored, this, &DeployConsole::stateChanged);
    updateActions();
}

DeployConsole::~DeployConsole() = default;

QWidget* DeployConsole::buildControls() {
    auto* box = new QWidget(this);
    auto* rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(4);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Stage:"), box));
    m_stages = new StageSelector(this);
    top->addWidget(m_stages->comboBox());
    top->addSpacing(12);
    m_target = new RunTargetWidget(box);
    connect(m_target, &RunTargetWidget::targetChanged, this, &DeployConsole::onTargetChanged);
    top->addWidget(m_target, 1);
    m_actions = new DeployActionBar(this);
    m_run = new LiveRunView(m_controller, this);
    top->addSpacing(12);
    top->addWidget(m_actions->forceOption());
    top->addWidget(m_actions->adoptOption());
    top->addWidget(new QLabel(tr("Parallel:"), box));
    top->addWidget(m_actions->parallelOption());
    rows->addLayout(top);

    auto* bottom = new QHBoxLayout;
    for (QPushButton* button : m_actions->buttons())
        bottom->addWidget(button);
    bottom->addSpacing(12);
    bottom->addWidget(m_run->progressBar(), 1);
    bottom->addWidget(m_run->statusLabel());
    rows->addLayout(bottom);
    return box;
}

// ---- the parts, as the tests and the host know them ------------------------------------------------------

LogPane* DeployConsole::logPane() const {
    return m_run->logPane();
}
QTreeView* DeployConsole::taskView() const {
    return m_run->taskView();
}
QTreeView* DeployConsole::historyView() const {
    return m_historyTab->view();
}
RunChangesPanel* DeployConsole::runChanges() const {
    return m_historyTab->runChanges();
}
QComboBox* DeployConsole::stageSelector() const {
    return m_stages->comboBox();
}
QPushButton* DeployConsole::planButton() const {
    return m_actions->planButton();
}
QPushButton* DeployConsole::upButton() const {
    return m_actions->upButton();
}
QPushButton* DeployConsole::readButton() const {
    return m_actions->readButton();
}
QPushButton* DeployConsole::destroyButton() const {
    return m_actions->destroyButton();
}
QPushButton* DeployConsole::cancelButton() const {
    return m_actions->cancelButton();
}
QProgressBar* DeployConsole::progressBar() const {
    return m_run->progressBar();
}
QLabel* DeployConsole::statusLabel() const {
    return m_run->statusLabel();
}
QList<QAction*> DeployConsole::commandActions() const {
    return m_actions->commandActions();
}
void DeployConsole::setPasswordPrompt(PasswordPrompt prompt) {
    m_confirm->setPasswordPrompt(std::move(prompt));
}
void DeployConsole::guardWindowClose(QWidget* window) {
    m_closeGuard->guard(window);
}

// ---- project, target, stages ---------------------------------------------------------------------------

void DeployConsole::setProjectRoot(const QString& path) {
    if (path.isEmpty()) {
        setStateSource(QString(), QString());
        return;
    }
    const athanor::FolderSource folder(athanor::SourceSpec::folder(path.toStdString()));
    setStateSource(QString::fromStdString(folder.spec().toString()),
                   QString::fromStdString(folder.athanorHome().string()));
}

void DeployConsole::setStateSource(const QString& specText, const QString& athanorHome) {
    QString root;
    if (!specText.isEmpty()) {
        try {
            root = QString::fromStdString(
                athanor::SourceSpec::parse(specText.toStdString()).projectFolder().string());
        } catch (const std::exception&) {
            root.clear(); // not a source: nothing to run against
        }
    }
    const bool sameProject = root == m_root && !root.isEmpty();
    m_stateSpec = root.isEmpty() ? QString() : specText;
    m_athanorHome = root.isEmpty() ? QString() : athanorHome;
    m_historyTab->setAthanorHome(m_athanorHome);
    m_historyTab->setStateSpec(m_stateSpec);
    if (sameProject) {
        // The same project, its source now resolved (a folder holding only state.sqlite): same stack file.
        reloadHistory();
        return;
    }
    m_root = root;
    m_confirm->discard(); // what another project's stage would lose is no question any more
    m_stages->setProject(m_root);
    m_outputsTab->setProjectRoot(m_root);
    m_outputs->clear();
    m_summary->clear();
    m_controller->clearPasswords();   // another project, other secrets
    m_target->setProjectRoot(m_root); // reloads the stack info and the stages (onTargetChanged)
    reloadHistory();
}

void DeployConsole::setStackFile(const QString& file) {
    m_target->setEntry(file);
}

void DeployConsole::onTargetChanged() {
    m_stackFile = m_target->stackFile();
    m_stages->setStackApp(m_target->details().app);
    m_stages->rebuild();
    updateActions(); // the target read (or being read) decides what can run
}

void DeployConsole::setSnapshot(std::shared_ptr<const athanor::StateSnapshot> snapshot) {
    m_stages->setSnapshot(std::move(snapshot));
}

void DeployConsole::setStateLoading(bool loading) {
    m_stages->setLoading(loading);
}

void DeployConsole::setStage(const QString& stageName) {
    m_stages->setStage(stageName);
}

QString DeployConsole::stage() const {
    return m_stages->stage();
}

QString DeployConsole::app() const {
    return m_stages->app();
}

void DeployConsole::setReadOnly(bool readOnly) {
    m_readOnly = readOnly;
    m_actions->setReadOnly(readOnly);
    updateActions();
}

void DeployConsole::setForce(bool force) {
    m_actions->forceOption()->setChecked(force);
}

void DeployConsole::setAdopt(bool adopt) {
    m_actions->adoptOption()->setChecked(adopt);
}

void DeployConsole::setParallel(int parallel) {
    m_actions->parallelOption()->setValue(parallel);
}

// ---- actions -------------------------------------------------------------------------------------------

DeployFacts DeployConsole::facts() const {
    DeployFacts f;
    f.projectRoot = m_root;
    f.readOnly = m_readOnly;
    f.running = m_controller->isRunning();
    if (f.running) {
        f.runningPhase = m_controller->currentRequest().phase;
        f.runningStage = m_controller->currentRequest().stage;
        f.runningProgram = m_controller->currentRequest().isProgram();
    }
    f.cancelling = m_controller->isCancelling();
    f.aborting = m_controller->isAborting();
    f.confirmationOpen = m_confirm->pendingDialog() != nullptr;
    f.checkingDestroy = m_confirm->isCheckingDestroy();
    f.checkingLock = m_confirm->isCheckingStageLock();
    f.stage = stage();
    const StageSelector::Entry* entry = m_stages->currentEntry();
    f.resources = entry ? entry->resources : 0;
    f.program = m_target->isProgram();
    f.stackFile = m_stackFile;
    f.stackError = m_target->details().problem;
    f.targetLoading = m_target->isLoading();
    return f;
}

QString DeployConsole::whyNot(Phase phase) const {
    return DeployActionBar::whyNot(phase, facts());
}

void DeployConsole::updateActions() {
    const DeployFacts f = facts();
    m_actions->update(f);
    m_run->updateStatus(f);
    const bool busy = f.running || f.checkingDestroy || f.checkingLock;
    m_stages->comboBox()->setEnabled(!busy && !m_root.isEmpty());
    m_target->chooseButton()->setEnabled(!busy && !m_root.isEmpty());
}

DeployRequest DeployConsole::makeRequest(Phase phase) const {
    DeployRequest r;
    r.phase = phase;
    r.projectRoot = m_root;
    r.stateSource = m_stateSpec;
    r.athanorHome = m_athanorHome;
    // Destroy uses the stack file only for what it adds (its password); a broken one must not block it.
    if (phase != Phase::Destroy || m_target->details().problem.isEmpty())
        r.stackFile = m_stackFile;
    r.program = m_target->program();
    r.runtime = m_target->runtimeOverride();
    r.app = app();
    r.stage = stage();
    r.force = m_actions->forceOption()->isChecked() && !m_readOnly;
    r.adopt = m_actions->adoptOption()->isChecked() && !m_readOnly;
    r.parallel = m_actions->parallelOption()->value();
    r.noLock = m_noLock && (phase == Phase::Up || phase == Phase::Destroy);
    return r;
}

bool DeployConsole::startRun(Phase phase, Purpose purpose,
                             const std::vector<TaskListModel::Planned>& planned) {
    const Phase gate = purpose == Purpose::PlanForUp ? Phase::Up : phase;
    if (!whyNot(gate).isEmpty())
        return false;
    const StageSelector::Entry* entry = m_stages->currentEntry();
    DeployConfirmations::PasswordNeed need;
    need.stateSecrets = entry && entry->secrets > 0;
    need.declaredSecrets = m_target->details().declaresSecrets;
    need.stackHasPassword = m_target->details().passwordKnown;
    need.program = m_target->isProgram();
    need.stage = stage();
    if (!m_confirm->ensurePassword(gate, need))
        return false;
    m_purpose = purpose;
    return m_controller->start(makeRequest(phase), planned);
}

void DeployConsole::plan() {
    startRun(Phase::Plan, Purpose::Plain);
}

void DeployConsole::afterStageLockCheck(Phase phase, std::function<void()> next) {
    m_noLock = false;
    if (!whyNot(phase).isEmpty())
        return;
    bool remote = false;
    try {
        remote = athanor::SourceSpec::parse(m_stateSpec.toStdString()).isRemote();
    } catch (const std::exception&) {
        remote = false; // the run names the bad source
    }
    // A program writes to the store its own code names: the engine's lock is not its concern.
    if (!remote || m_target->isProgram()) {
        next();
        return;
    }
    m_confirm->checkStageLock(m_stateSpec, phase, stage(), [this, next = std::move(next)](bool noLock) {
        m_noLock = noLock;
        next();
    });
}

void DeployConsole::up() {
    // Asked before the plan, so Cancel runs nothing at all and the Up that follows is not asked again.
    afterStageLockCheck(Phase::Up, [this] {
        // A program has no dry run to show first: Up runs it, as `alchemy deploy` does.
        if (m_target->isProgram())
            startRun(Phase::Up, Purpose::Plain);
        else
            startRun(Phase::Plan, Purpose::PlanForUp);
    });
}

void DeployConsole::read() {
    startRun(Phase::Read, Purpose::Plain);
}

std::vector<DestroyConfirmDialog::Item> DeployConsole::destroyItems() const {
    std::vector<DestroyConfirmDialog::Item> items;
    if (!m_stages->snapshot())
        return items;
    for (const auto* r : StageSelector::stageResources(*m_stages->snapshot(), app(), stage()))
        items.push_back({QString::fromStdString(r->fqn), QString::fromStdString(r->kind),
                         r->ok() ? QString::fromStdString(r->status) : tr("unreadable")});
    return items;
}

void DeployConsole::destroy() {
    afterStageLockCheck(Phase::Destroy, [this] { confirmDestroy(); });
}

void DeployConsole::confirmDestroy() {
    if (!whyNot(Phase::Destroy).isEmpty())
        return;
    const auto items = destroyItems();
    // The program deletes what its own providers know: only the built-in engine can refuse up front.
    if (m_target->isProgram()) {
        m_confirm->confirmDestroy(app(), stage(), items);
        return;
    }
    QHash<QString, QString> statusOf;
    for (const auto& item : items)
        statusOf.insert(item.fqn, item.status);
    m_confirm->checkDestroy(makeRequest(Phase::Destroy), std::move(statusOf));
}

void DeployConsole::offerDestroyWithProgram(const QString& stageName, bool confirmFirst) {
    if (m_target->programInFolder().isEmpty())
        return;
    m_summary->offerAction(confirmFirst ? QStringLiteral("confirm-destroy-with-program")
                                        : QStringLiteral("destroy-with-program"),
                           tr("Destroy with %1").arg(QFileInfo(m_target->programInFolder()).fileName()),
                           tr("Run %1 with --destroy on stage %2: its own providers delete every kind")
                               .arg(m_target->programInFolder(), stageName));
}

void DeployConsole::cancel() {
    // Two steps, like a second Ctrl-C in a terminal: first stop starting resources, then stop running ones.
    if (m_controller->isCancelling())
        m_controller->abort();
    else
        m_controller->cancel();
}

void DeployConsole::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    m_run->arrange(size(), isVisible());
}

// ---- run feedback --------------------------------------------------------------------------------------

void DeployConsole::onRunStarted() {
    const auto& r = m_controller->currentRequest();
    m_run->runStarted();
    m_summary->clear();
    m_tabs->setCurrentIndex(0);
    updateActions();
    emit runStarted(r.phase, r.stage);
}

void DeployConsole::onProgress(int done, int total) {
    m_run->progress(done, total);
    // A busy bar: the running count is in the status line.
    if ((m_controller->isRunning() || total != 0) && (total <= 0 || m_controller->isIndeterminate()))
        updateActions();
}

void DeployConsole::onRunFinished(std::shared_ptr<const RunOutcome> outcome) {
    const Phase phase = outcome->request.phase;
    const Purpose purpose = m_purpose;
    m_purpose = Purpose::Plain;
    m_run->runFinished(*outcome);

    // A password that opened nothing should not be tried silently on every later run.
    if (outcome->end == RunEnd::Error &&
        outcome->error.contains(QStringLiteral("password"), Qt::CaseInsensitive))
        m_controller->clearPasswords();

    if (phase == Phase::Plan && outcome->end == RunEnd::Succeeded) {
        const bool planForUp = purpose == Purpose::PlanForUp;
        if (!planForUp)
            m_summary->showOutcome(*outcome);
        m_confirm->showPlan(*outcome, planForUp);
    } else {
        m_summary->showOutcome(*outcome);
        // Refusals the user can act on: the program knows the kinds the engine does not; bun runs TypeScript.
        if (!outcome->unknownKinds.empty() && !m_target->programInFolder().isEmpty())
            offerDestroyWithProgram(outcome->request.stage, false);
        else if (!outcome->runtimeAlternative.isEmpty())
            m_summary->offerAction(
                QStringLiteral("use-runtime:") + outcome->runtimeAlternative,
                tr("Run with %1").arg(QFileInfo(outcome->runtimeAlternative).fileName()),
                tr("Use %1 for this project's program from now on").arg(outcome->runtimeAlternative));
    }

    if (phase == Phase::Read) {
        m_outputsTab->showRead(*outcome);
        if (outcome->end == RunEnd::Succeeded)
            m_tabs->setCurrentIndex(1);
    }
    if (phase == Phase::Up || phase == Phase::Destroy) {
        m_noLock = false; // the consent was for that run only
        emit stateChanged();
    }
    reloadHistory();
    updateActions();
    emit runFinished(outcome);
    m_closeGuard->runFinished();
}

void DeployConsole::onSummaryAction(const QString& id) {
    const QString runtimePrefix = QStringLiteral("use-runtime:");
    if (id == QStringLiteral("destroy-with-program")) {
        // The destroy was confirmed (stage name typed) and refused before anything changed: run it again,
        // now as the program.
        m_target->setEntry(m_target->programInFolder());
        std::vector<TaskListModel::Planned> planned;
        for (const auto& item : destroyItems())
            planned.push_back({item.fqn, item.kind});
        // Once the program is read (whether it declares secrets decides the password prompt).
        m_target->whenLoaded([this, planned] { startRun(Phase::Destroy, Purpose::Plain, planned); });
    } else if (id == QStringLiteral("confirm-destroy-with-program")) {
        // Refused before the confirmation: the program's destroy is confirmed like any other.
        m_target->setEntry(m_target->programInFolder());
        m_target->whenLoaded([this] { destroy(); });
    } else if (id.startsWith(runtimePrefix)) {
        m_target->setRuntimeOverride(id.mid(runtimePrefix.size()));
        m_summary->showMessage(tr("The program runs with %1 from now on. Press the button again to run it.")
                                   .arg(id.mid(runtimePrefix.size()).toHtmlEscaped()),
                               RunSummaryWidget::Tone::Muted);
    }
}

void DeployConsole::selectTask(const QString& fqn) {
    m_tabs->setCurrentIndex(0);
    m_run->selectTask(fqn);
}

// ---- run history ---------------------------------------------------------------------------------------

void DeployConsole::reloadHistory() {
    m_historyTab->reload();
}

void DeployConsole::openHistoryLog(int row) {
    m_historyTab->openLog(row);
}

bool DeployConsole::openRunLog(const QString& logFile) {
    return m_historyTab->openRunLog(logFile);
}

} // namespace athanor::ui

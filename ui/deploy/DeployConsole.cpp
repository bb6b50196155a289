#include "deploy/DeployConsole.h"

#include "deploy/EventLogFormat.h"
#include "deploy/OutputsModel.h"
#include "deploy/PlanDialog.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryModel.h"
#include "deploy/RunHistoryStore.h"
#include "deploy/RunSummaryWidget.h"
#include "deploy/RunTargetWidget.h"
#include "deploy/StageNames.h"
#include "lifecycle/RunApi.h"
#include "log/LogPane.h"
#include "store/folder/FolderSource.h"
#include "widgets/ThemeColors.h"

#include "json/JsonParse.h"
#include <QAction>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QSaveFile>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

namespace athanor::ui {

namespace {

using athanor::Phase;

constexpr int kStageRole = Qt::UserRole;
constexpr int kAppRole = Qt::UserRole + 1;
constexpr int kNewStageRole = Qt::UserRole + 2;

QString shortcutHint(const QKeySequence& seq) {
    return QStringLiteral(" (%1)").arg(seq.toString(QKeySequence::NativeText));
}

int segments(const std::string& fqn) {
    return int(std::count(fqn.begin(), fqn.end(), '/')) + 1;
}

// Which records are a child scope's or a stage's own record (Alchemy writes one per naked scope): not
// resources anyone declared. One pass over the nodes, so a 10,000-record stage stays linear.
std::vector<bool> scopeRecordMask(const athanor::StateSnapshot& snapshot) {
    std::vector<bool> mask(snapshot.records.size(), false);
    for (const auto& node : snapshot.nodes)
        if (node.record >= 0 && node.kind != athanor::SnapshotNodeKind::Resource)
            mask[std::size_t(node.record)] = true;
    return mask;
}

} // namespace

DeployConsole::DeployConsole(QWidget* parent)
    : QWidget(parent), m_controller(new RunController(this)), m_outputs(new OutputsModel(this)),
      m_history(new RunHistoryModel(this)) {
    setObjectName(QStringLiteral("deployConsole"));
    buildUi();
    connect(m_controller, &RunController::runStarted, this, &DeployConsole::onRunStarted);
    connect(m_controller, &RunController::runFinished, this, &DeployConsole::onRunFinished);
    connect(m_controller, &RunController::progressChanged, this, &DeployConsole::onProgress);
    connect(m_controller, &RunController::cancellingChanged, this, &DeployConsole::updateActions);
    connect(m_controller, &RunController::resourceStatusChanged, this, &DeployConsole::resourceStatusChanged);
    connect(m_summary, &RunSummaryWidget::resourceActivated, this, &DeployConsole::selectTask);
    connect(m_summary, &RunSummaryWidget::actionTriggered, this, &DeployConsole::onSummaryAction);
    updateActions();
}

DeployConsole::~DeployConsole() {
    if (m_guardedWindow)
        m_guardedWindow->removeEventFilter(this);
}

void DeployConsole::buildUi() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addWidget(buildControls());

    m_summary = new RunSummaryWidget(this);
    layout->addWidget(m_summary);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("deployTabs"));
    m_tabs->setDocumentMode(true);

    auto* split = m_runSplit = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    m_taskView = new QTreeView(split);
    m_taskView->setObjectName(QStringLiteral("taskView"));
    m_taskView->setModel(m_controller->taskModel());
    m_taskView->setRootIsDecorated(false);
    m_taskView->setUniformRowHeights(true);
    m_taskView->setAlternatingRowColors(true);
    m_taskView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_taskView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    QHeaderView* th = m_taskView->header();
    th->setStretchLastSection(true);
    th->setSectionResizeMode(TaskListModel::StatusColumn, QHeaderView::Fixed);
    th->resizeSection(TaskListModel::StatusColumn, 28);
    th->resizeSection(TaskListModel::ResourceColumn, 180);
    th->resizeSection(TaskListModel::KindColumn, 110);
    th->resizeSection(TaskListModel::ActionColumn, 90);
    th->resizeSection(TaskListModel::DurationColumn, 70);
    m_logPane = new LogPane(m_controller->logModel(), split);
    m_archivedTasks = new TaskListModel(this);
    connect(m_logPane, &LogPane::liveShown, this, [this] {
        showTasks(m_controller->taskModel());
        m_archivedTasks->reset();
    });
    split->addWidget(m_taskView);
    split->addWidget(m_logPane);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 5);
    m_tabs->addTab(split, tr("Run"));
    m_tabs->addTab(buildOutputsTab(), tr("Outputs"));
    m_tabs->addTab(buildHistoryTab(), tr("History"));
    layout->addWidget(m_tabs, 1);
}

QWidget* DeployConsole::buildControls() {
    auto* box = new QWidget(this);
    auto* rows = new QVBoxLayout(box);
    rows->setContentsMargins(0, 0, 0, 0);
    rows->setSpacing(4);

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Stage:"), box));
    m_stageCombo = new QComboBox(box);
    m_stageCombo->setObjectName(QStringLiteral("stageSelector"));
    m_stageCombo->setMinimumWidth(160);
    m_stageCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_stageCombo->setToolTip(tr("The stage to run against: stages found in state, or a new one"));
    connect(m_stageCombo, &QComboBox::activated, this, &DeployConsole::onStageActivated);
    top->addWidget(m_stageCombo);
    top->addSpacing(12);
    m_target = new RunTargetWidget(box);
    connect(m_target, &RunTargetWidget::targetChanged, this, &DeployConsole::onTargetChanged);
    top->addWidget(m_target, 1);
    top->addSpacing(12);
    m_force = new QCheckBox(tr("Force"), box);
    m_force->setObjectName(QStringLiteral("forceOption"));
    m_force->setToolTip(tr("Update every resource even when its props are unchanged"));
    top->addWidget(m_force);
    m_adopt = new QCheckBox(tr("Adopt"), box);
    m_adopt->setObjectName(QStringLiteral("adoptOption"));
    m_adopt->setToolTip(tr("Let providers take over objects that already exist instead of failing"));
    top->addWidget(m_adopt);
    top->addWidget(new QLabel(tr("Parallel:"), box));
    m_parallel = new QSpinBox(box);
    m_parallel->setObjectName(QStringLiteral("parallelOption"));
    m_parallel->setRange(1, 64);
    m_parallel->setValue(kDefaultParallel);
    m_parallel->setToolTip(tr("How many independent resources are applied or destroyed at once"));
    top->addWidget(m_parallel);
    rows->addLayout(top);

    auto* bottom = new QHBoxLayout;
    auto makeButton = [this, box, bottom](const QString& text, const QString& name, const QKeySequence& key,
                                          void (DeployConsole::*slot)()) {
        auto* b = new QPushButton(text, box);
        b->setObjectName(name);
        b->setAutoDefault(false);
        connect(b, &QPushButton::clicked, this, slot);
        // Window-wide shortcuts: the console is usually docked, the focus is usually in the tree.
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WindowShortcut);
        connect(action, &QAction::triggered, b, [b] {
            if (!b->isHidden() && b->isEnabled())
                b->click();
        });
        addAction(action);
        m_buttonActions.insert(b, action);
        b->setProperty("shortcutHint", shortcutHint(key));
        bottom->addWidget(b);
        return b;
    };
    m_planButton =
        makeButton(tr("Plan"), QStringLiteral("planButton"), QKeySequence(Qt::Key_F6), &DeployConsole::plan);
    m_upButton =
        makeButton(tr("Up"), QStringLiteral("upButton"), QKeySequence(Qt::Key_F7), &DeployConsole::up);
    m_readButton =
        makeButton(tr("Read"), QStringLiteral("readButton"), QKeySequence(Qt::Key_F8), &DeployConsole::read);
    m_destroyButton = makeButton(tr("Destroy…"), QStringLiteral("destroyButton"), QKeySequence(Qt::Key_F9),
                                 &DeployConsole::destroy);
    m_cancelButton = makeButton(tr("Cancel run"), QStringLiteral("cancelButton"),
                                QKeySequence(Qt::CTRL | Qt::Key_Period), &DeployConsole::cancel);
    const ThemeColors colors(palette());
    m_upButton->setStyleSheet(QStringLiteral("QPushButton:enabled { font-weight: bold; }"));
    m_destroyButton->setStyleSheet(
        QStringLiteral("QPushButton:enabled { color: %1; }").arg(colors.danger().name()));
    bottom->addSpacing(12);
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(QString()); // nothing to count until a run starts
    m_progress->setMinimumWidth(160);
    bottom->addWidget(m_progress, 1);
    m_statusLabel = new QLabel(box);
    m_statusLabel->setObjectName(QStringLiteral("runStatus"));
    m_statusLabel->setMinimumWidth(220);
    bottom->addWidget(m_statusLabel);
    rows->addLayout(bottom);
    return box;
}

QWidget* DeployConsole::buildOutputsTab() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* bar = new QHBoxLayout;
    m_outputsLabel =
        new QLabel(tr("Press Read to fetch every declared resource's outputs from state."), page);
    m_outputsLabel->setObjectName(QStringLiteral("outputsLabel"));
    bar->addWidget(m_outputsLabel, 1);
    m_revealSecrets = new QCheckBox(tr("Reveal secrets"), page);
    m_revealSecrets->setObjectName(QStringLiteral("revealSecrets"));
    m_revealSecrets->setToolTip(
        tr("Show secret values in plain text (they are masked otherwise, also in exports)"));
    connect(m_revealSecrets, &QCheckBox::toggled, m_outputs, &OutputsModel::setRevealSecrets);
    bar->addWidget(m_revealSecrets);
    m_exportButton = new QPushButton(tr("Export JSON…"), page);
    m_exportButton->setObjectName(QStringLiteral("exportOutputs"));
    m_exportButton->setEnabled(false);
    connect(m_exportButton, &QPushButton::clicked, this, &DeployConsole::exportOutputs);
    bar->addWidget(m_exportButton);
    layout->addLayout(bar);
    m_outputsView = new QTreeView(page);
    m_outputsView->setObjectName(QStringLiteral("outputsView"));
    m_outputsView->setModel(m_outputs);
    m_outputsView->setRootIsDecorated(false);
    m_outputsView->setUniformRowHeights(true);
    m_outputsView->setAlternatingRowColors(true);
    m_outputsView->header()->setStretchLastSection(true);
    m_outputsView->header()->resizeSection(OutputsModel::ResourceColumn, 220);
    m_outputsView->header()->resizeSection(OutputsModel::PropertyColumn, 140);
    layout->addWidget(m_outputsView, 1);
    return page;
}

QWidget* DeployConsole::buildHistoryTab() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* hint =
        new QLabel(tr("Every run of this project, newest first. Double-click one to reopen its log."), page);
    bar->addWidget(hint, 1);
    auto* open = new QPushButton(tr("Open log"), page);
    open->setObjectName(QStringLiteral("openHistoryLog"));
    auto* refresh = new QPushButton(tr("Refresh"), page);
    auto* folder = new QPushButton(tr("Show folder"), page);
    bar->addWidget(open);
    bar->addWidget(refresh);
    bar->addWidget(folder);
    layout->addLayout(bar);
    m_historyView = new QTreeView(page);
    m_historyView->setObjectName(QStringLiteral("historyView"));
    m_historyView->setModel(m_history);
    m_historyView->setRootIsDecorated(false);
    m_historyView->setUniformRowHeights(true);
    m_historyView->setAlternatingRowColors(true);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->header()->setStretchLastSection(true);
    m_historyView->header()->resizeSection(RunHistoryModel::StartedColumn, 150);
    layout->addWidget(m_historyView, 1);
    connect(m_historyView, &QTreeView::doubleClicked, this,
            [this](const QModelIndex& index) { openHistoryLog(index.row()); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_historyView->currentIndex();
        if (current.isValid())
            openHistoryLog(current.row());
    });
    connect(refresh, &QPushButton::clicked, this, &DeployConsole::reloadHistory);
    connect(folder, &QPushButton::clicked, this, [this] {
        if (!m_root.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(RunHistoryStore::runsDir(m_athanorHome)));
    });
    return page;
}

// ---- project, stack, stages -------------------------------------------------------------------------

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
    if (sameProject) {
        // The same project, its source now resolved (a folder holding only state.sqlite): same stack file.
        reloadHistory();
        return;
    }
    m_root = root;
    m_snapshot.reset();
    m_stages.clear();
    m_newStages.clear();
    m_wantedStage.clear();
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
    reloadStackInfo();
    rebuildStages();
}

void DeployConsole::reloadStackInfo() {
    const RunTargetWidget::Details& d = m_target->details();
    m_stackApp = d.app;
    m_stackError = d.problem;
    m_stackHasPassword = d.passwordKnown;
    m_stackDeclaresSecrets = d.declaresSecrets;
}

void DeployConsole::setSnapshot(std::shared_ptr<const athanor::StateSnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    rebuildStages();
}

void DeployConsole::rebuildStages() {
    m_stages.clear();
    if (m_snapshot) {
        std::map<std::pair<std::string, std::string>, StageEntry> found;
        for (const auto& node : m_snapshot->nodes) {
            if (node.kind != athanor::SnapshotNodeKind::Stage || node.parent < 0)
                continue;
            const auto& appNode = m_snapshot->nodes[std::size_t(node.parent)];
            auto& e = found[{appNode.name, node.name}];
            e.app = QString::fromStdString(appNode.name);
            e.stage = QString::fromStdString(node.name);
        }
        const std::vector<bool> scopeRecords = scopeRecordMask(*m_snapshot);
        for (std::size_t i = 0; i < m_snapshot->records.size(); ++i) {
            const auto& r = m_snapshot->records[i];
            if (segments(r.fqn) < 3 || scopeRecords[i])
                continue;
            const auto first = r.fqn.find('/');
            const auto second = r.fqn.find('/', first + 1);
            auto it = found.find({r.fqn.substr(0, first), r.fqn.substr(first + 1, second - first - 1)});
            if (it == found.end())
                continue;
            ++it->second.resources;
            it->second.secrets += int(r.secretCount);
        }
        for (auto& [key, e] : found)
            if (m_stackApp.isEmpty() || e.app == m_stackApp)
                m_stages.push_back(e);
    }

    QString current = m_wantedStage.isEmpty() ? stage() : m_wantedStage;
    QStringList apps;
    for (const auto& s : m_stages)
        if (!apps.contains(s.app))
            apps << s.app;
    const bool showApp = apps.size() > 1;

    const QSignalBlocker block(m_stageCombo);
    m_stageCombo->clear();
    QStringList names;
    for (const auto& s : m_stages) {
        const QString label =
            (showApp ? s.app + QStringLiteral(" / ") : QString()) + s.stage +
            QStringLiteral("  (%1)").arg(countOf(s.resources, tr("resource"), tr("resources")));
        m_stageCombo->addItem(label);
        const int i = m_stageCombo->count() - 1;
        m_stageCombo->setItemData(i, s.stage, kStageRole);
        m_stageCombo->setItemData(i, s.app, kAppRole);
        if (looksLikeProduction(s.stage))
            m_stageCombo->setItemData(i, ThemeColors(palette()).danger(), Qt::ForegroundRole);
        names << s.stage;
    }
    QStringList extra = m_newStages;
    if (m_stages.empty() && !m_root.isEmpty()) {
        // Nothing deployed yet: offer the stage the CLI would pick (ALCHEMY_STAGE, USER, dev).
        const QString fallback = QString::fromStdString(athanor::resolveStageName(std::string()));
        if (!extra.contains(fallback))
            extra.prepend(fallback);
    }
    // A stage picked automatically before the snapshot arrived (the fallback "dev") is not a choice: once
    // the tree shows stages, an existing one is preferred to offering a new one.
    if (m_wantedStage.isEmpty() && !names.contains(current) && !m_newStages.contains(current) &&
        !extra.contains(current))
        current.clear();
    if (!current.isEmpty() && !names.contains(current) && !extra.contains(current))
        extra << current;
    for (const QString& s : extra) {
        if (names.contains(s))
            continue;
        m_stageCombo->addItem(tr("%1  (new)").arg(s));
        const int i = m_stageCombo->count() - 1;
        m_stageCombo->setItemData(i, s, kStageRole);
        m_stageCombo->setItemData(i, m_stackApp, kAppRole);
        names << s;
    }
    if (!m_root.isEmpty()) {
        m_stageCombo->insertSeparator(m_stageCombo->count());
        m_stageCombo->addItem(tr("New stage…"));
        m_stageCombo->setItemData(m_stageCombo->count() - 1, true, kNewStageRole);
    }
    int select = -1;
    if (!current.isEmpty())
        select = m_stageCombo->findData(current, kStageRole);
    if (select < 0)
        select = m_stageCombo->findData(QStringLiteral("dev"), kStageRole);
    if (select < 0 && !names.isEmpty())
        select = 0;
    m_stageCombo->setCurrentIndex(select);
    updateActions();
    emit stagesChanged();
}

void DeployConsole::onStageActivated(int index) {
    if (m_stageCombo->itemData(index, kNewStageRole).toBool()) {
        bool ok = false;
        const QString name =
            QInputDialog::getText(this, tr("New stage"),
                                  tr("Name of the new stage (its state goes under .alchemy/%1/<stage>):")
                                      .arg(m_stackApp.isEmpty() ? tr("<app>") : m_stackApp),
                                  QLineEdit::Normal, QString(), &ok)
                .trimmed();
        QString why;
        if (ok && isValidStageName(name, &why)) {
            setStage(name);
        } else {
            if (ok)
                QMessageBox::warning(this, tr("New stage"), why);
            rebuildStages(); // back to the previous selection
        }
        return;
    }
    m_wantedStage = m_stageCombo->itemData(index, kStageRole).toString();
    updateActions();
}

void DeployConsole::setStage(const QString& stageName) {
    if (stageName.isEmpty())
        return;
    bool known = false;
    for (const auto& s : m_stages)
        known = known || s.stage == stageName;
    if (!known && !m_newStages.contains(stageName))
        m_newStages << stageName;
    m_wantedStage = stageName;
    rebuildStages();
}

QString DeployConsole::stage() const {
    return m_stageCombo->currentData(kStageRole).toString();
}

QString DeployConsole::app() const {
    if (!m_stackApp.isEmpty())
        return m_stackApp;
    return m_stageCombo->currentData(kAppRole).toString();
}

const DeployConsole::StageEntry* DeployConsole::currentStageEntry() const {
    const QString s = stage();
    const QString a = app();
    for (const auto& e : m_stages)
        if (e.stage == s && (a.isEmpty() || e.app == a))
            return &e;
    return nullptr;
}

void DeployConsole::setReadOnly(bool readOnly) {
    m_readOnly = readOnly;
    m_upButton->setVisible(!readOnly);
    m_destroyButton->setVisible(!readOnly);
    m_force->setVisible(!readOnly);
    m_adopt->setVisible(!readOnly);
    updateActions();
}

QList<QAction*> DeployConsole::commandActions() const {
    return {m_buttonActions.value(m_planButton), m_buttonActions.value(m_upButton),
            m_buttonActions.value(m_readButton), m_buttonActions.value(m_destroyButton),
            m_buttonActions.value(m_cancelButton)};
}

void DeployConsole::setForce(bool force) {
    m_force->setChecked(force);
}

void DeployConsole::setAdopt(bool adopt) {
    m_adopt->setChecked(adopt);
}

void DeployConsole::setParallel(int parallel) {
    m_parallel->setValue(parallel);
}

// ---- actions -------------------------------------------------------------------------------------------

QString DeployConsole::whyNot(Phase phase) const {
    if (m_root.isEmpty())
        return tr("Open a project folder first.");
    if (m_readOnly && (phase == Phase::Up || phase == Phase::Destroy))
        return tr("Athanor runs read-only (--read-only).");
    if (m_controller->isRunning())
        return tr("%1 is running on stage %2; wait for it or cancel it.")
            .arg(phaseTitle(m_controller->currentRequest().phase), m_controller->currentRequest().stage);
    if (m_dialog)
        return tr("Answer the open confirmation first.");
    if (stage().isEmpty())
        return tr("Choose a stage.");
    const StageEntry* entry = currentStageEntry();
    const int resources = entry ? entry->resources : 0;
    if (m_target->isProgram() && phase == Phase::Plan)
        return tr("Alchemy has no dry run: Up runs the program as `alchemy deploy` does.");
    if (phase != Phase::Destroy && !m_target->isProgram()) {
        if (m_stackFile.isEmpty())
            return tr("No stack file or Alchemy program: add alchemy.stack.json or alchemy.run.ts to %1, or "
                      "choose one.")
                .arg(QDir::toNativeSeparators(m_root));
        if (!m_stackError.isEmpty())
            return tr("The stack file cannot be used: %1").arg(m_stackError);
    }
    if (phase == Phase::Read && resources == 0)
        return tr("Nothing deployed to stage %1 yet: run Up first.").arg(stage());
    if (phase == Phase::Destroy && resources == 0)
        return tr("Stage %1 has nothing in state to destroy.").arg(stage());
    return {};
}

void DeployConsole::updateActions() {
    struct Item {
        QPushButton* button;
        Phase phase;
        QString what;
    };
    const Item items[] = {
        {m_planButton, Phase::Plan, tr("Show what Up would change, without changing anything")},
        {m_upButton, Phase::Up, tr("Create and update what the stack declares (shows the plan first)")},
        {m_readButton, Phase::Read, tr("Read every declared resource's outputs from state")},
        {m_destroyButton, Phase::Destroy, tr("Delete everything in the stage (asks for the stage name)")},
    };
    for (const Item& it : items) {
        const QString why = whyNot(it.phase);
        it.button->setEnabled(why.isEmpty());
        it.button->setToolTip((why.isEmpty() ? it.what : why) +
                              it.button->property("shortcutHint").toString());
    }
    const bool running = m_controller->isRunning();
    const bool cancelling = m_controller->isCancelling();
    const bool aborting = m_controller->isAborting();
    m_cancelButton->setEnabled(running && !aborting);
    m_cancelButton->setText(cancelling ? tr("Stop now") : tr("Cancel run"));
    for (auto it = m_buttonActions.cbegin(); it != m_buttonActions.cend(); ++it) {
        it.value()->setText(it.key()->text());
        it.value()->setEnabled(it.key()->isEnabled());
        it.value()->setVisible(!it.key()->isHidden());
    }
    m_cancelButton->setToolTip(
        (!running   ? tr("Nothing is running.")
         : aborting ? tr("Stopping: the running commands are being killed.")
         : m_controller->currentRequest().isProgram()
             ? (cancelling ? tr("The program got SIGINT and is finishing its cleanups. Stop now kills it and "
                                "everything it started (SIGKILL to its process group).")
                           : tr("Send SIGINT to the program: Alchemy stops after its cleanups"))
         : cancelling ? tr("Cancelling: waiting for the running resources to finish. Stop now kills them; "
                           "their records stay \"creating\"/\"updating\" and the next Up resumes them.")
                      : tr("Stop starting new resources; the run ends once the running ones have ended")) +
        m_cancelButton->property("shortcutHint").toString());
    m_stageCombo->setEnabled(!running && !m_root.isEmpty());
    m_target->chooseButton()->setEnabled(!running && !m_root.isEmpty());
    for (QWidget* w :
         {static_cast<QWidget*>(m_force), static_cast<QWidget*>(m_adopt), static_cast<QWidget*>(m_parallel)})
        w->setEnabled(!running);
    if (running) {
        const auto& r = m_controller->currentRequest();
        QString text = aborting     ? tr("Stopping %1 on %2…").arg(phaseTitle(r.phase), r.stage)
                       : cancelling ? tr("Cancelling %1 on %2…").arg(phaseTitle(r.phase), r.stage)
                                    : tr("%1 on %2…").arg(phaseTitle(r.phase), r.stage);
        // A program declares its resources as it runs: no total, a running count.
        if (m_controller->isIndeterminate())
            text += QLatin1Char(' ') + tr("%1 done").arg(countOf(m_controller->taskModel()->doneCount(),
                                                                 tr("resource"), tr("resources")));
        m_statusLabel->setText(text);
    } else if (m_root.isEmpty()) {
        m_statusLabel->setText(tr("No project open"));
    } else {
        m_statusLabel->setText(tr("Idle"));
    }
}

DeployRequest DeployConsole::makeRequest(Phase phase) const {
    DeployRequest r;
    r.phase = phase;
    r.projectRoot = m_root;
    r.stateSource = m_stateSpec;
    r.athanorHome = m_athanorHome;
    // Destroy uses the stack file only for what it adds (its password); a broken one must not block it.
    if (phase != Phase::Destroy || m_stackError.isEmpty())
        r.stackFile = m_stackFile;
    r.program = m_target->program();
    r.runtime = m_target->runtimeOverride();
    r.app = app();
    r.stage = stage();
    r.force = m_force->isChecked() && !m_readOnly;
    r.adopt = m_adopt->isChecked() && !m_readOnly;
    r.parallel = m_parallel->value();
    return r;
}

bool DeployConsole::ensurePassword(Phase phase) {
    if (m_controller->hasPasswords() || qEnvironmentVariableIsSet("ALCHEMY_PASSWORD"))
        return true;
    if (m_stackHasPassword)
        return true;
    const StageEntry* entry = currentStageEntry();
    const bool stateSecrets = entry && entry->secrets > 0;
    const bool stackSecrets = phase != Phase::Destroy && m_stackDeclaresSecrets;
    if (!stateSecrets && !stackSecrets)
        return true;
    if (!m_passwordPrompt)
        return true; // the engine will say which password is missing
    const QString reason =
        stateSecrets ? tr("Stage %1 holds encrypted secrets. Enter the password to use them for this "
                          "run; it stays in memory for this session only.")
                           .arg(stage())
                     : tr("The %1 declares secrets. Enter the password to encrypt them; it stays in "
                          "memory for this session only.")
                           .arg(m_target->isProgram() ? tr("program") : tr("stack"));
    auto password = m_passwordPrompt(this, reason);
    if (!password || password->empty()) {
        m_summary->showMessage(
            tr("%1 needs a password to open the stage's secrets; nothing was run.").arg(phaseTitle(phase)),
            RunSummaryWidget::Tone::Warning);
        return false;
    }
    m_controller->addPassword(std::move(*password));
    return true;
}

bool DeployConsole::startRun(Phase phase, Purpose purpose,
                             const std::vector<TaskListModel::Planned>& planned) {
    const Phase gate = purpose == Purpose::PlanForUp ? Phase::Up : phase;
    if (!whyNot(gate).isEmpty() || !ensurePassword(gate))
        return false;
    m_purpose = purpose;
    return m_controller->start(makeRequest(phase), planned);
}

void DeployConsole::plan() {
    startRun(Phase::Plan, Purpose::Plain);
}

void DeployConsole::up() {
    // A program has no dry run to show first: Up runs it, as `alchemy deploy` does.
    if (m_target->isProgram())
        startRun(Phase::Up, Purpose::Plain);
    else
        startRun(Phase::Plan, Purpose::PlanForUp);
}

void DeployConsole::read() {
    startRun(Phase::Read, Purpose::Plain);
}

std::vector<DestroyConfirmDialog::Item> DeployConsole::destroyItems() const {
    std::vector<const athanor::SnapshotRecord*> records;
    if (m_snapshot) {
        const std::string prefix = (app() + QLatin1Char('/') + stage() + QLatin1Char('/')).toStdString();
        const std::vector<bool> scopeRecords = scopeRecordMask(*m_snapshot);
        for (std::size_t i = 0; i < m_snapshot->records.size(); ++i)
            if (m_snapshot->records[i].fqn.rfind(prefix, 0) == 0 && !scopeRecords[i])
                records.push_back(&m_snapshot->records[i]);
    }
    // The engine's order: highest seq first, nested children before their owner.
    std::stable_sort(records.begin(), records.end(), [](const auto* a, const auto* b) {
        if (a->seq != b->seq)
            return a->seq > b->seq;
        return segments(a->fqn) > segments(b->fqn);
    });
    std::vector<DestroyConfirmDialog::Item> items;
    for (const auto* r : records)
        items.push_back({QString::fromStdString(r->fqn), QString::fromStdString(r->kind),
                         r->ok() ? QString::fromStdString(r->status) : tr("unreadable")});
    return items;
}

void DeployConsole::destroy() {
    if (!whyNot(Phase::Destroy).isEmpty())
        return;
    const auto items = destroyItems();
    auto* dialog = new DestroyConfirmDialog(app(), stage(), items, this);
    connect(dialog, &QDialog::accepted, this, [this, items] {
        std::vector<TaskListModel::Planned> planned;
        for (const auto& i : items)
            planned.push_back({i.fqn, i.kind});
        // The dialog is closing but still the pending dialog until it is gone; clear it so the gate opens.
        m_dialog = nullptr;
        startRun(Phase::Destroy, Purpose::Plain, planned);
    });
    showDialog(dialog);
}

void DeployConsole::showTasks(TaskListModel* model) {
    if (m_taskView->model() == model)
        return;
    const QByteArray columns = m_taskView->header()->saveState(); // setModel would reset the widths
    m_taskView->setModel(model);
    m_taskView->header()->restoreState(columns);
}

int DeployConsole::taskTableNeededWidth() const {
    // Every column at its set width, the message (the stretched last one) at a readable minimum.
    constexpr int kMessageMinimum = 120;
    const QHeaderView* header = m_taskView->header();
    int width =
        kMessageMinimum + 2 * m_taskView->frameWidth() + m_taskView->verticalScrollBar()->sizeHint().width();
    for (int col = 0; col < header->count(); ++col)
        if (col != TaskListModel::MessageColumn && !header->isSectionHidden(col))
            width += header->sectionSize(col);
    return width;
}

void DeployConsole::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // Docked at the bottom the console is wide and short: the task list and the log side by side both get
    // the full height. Docked at the right, floating narrow, or in a window too narrow for the task table's
    // columns beside the log's toolbar (1024 px) they stack: a column hidden behind a horizontal scrollbar
    // (Status, Duration, Message) is worse than fewer rows.
    const bool bothFit = width() >= taskTableNeededWidth() + m_logPane->minimumSizeHint().width() +
                                        m_runSplit->handleWidth() + 16;
    const Qt::Orientation wanted = width() >= 2 * height() && bothFit ? Qt::Horizontal : Qt::Vertical;
    if (m_runSplit && (m_runSplit->orientation() != wanted || !m_runSplitSized) && isVisible()) {
        m_runSplitSized = true;
        m_runSplit->setOrientation(wanted);
        const int total = wanted == Qt::Horizontal ? m_runSplit->width() : m_runSplit->height();
        // Side by side the task table gets at least what its columns need; the log takes the rest.
        const int tasks =
            wanted == Qt::Horizontal ? std::max(total * 4 / 9, taskTableNeededWidth()) : total * 4 / 9;
        m_runSplit->setSizes({tasks, total - tasks});
    }
}

void DeployConsole::cancel() {
    // Two steps, like a second Ctrl-C in a terminal: first stop starting resources, then stop running ones.
    if (m_controller->isCancelling())
        m_controller->abort();
    else
        m_controller->cancel();
}

void DeployConsole::showDialog(QDialog* dialog) {
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    m_dialog = dialog;
    connect(dialog, &QDialog::finished, this, [this] {
        m_dialog = nullptr;
        updateActions();
    });
    updateActions();
    dialog->open();
}

// ---- run feedback --------------------------------------------------------------------------------------

void DeployConsole::onRunStarted() {
    const auto& r = m_controller->currentRequest();
    if (m_logPane->showingArchive())
        m_logPane->showLive(); // a new run is what the user wants to watch
    m_summary->clear();
    m_tabs->setCurrentIndex(0);
    m_progress->setFormat(QStringLiteral("%v / %m"));
    m_progress->setRange(0, 0); // busy until the engine says how many
    m_progress->setValue(0);
    updateActions();
    emit runStarted(r.phase, r.stage);
}

void DeployConsole::onProgress(int done, int total) {
    if (!m_controller->isRunning() && total == 0) {
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        return;
    }
    if (total <= 0 || m_controller->isIndeterminate()) {
        m_progress->setRange(0, 0); // busy: the running count is in the status line
        updateActions();
        return;
    }
    m_progress->setRange(0, total);
    m_progress->setValue(std::min(done, total));
}

void DeployConsole::onRunFinished(std::shared_ptr<const RunOutcome> outcome) {
    const Phase phase = outcome->request.phase;
    const Purpose purpose = m_purpose;
    m_purpose = Purpose::Plain;
    // Plan and Read touch nothing, so "done of total" would read as "nothing happened": say what they found.
    if (phase == Phase::Plan) {
        int changes = 0;
        for (const auto& change : outcome->report.plan)
            changes += change.action == athanor::PlannedChange::Action::Skip ? 0 : 1;
        m_progress->setRange(0, 1);
        m_progress->setValue(1);
        m_progress->setFormat(tr("plan: %1").arg(countOf(changes, tr("change"), tr("changes"))));
    } else if (phase == Phase::Read) {
        const int read = outcome->report.counts.read;
        m_progress->setRange(0, std::max(read, 1));
        m_progress->setValue(read);
        m_progress->setFormat(tr("%v read"));
    } else {
        const int total = m_controller->taskModel()->totalCount();
        m_progress->setRange(0, std::max(total, 1));
        m_progress->setValue(total > 0 ? m_controller->taskModel()->doneCount() : 0);
    }

    // A password that opened nothing should not be tried silently on every later run.
    if (outcome->end == RunEnd::Error &&
        outcome->error.contains(QStringLiteral("password"), Qt::CaseInsensitive))
        m_controller->clearPasswords();

    const bool planForUp = phase == Phase::Plan && purpose == Purpose::PlanForUp;
    if (phase == Phase::Plan && outcome->end == RunEnd::Succeeded) {
        auto* dialog = new PlanDialog(planForUp ? PlanDialog::Mode::Confirm : PlanDialog::Mode::Review,
                                      QString::fromStdString(outcome->report.app).isEmpty()
                                          ? outcome->request.app
                                          : QString::fromStdString(outcome->report.app),
                                      outcome->request.stage, outcome->report.plan, this);
        if (planForUp) {
            std::vector<TaskListModel::Planned> planned;
            for (const auto& c : outcome->report.plan)
                planned.push_back({QString::fromStdString(c.fqn), QString::fromStdString(c.kind)});
            const QString planStage = outcome->request.stage;
            connect(dialog, &QDialog::accepted, this, [this, planned, planStage] {
                m_dialog = nullptr;
                // The stage cannot change while the dialog is open (it is window-modal), but be explicit.
                setStage(planStage);
                startRun(Phase::Up, Purpose::Plain, planned);
            });
            connect(dialog, &QDialog::rejected, this, [this, planStage] {
                m_summary->showMessage(tr("Up on stage <b>%1</b> was not applied; nothing changed.")
                                           .arg(planStage.toHtmlEscaped()),
                                       RunSummaryWidget::Tone::Muted);
            });
        } else {
            m_summary->showOutcome(*outcome);
        }
        showDialog(dialog);
    } else {
        m_summary->showOutcome(*outcome);
        // Refusals the user can act on: the program knows the kinds the engine does not; bun runs TypeScript.
        if (!outcome->unknownKinds.empty() && !m_target->programInFolder().isEmpty())
            m_summary->offerAction(
                QStringLiteral("destroy-with-program"),
                tr("Destroy with %1").arg(QFileInfo(m_target->programInFolder()).fileName()),
                tr("Run %1 with --destroy on stage %2: its own providers delete every kind")
                    .arg(m_target->programInFolder(), outcome->request.stage));
        else if (!outcome->runtimeAlternative.isEmpty())
            m_summary->offerAction(
                QStringLiteral("use-runtime:") + outcome->runtimeAlternative,
                tr("Run with %1").arg(QFileInfo(outcome->runtimeAlternative).fileName()),
                tr("Use %1 for this project's program from now on").arg(outcome->runtimeAlternative));
    }

    if (phase == Phase::Read) {
        m_outputs->setOutputs(outcome->report.outputs);
        m_exportButton->setEnabled(m_outputs->resourceCount() > 0);
        m_outputsLabel->setText(tr("Outputs of %1 on stage %2, read %3.")
                                    .arg(countOf(m_outputs->resourceCount(), tr("resource"), tr("resources")),
                                         outcome->request.stage,
                                         QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
        if (outcome->end == RunEnd::Succeeded)
            m_tabs->setCurrentIndex(1);
    }
    if (phase == Phase::Up || phase == Phase::Destroy)
        emit stateChanged();
    reloadHistory();
    updateActions();
    emit runFinished(outcome);

    if (m_closeAfterRun && m_guardedWindow) {
        m_closeAfterRun = false;
        QTimer::singleShot(0, m_guardedWindow.data(), &QWidget::close);
    }
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
        startRun(Phase::Destroy, Purpose::Plain, planned);
    } else if (id.startsWith(runtimePrefix)) {
        m_target->setRuntimeOverride(id.mid(runtimePrefix.size()));
        m_summary->showMessage(tr("The program runs with %1 from now on. Press the button again to run it.")
                                   .arg(id.mid(runtimePrefix.size()).toHtmlEscaped()),
                               RunSummaryWidget::Tone::Muted);
    }
}

void DeployConsole::selectTask(const QString& fqn) {
    const int row = m_controller->taskModel()->row(fqn);
    m_tabs->setCurrentIndex(0);
    if (row >= 0) {
        const QModelIndex index = m_controller->taskModel()->index(row, TaskListModel::ResourceColumn);
        m_taskView->setCurrentIndex(index);
        m_taskView->scrollTo(index);
    }
    m_logPane->setFilterText(fqn);
}

void DeployConsole::reloadHistory() {
    m_history->reload(m_athanorHome);
}

void DeployConsole::openHistoryLog(int row) {
    if (row < 0 || row >= m_history->rowCount())
        return;
    const RunHistoryEntry& e = m_history->entry(row);
    QString error;
    const auto events = RunHistoryStore::readEvents(e.logFile, &error);
    if (events.empty() && !error.isEmpty()) {
        QMessageBox::warning(this, tr("Run history"), tr("Cannot open the log %1: %2").arg(e.logFile, error));
        return;
    }
    const QString title = tr("Log of %1 on %2, %3 — %4")
                              .arg(phaseTitle(e.phase), e.stage,
                                   e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                   runEndText(e.end));
    std::vector<LogEntry> entries;
    m_archivedTasks->reset();
    for (const auto& event : events) {
        appendLogEntries(event, entries);
        m_archivedTasks->apply(event);
    }
    m_archivedTasks->finish();
    m_logPane->showArchive(title, std::move(entries));
    showTasks(m_archivedTasks); // the past run's resources beside its log
    m_tabs->setCurrentIndex(0);
}

bool DeployConsole::openRunLog(const QString& logFile) {
    for (int row = 0; row < m_history->rowCount(); ++row)
        if (QFileInfo(m_history->entry(row).logFile) == QFileInfo(logFile)) {
            openHistoryLog(row);
            return true;
        }
    return false;
}

void DeployConsole::exportOutputs() {
    const bool revealed = m_outputs->revealSecrets();
    const QString title =
        revealed ? tr("Export outputs (secrets in plain text!)") : tr("Export outputs (secrets masked)");
    const QString name = QFileDialog::getSaveFileName(
        this, title, QDir(m_root).filePath(QStringLiteral("outputs.json")), tr("JSON (*.json)"));
    if (name.isEmpty())
        return;
    QSaveFile file(name);
    const std::string text =
        m_outputs->exportJson().dump(2, ' ', false, athanor::Json::error_handler_t::replace) + "\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) < 0 ||
        !file.commit())
        QMessageBox::warning(this, tr("Export outputs"),
                             tr("Could not write %1: %2").arg(name, file.errorString()));
}

// ---- closing during a run ------------------------------------------------------------------------------

void DeployConsole::guardWindowClose(QWidget* window) {
    if (m_guardedWindow)
        m_guardedWindow->removeEventFilter(this);
    m_guardedWindow = window;
    if (window)
        window->installEventFilter(this);
}

bool DeployConsole::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_guardedWindow || event->type() != QEvent::Close || !m_controller->isRunning())
        return QWidget::eventFilter(watched, event);
    event->ignore();
    if (m_closeAfterRun || m_closePromptOpen)
        return true;
    const auto& r = m_controller->currentRequest();
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("A run is in progress"),
                        tr("%1 is running on stage %2.\n\nCancel it and close the window once the resources "
                           "already running have ended? No new resource will start.")
                            .arg(phaseTitle(r.phase), r.stage),
                        QMessageBox::Yes | QMessageBox::No, m_guardedWindow);
    box->setObjectName(QStringLiteral("closeDuringRun"));
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(tr("Cancel run and close"));
    box->button(QMessageBox::No)->setText(tr("Keep running"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_closePromptOpen = true;
    connect(box, &QMessageBox::finished, this, [this, box] {
        m_closePromptOpen = false;
        if (box->standardButton(box->clickedButton()) != QMessageBox::Yes || !m_controller->isRunning())
            return;
        m_closeAfterRun = true;
        m_controller->cancel();
        m_summary->showMessage(
            tr("Cancelling… the window closes as soon as the running resources have finished."),
            RunSummaryWidget::Tone::Warning);
    });
    box->open();
    return true;
}

} // namespace athanor::ui

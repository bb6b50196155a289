#include "app/MainWindow.h"

#include "app/CopySelection.h"
#include "app/MainWindowActions.h"
#include "app/ProjectOpener.h"
#include "app/RecentProjects.h"
#include "app/StatusBarPresenter.h"
#include "app/WindowLayout.h"
#include "inspector/DetailsPane.h"
#include "inspector/DetailsPresenter.h"
#include "inspector/ScopeTreeView.h"
#include "models/RunActivity.h"
#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "repair/RepairMenu.h"
#include "secrets/SecretVault.h"
#include "secrets/SecretsCommands.h"
#include "sources/SourceBanner.h"
#include "state/StateSession.h"
#include "widgets/EmptyStatePage.h"
#include "widgets/FilterBar.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QMenu>
#include <QMimeData>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace athanor::ui {

namespace {
// `top` above `rest`, which takes the height left, edge to edge.
QWidget* column(QWidget* top, QWidget* rest) {
    auto* widget = new QWidget;
    auto* layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(top);
    layout->addWidget(rest, 1);
    return widget;
}
} // namespace

MainWindow::MainWindow(Theme* theme, QWidget* parent) : MainWindow(theme, QString(), parent) {}

MainWindow::MainWindow(Theme* theme, const QString& openingFolder, QWidget* parent) : QMainWindow(parent) {
    m_session = new StateSession(this);
    if (!openingFolder.isEmpty())
        m_session->prepareOpen(openingFolder);
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(QStringLiteral("Athanor"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/athanor.svg")));
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_vault = new SecretVault(this);
    m_activity = new RunActivity(this);
    m_model = new StateTreeModel(this);
    m_model->setRunActivity(m_activity);
    m_proxy = new StateFilterProxyModel(this);
    m_proxy->setStateModel(m_model);

    m_tree = new ScopeTreeView(m_model, m_proxy);
    m_repairMenu = new RepairMenu(m_tree, m_session, this);
    m_repairMenu->setVault(m_vault);
    m_filterBar = new FilterBar(m_proxy);

    m_details = new DetailsPane(m_vault);
    m_details->setRunActivity(m_activity);
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(column(m_filterBar, m_tree));
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({520, 780});

    m_empty = new EmptyStatePage;
    m_central = new QStackedWidget;
    m_central->addWidget(m_empty);
    m_central->addWidget(m_splitter);
    m_sourceBanner = new SourceBanner(m_session);
    setCentralWidget(column(m_sourceBanner, m_central));

    m_status = new StatusBarPresenter(statusBar(), m_session, m_model, m_vault, m_activity);
    m_actions = new MainWindowActions(this, theme);
    m_opener = new ProjectOpener(this, m_session, m_actions->recentMenu);
    m_secrets = new SecretsCommands(this, m_vault, m_session, m_repairMenu);
    m_secrets->bindActions(m_actions->unlockSecrets, m_actions->lockSecrets);
    m_detailsPresenter = new DetailsPresenter(m_tree, m_model, m_details, m_repairMenu, m_session, this);
    m_layout = new WindowLayout(this, m_splitter, m_tree->header(), m_filterBar->regexBox(),
                                m_actions->liveReload, m_actions->viewMenu);
    connectActions();
    connectSession();

    connect(m_opener, &ProjectOpener::aboutToOpen, this, &MainWindow::forgetShownSource);
    connect(m_sourceBanner, &SourceBanner::credentialsRequested, m_opener, &ProjectOpener::chooseSource);
    connect(m_empty, &EmptyStatePage::openRequested, m_opener, &ProjectOpener::chooseProject);
    connect(m_empty, &EmptyStatePage::recentRequested, m_opener, &ProjectOpener::openProject);
    connect(m_detailsPresenter, &DetailsPresenter::selectedFqnChanged, this, &MainWindow::selectedFqnChanged);
    connect(m_filterBar, &FilterBar::nextMatchRequested, m_actions->nextMatch, &QAction::trigger);
    connect(m_filterBar, &FilterBar::previousMatchRequested, m_actions->previousMatch, &QAction::trigger);
    connect(m_details, &DetailsPane::fqnActivated, this, [this](const QString& fqn) {
        if (!selectFqn(fqn))
            statusBar()->showMessage(tr("%1 is not in this state (or hidden by the filter)").arg(fqn), 5000);
    });
    connect(m_details, &DetailsPane::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 4000); });
    connect(m_details, &DetailsPane::unlockRequested, m_secrets, &SecretsCommands::unlock);
    connect(m_details, &DetailsPane::lockRequested, m_secrets, &SecretsCommands::lock);
    connect(m_details, &DetailsPane::runLogRequested, this, &MainWindow::runLogRequested);

    m_layout->restore();
    showEmptyState();
}

MainWindow::~MainWindow() = default;

void MainWindow::connectActions() {
    const MainWindowActions& a = *m_actions;
    connect(a.openProject, &QAction::triggered, m_opener, &ProjectOpener::chooseProject);
    connect(a.openSource, &QAction::triggered, m_opener, &ProjectOpener::chooseSource);
    connect(a.copyState, &QAction::triggered, m_opener, &ProjectOpener::copyState);
    connect(a.forgetCredentials, &QAction::triggered, m_opener, &ProjectOpener::forgetSavedCredentials);
    connect(a.reload, &QAction::triggered, m_session, &StateSession::reload);
    connect(a.closeProject, &QAction::triggered, this, &MainWindow::closeProject);
    connect(a.copy, &QAction::triggered, this, [this] { copySelection(m_details, m_tree, statusBar()); });
    connect(a.find, &QAction::triggered, m_filterBar, &FilterBar::focusSearch);
    connect(a.nextMatch, &QAction::triggered, this, [this] { m_tree->selectNextMatch(true); });
    connect(a.previousMatch, &QAction::triggered, this, [this] { m_tree->selectNextMatch(false); });
    connect(a.changePassword, &QAction::triggered, this, &MainWindow::changePassword);
    connect(a.liveReload, &QAction::toggled, m_session, &StateSession::setLiveReload);
    connect(a.expandAll, &QAction::triggered, m_tree, &QTreeView::expandAll);
    connect(a.collapseAll, &QAction::triggered, m_tree, &QTreeView::collapseAll);
}

void MainWindow::connectSession() {
    connect(m_session, &StateSession::indexChanged, this, &MainWindow::onIndexChanged);
    connect(m_session, &StateSession::treeWalked, this, &MainWindow::onTreeWalked);
    connect(m_session, &StateSession::recordsLoaded, this, &MainWindow::onRecordsLoaded);
    connect(m_session, &StateSession::loadCancelled, this, [this] {
        // A half-read tree is no snapshot to browse: back to what the window showed before it.
        if (const auto shown = m_model->stateIndex(); shown && shown->loading()) {
            m_model->setIndex(nullptr);
            m_details->clear();
            m_status->showLoadCancelled();
            showEmptyState();
        }
    });
    connect(m_session, &StateSession::loadFailed, this, [this](const QString& message) {
        if (!m_model->stateIndex()) // else the last good tree stays on screen
            m_empty->showLoadFailure(m_session->specText(), message);
    });
    const auto showTitle = [this](const QString& source) {
        setWindowTitle(tr("%1 — Athanor").arg(QDir::toNativeSeparators(source)));
    };
    connect(m_session, &StateSession::projectOpened, this, showTitle);
    connect(m_session, &StateSession::sourceResolved, this, showTitle);
}

void MainWindow::openProject(const QString& path) {
    m_opener->openProject(path);
}

void MainWindow::openSource(const athanor::SourceSpec& spec) {
    m_opener->openSource(spec);
}

void MainWindow::chooseSource() {
    m_opener->chooseSource();
}

void MainWindow::copyState() {
    m_opener->copyState();
}

void MainWindow::forgetSavedCredentials() {
    m_opener->forgetSavedCredentials();
}

bool MainWindow::askForPassword(const QString& message) {
    return m_secrets->askForPassword(message);
}

ChangePasswordDialog* MainWindow::changePassword() {
    const auto index = m_model->stateIndex();
    return m_secrets->changePassword(index.get(),
                                     index ? StateTreeModel::nodeForKey(*index, selectedFqn()) : -1);
}

QToolBar* MainWindow::deployToolBar() const {
    return m_actions->deployToolBar;
}

QMenu* MainWindow::deployMenu() const {
    return m_actions->deployMenu;
}

QDockWidget* MainWindow::hostDeployConsole(QWidget* console, const QString& title) {
    QDockWidget* dock = m_layout->hostDeployConsole(console, title);
    m_actions->showDeployControlsIfFilled();
    return dock;
}

QString MainWindow::selectedFqn() const {
    return m_tree->currentFqn();
}

QString MainWindow::selectedStageFqn() const {
    const auto index = m_model->stateIndex();
    if (!index)
        return {};
    for (int32_t n = StateTreeModel::nodeForKey(*index, selectedFqn()); n > 0;
         n = index->nodes[static_cast<size_t>(n)].parent)
        if (index->nodeKind(n) == SnapshotNodeKind::Stage)
            return index->fqnOf(n);
    return {};
}

bool MainWindow::selectFqn(const QString& fqn) {
    if (m_tree->selectFqn(fqn))
        return true;
    // Hidden by the filter: clear it and try again, a followed reference should always land.
    if (m_proxy->isFiltering() && m_model->indexForFqn(fqn).isValid()) {
        m_filterBar->clear();
        return m_tree->selectFqn(fqn);
    }
    return false;
}

bool MainWindow::isShowingTree() const {
    return m_central->currentWidget() == m_splitter;
}

void MainWindow::closeProject() {
    m_vault->lock();
    m_activity->clear();
    m_session->close();
    m_model->setIndex(nullptr);
    m_details->clear();
    setWindowTitle(QStringLiteral("Athanor"));
    showEmptyState();
}

void MainWindow::forgetShownSource(const athanor::SourceSpec& spec) {
    m_vault->lock();
    if (spec.kind == athanor::SourceSpec::Kind::Folder)
        m_activity->clear();
    m_details->clear();
    m_model->setIndex(nullptr);
    m_firstTreeOfProject = true;
    m_awaitingFullTree = false;
}

void MainWindow::showEmptyState() {
    const auto index = m_session->index();
    if (m_session->isOpen() && index && m_session->spec().kind != athanor::SourceSpec::Kind::Folder)
        m_empty->showEmptySource(m_session->specText(), !index->snapshot->stateFolderExists,
                                 RecentProjects::list());
    else if (m_session->isOpen() && index)
        m_empty->showNoState(m_session->projectPath(), !index->snapshot->stateFolderExists,
                             RecentProjects::list());
    else
        m_empty->showWelcome(RecentProjects::list());
    m_central->setCurrentWidget(m_empty);
    m_actions->setSourceActionsEnabled(m_session->isOpen());
    m_status->showCounts();
}

void MainWindow::showTree() {
    m_central->setCurrentWidget(m_splitter);
    m_actions->reload->setEnabled(true);
    m_actions->closeProject->setEnabled(true);
}

void MainWindow::onTreeWalked(std::shared_ptr<const StateIndex> index) {
    // The hierarchy while the records are read: browsable at once; kinds and statuses fill in.
    m_model->setIndex(index);
    showTree();
    m_firstTreeOfProject = false;
    m_awaitingFullTree = true;
    m_tree->expandTopLevels();
    m_details->clear();
    m_status->showCounts();
    m_status->showRecordCount(*index);
    m_tree->viewport()->repaint();
    emit hierarchyShown();
}

void MainWindow::onRecordsLoaded(const std::shared_ptr<const StateIndex>& index,
                                 const std::vector<int32_t>& nodes) {
    m_model->recordsLoaded(index, nodes);
    m_status->showRecordCount(*index);
    m_detailsPresenter->recordsLoaded(index, nodes);
    m_status->showCounts();
}

void MainWindow::onIndexChanged(std::shared_ptr<const StateIndex> index) {
    m_vault->setIndex(index);
    m_activity->forgetSettled(); // this snapshot shows what the last run settled
    if (index == m_model->stateIndex()) {
        // A staged load completed the tree on screen: no reset, everything the user did stays.
        m_model->indexCompleted();
        m_filterBar->setKinds(index->kinds);
        m_actions->copyState->setEnabled(true);
        if (!index->hasState() && index->snapshot->problems.empty()) {
            m_details->clear();
            showEmptyState();
        } else {
            m_detailsPresenter->showSelection(index);
        }
        m_status->showCounts();
        m_awaitingFullTree = false;
        emit treeShown();
        return;
    }
    if (!index->hasState() && index->snapshot->problems.empty()) {
        m_model->setIndex(index);
        m_details->clear();
        showEmptyState();
        return;
    }
    const bool first = m_firstTreeOfProject;
    m_firstTreeOfProject = false;
    ScopeTreeView::ViewState state;
    if (!first)
        state = m_tree->saveViewState();
    m_model->setIndex(index);
    m_filterBar->setKinds(index->kinds);
    showTree();
    m_actions->copyState->setEnabled(true);
    if (first) {
        m_tree->expandTopLevels();
        m_details->clear();
    } else {
        m_tree->restoreViewState(state);
    }
    // Refresh the details with the new snapshot (the same record reloads only if its file changed).
    if (!m_detailsPresenter->showSelection(index) && !first)
        m_details->clear();
    m_status->showCounts();
    if (first) {
        // Paint now so "shown" means on screen, not merely queued.
        m_tree->viewport()->repaint();
        emit hierarchyShown();
    }
    if (first || std::exchange(m_awaitingFullTree, false))
        emit treeShown();
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    m_layout->windowShown();
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::ActivationChange)
        m_session->setPollActive(isActiveWindow()); // a team's server is polled only while Athanor is in use
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_layout->save();
    m_vault->lock(); // wipe plaintexts and passwords before the window goes
    QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (ProjectOpener::acceptsDrag(event->mimeData()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    if (!ProjectOpener::acceptsDrag(event->mimeData()))
        return;
    event->acceptProposedAction();
    m_opener->openDropped(event->mimeData()->urls());
}

} // namespace athanor::ui

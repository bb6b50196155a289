#include "app/MainWindow.h"

#include "app/RecentProjects.h"
#include "app/Theme.h"
#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/RunActivity.h"
#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "repair/RepairMenu.h"
#include "secrets/ChangePasswordDialog.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "sources/CopyStateDialog.h"
#include "sources/CredentialKeychain.h"
#include "sources/OpenSourceDialog.h"
#include "sources/SourceBanner.h"
#include "state/StateSession.h"
#include "widgets/EmptyStatePage.h"
#include "widgets/FilterBar.h"
#include "widgets/Plural.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

namespace athanor::ui {

namespace {
QIcon icon(const char* name) {
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}
} // namespace

MainWindow::MainWindow(Theme* theme, QWidget* parent) : MainWindow(theme, QString(), parent) {}

MainWindow::MainWindow(Theme* theme, const QString& openingFolder, QWidget* parent)
    : QMainWindow(parent), m_theme(theme) {
    m_session = new StateSession(this);
    if (!openingFolder.isEmpty() && QFileInfo(openingFolder).isDir())
        m_session->prepareOpen(openingFolder);
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(QStringLiteral("Athanor"));
    setWindowIcon(icon("athanor"));
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
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(0);
    leftLayout->addWidget(m_filterBar);
    leftLayout->addWidget(m_tree, 1);

    m_details = new DetailsPane(m_vault);
    m_details->setRunActivity(m_activity);
    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(left);
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
    auto* centre = new QWidget;
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_sourceBanner);
    centreLayout->addWidget(m_central, 1);
    setCentralWidget(centre);
    connect(m_sourceBanner, &SourceBanner::credentialsRequested, this, &MainWindow::chooseSource);

    m_countsLabel = new QLabel;
    m_countsLabel->setObjectName(QStringLiteral("countsLabel"));
    m_secretsLabel = new QLabel;
    m_loadLabel = new QLabel;
    m_loadLabel->setObjectName(QStringLiteral("loadLabel"));
    statusBar()->addWidget(m_countsLabel, 1);
    statusBar()->addPermanentWidget(m_secretsLabel);
    statusBar()->addPermanentWidget(m_loadLabel);

    createActions();
    createMenus();
    createToolBars();

    connect(m_session, &StateSession::indexChanged, this, &MainWindow::onIndexChanged);
    connect(m_session, &StateSession::treeWalked, this, &MainWindow::onTreeWalked);
    connect(m_session, &StateSession::recordsLoaded, this, &MainWindow::onRecordsLoaded);
    connect(m_session, &StateSession::loadStarted, this, [this] {
        if (!m_model->stateIndex())
            m_loadLabel->setText(tr("Loading…"));
    });
    connect(m_session, &StateSession::loadCancelled, this, [this] {
        // A half-read tree is no snapshot to browse: back to what the window showed before it.
        if (const auto shown = m_model->stateIndex(); shown && shown->loading()) {
            m_model->setIndex(nullptr);
            m_details->clear();
            m_loadLabel->setText(tr("Load cancelled"));
            showEmptyState();
        }
    });
    connect(m_session, &StateSession::loadFinished, this,
            [this](qint64 ms) { m_loadLabel->setText(tr("Loaded in %1 ms").arg(ms)); });
    connect(m_session, &StateSession::loadProgress, this, [this](qint64 loaded, qint64 total) {
        if (total > 0 && loaded < total && !m_session->loadingIndex()) // else showRecordCount()
            m_loadLabel->setText(loadingRecordsText(loaded, total));
    });
    connect(m_session, &StateSession::loadFailed, this, [this](const QString& message) {
        // The last good tree (if any) stays on screen; the failure is said where the load time goes.
        m_loadLabel->setText(tr("Load failed"));
        m_loadLabel->setToolTip(message);
        statusBar()->showMessage(tr("Cannot read the state: %1").arg(message), 15000);
        if (!m_model->stateIndex())
            m_empty->showLoadFailure(m_session->specText(), message);
    });
    connect(m_session, &StateSession::projectOpened, this, [this](const QString& path) {
        setWindowTitle(tr("%1 — Athanor").arg(QDir::toNativeSeparators(path)));
        RecentProjects::add(path);
        updateRecentMenu();
    });
    connect(m_session, &StateSession::sourceResolved, this, [this](const QString& spec, const QString& note) {
        setWindowTitle(tr("%1 — Athanor").arg(QDir::toNativeSeparators(spec)));
        if (!note.isEmpty())
            statusBar()->showMessage(note, 20000); // a folder holding only state.sqlite: say what was opened
    });
    connect(m_tree, &ScopeTreeView::currentFqnChanged, this, &MainWindow::onSelectionChanged);
    connect(m_filterBar, &FilterBar::nextMatchRequested, this, [this] { m_tree->selectNextMatch(true); });
    connect(m_filterBar, &FilterBar::previousMatchRequested, this,
            [this] { m_tree->selectNextMatch(false); });
    connect(m_details, &DetailsPane::fqnActivated, this, [this](const QString& fqn) {
        if (!selectFqn(fqn))
            statusBar()->showMessage(tr("%1 is not in this state (or hidden by the filter)").arg(fqn), 5000);
    });
    connect(m_details, &DetailsPane::statusMessage, this,
            [this](const QString& m) { statusBar()->showMessage(m, 4000); });
    connect(m_details, &DetailsPane::unlockRequested, this, &MainWindow::unlockSecrets);
    connect(m_details, &DetailsPane::runLogRequested, this, &MainWindow::runLogRequested);
    connect(m_activity, &RunActivity::changed, this, &MainWindow::updateStatusBar);
    connect(m_details, &DetailsPane::lockRequested, this, &MainWindow::lockSecrets);
    connect(m_empty, &EmptyStatePage::openRequested, this, &MainWindow::chooseProject);
    connect(m_empty, &EmptyStatePage::recentRequested, this, &MainWindow::openProject);
    connect(m_vault, &SecretVault::secretsChanged, this, &MainWindow::updateStatusBar);
    connect(m_vault, &SecretVault::passwordsChanged, this, &MainWindow::updateStatusBar);
    connect(m_vault, &SecretVault::decryptionFinished, this,
            [this](int open, int locked, bool openedNothing) {
                if (openedNothing)
                    statusBar()->showMessage(tr("That password opens none of the secrets; it was not kept."),
                                             8000);
                else if (locked > 0)
                    statusBar()->showMessage(
                        tr("%1 secrets open, %2 still locked: they may use another password.")
                            .arg(open)
                            .arg(locked),
                        8000);
                else
                    statusBar()->showMessage(tr("All %1 secrets are open.").arg(open), 5000);
            });

    restoreLayout();
    showEmptyState();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    m_openAction = new QAction(icon("open"), tr("&Open Project…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Open a project folder or a .alchemy folder (Ctrl+O)"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseProject);
    m_openSourceAction = new QAction(tr("Open State &Source…"), this);
    m_openSourceAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openSourceAction->setToolTip(tr("Open a project folder or Alchemy's SQLite state database"));
    connect(m_openSourceAction, &QAction::triggered, this, &MainWindow::chooseSource);
    m_copyStateAction = new QAction(tr("Cop&y State To…"), this);
    m_copyStateAction->setToolTip(tr("Copy every record into another folder or SQLite database"));
    connect(m_copyStateAction, &QAction::triggered, this, &MainWindow::copyState);
    m_forgetCredentialsAction = new QAction(tr("&Forget Saved Credentials"), this);
    m_forgetCredentialsAction->setObjectName(QStringLiteral("forgetCredentialsAction"));
    m_forgetCredentialsAction->setToolTip(
        tr("Remove the open Cloudflare or S3 source's token or keys from the desktop keychain and memory"));
    connect(m_forgetCredentialsAction, &QAction::triggered, this, &MainWindow::forgetSavedCredentials);

    m_reloadAction = new QAction(icon("refresh"), tr("&Reload"), this);
    m_reloadAction->setShortcuts({QKeySequence::Refresh, QKeySequence(Qt::CTRL | Qt::Key_R)});
    m_reloadAction->setToolTip(tr("Read the state again (F5)"));
    connect(m_reloadAction, &QAction::triggered, m_session, &StateSession::reload);

    m_closeAction = new QAction(tr("&Close Project"), this);
    m_closeAction->setShortcut(QKeySequence::Close);
    connect(m_closeAction, &QAction::triggered, this, [this] {
        m_vault->lock();
        m_activity->clear();
        m_session->close();
        m_model->setIndex(nullptr);
        m_details->clear();
        setWindowTitle(QStringLiteral("Athanor"));
        showEmptyState();
    });

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_findAction = new QAction(icon("find"), tr("&Find…"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, m_filterBar, &FilterBar::focusSearch);

    m_nextAction = new QAction(icon("next"), tr("&Next Match"), this);
    m_nextAction->setShortcuts({QKeySequence(Qt::Key_F3), QKeySequence::FindNext});
    connect(m_nextAction, &QAction::triggered, this, [this] { m_tree->selectNextMatch(true); });
    m_previousAction = new QAction(icon("previous"), tr("&Previous Match"), this);
    m_previousAction->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_F3), QKeySequence::FindPrevious});
    connect(m_previousAction, &QAction::triggered, this, [this] { m_tree->selectNextMatch(false); });

    m_copyAction = new QAction(icon("copy"), tr("&Copy"), this);
    m_copyAction->setShortcut(QKeySequence::Copy);
    m_copyAction->setToolTip(tr("Copy the selected FQN or value (Ctrl+C)"));
    connect(m_copyAction, &QAction::triggered, this, &MainWindow::copySelection);

    m_unlockAction = new QAction(icon("unlock"), tr("&Unlock Secrets…"), this);
    m_unlockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    m_unlockAction->setToolTip(tr("Decrypt secrets with a password (Ctrl+U)"));
    connect(m_unlockAction, &QAction::triggered, this, &MainWindow::unlockSecrets);
    m_lockAction = new QAction(icon("lock"), tr("&Lock Secrets"), this);
    m_lockAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_lockAction->setToolTip(tr("Forget every password and plaintext (Ctrl+Shift+L)"));
    m_lockAction->setEnabled(false);
    connect(m_lockAction, &QAction::triggered, this, &MainWindow::lockSecrets);
    m_changePasswordAction = new QAction(tr("&Change Password…"), this);
    m_changePasswordAction->setToolTip(tr("Re-encrypt the secrets of a stage or scope with a new password"));
    connect(m_changePasswordAction, &QAction::triggered, this, &MainWindow::changePassword);

    m_themeAction = new QAction(icon("theme"), tr("&Dark Theme"), this);
    m_themeAction->setCheckable(true);
    m_themeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_themeAction->setChecked(m_theme->mode() == Theme::Mode::Dark);
    connect(m_themeAction, &QAction::toggled, this, [this](bool dark) {
        m_theme->apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
        QSettings().setValue(QStringLiteral("theme"),
                             dark ? QStringLiteral("dark") : QStringLiteral("light"));
    });
    connect(m_theme, &Theme::changed, this, [this](Theme::Mode mode) {
        const QSignalBlocker block(m_themeAction);
        m_themeAction->setChecked(mode == Theme::Mode::Dark);
    });

    m_liveAction = new QAction(tr("&Live Reload"), this);
    m_liveAction->setCheckable(true);
    m_liveAction->setChecked(true);
    m_liveAction->setToolTip(tr("Reload when files under .alchemy change"));
    connect(m_liveAction, &QAction::toggled, m_session, &StateSession::setLiveReload);

    m_expandAction = new QAction(tr("&Expand All"), this);
    m_expandAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Plus));
    connect(m_expandAction, &QAction::triggered, m_tree, &QTreeView::expandAll);
    m_collapseAction = new QAction(tr("C&ollapse All"), this);
    m_collapseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    connect(m_collapseAction, &QAction::triggered, m_tree, &QTreeView::collapseAll);

    m_aboutAction = new QAction(tr("&About Athanor"), this);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Athanor"),
                           tr("<h3>Athanor %1</h3><p>A state inspector and deploy console for Alchemy.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    for (QAction* a : {m_openAction, m_reloadAction, m_closeAction, m_quitAction, m_findAction, m_nextAction,
                       m_previousAction, m_copyAction, m_unlockAction, m_lockAction, m_themeAction})
        addAction(a); // shortcuts work even with the menu bar hidden
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    file->addAction(m_openSourceAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addAction(m_copyStateAction);
    file->addAction(m_forgetCredentialsAction);
    file->addAction(m_reloadAction);
    file->addAction(m_closeAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_copyAction);
    edit->addSeparator();
    edit->addAction(m_findAction);
    edit->addAction(m_nextAction);
    edit->addAction(m_previousAction);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_themeAction);
    m_viewMenu->addAction(m_liveAction);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_expandAction);
    m_viewMenu->addAction(m_collapseAction);

    QMenu* secrets = menuBar()->addMenu(tr("&Secrets"));
    secrets->addAction(m_unlockAction);
    secrets->addAction(m_lockAction);
    secrets->addSeparator();
    secrets->addAction(m_changePasswordAction);

    // Filled by the deploy console; an empty menu stays out of the way (see eventFilter).
    m_deployMenu = new QMenu(tr("&Deploy"), this);
    m_deployMenu->setObjectName(QStringLiteral("deployMenu"));
    menuBar()->addMenu(m_deployMenu)->setVisible(false);
    m_deployMenu->installEventFilter(this);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);
}

void MainWindow::createToolBars() {
    m_mainToolBar = addToolBar(tr("Inspector"));
    m_mainToolBar->setObjectName(QStringLiteral("inspectorToolBar"));
    m_mainToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_mainToolBar->setMovable(false);
    m_mainToolBar->addAction(m_openAction);
    m_mainToolBar->addAction(m_reloadAction);
    m_mainToolBar->addSeparator();
    m_mainToolBar->addAction(m_unlockAction);
    m_mainToolBar->addAction(m_lockAction);
    m_mainToolBar->addSeparator();
    m_mainToolBar->addAction(m_themeAction);

    // The deploy controls get their own section to the right; hidden while empty.
    m_deployToolBar = addToolBar(tr("Deploy"));
    m_deployToolBar->setObjectName(QStringLiteral("deployToolBar"));
    m_deployToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_deployToolBar->setMovable(false);
    m_deployToolBar->hide();
    m_deployToolBar->installEventFilter(this);
}

QDockWidget* MainWindow::hostDeployConsole(QWidget* console, const QString& title) {
    if (!m_consoleDock) {
        m_consoleDock = new QDockWidget(title.isEmpty() ? tr("Deploy") : title, this);
        m_consoleDock->setObjectName(QStringLiteral("deployConsoleDock"));
        m_consoleDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
        m_consoleDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                                   QDockWidget::DockWidgetClosable);
        addDockWidget(Qt::BottomDockWidgetArea, m_consoleDock);
        m_viewMenu->addSeparator();
        m_viewMenu->addAction(m_consoleDock->toggleViewAction());
        // The layout saved last time may include the dock; restore it now that it exists.
        // A saved layout sizes the dock only if it was saved with the dock in it.
        QSettings settings;
        m_dockSized = restoreState(settings.value(QStringLiteral("window/state")).toByteArray()) &&
                      settings.value(QStringLiteral("window/stateHasDeployDock")).toBool();
    } else if (!title.isEmpty()) {
        m_consoleDock->setWindowTitle(title);
    }
    m_consoleDock->setWidget(console);
    m_consoleDock->show();
    m_deployToolBar->setVisible(!m_deployToolBar->actions().isEmpty());
    m_deployMenu->menuAction()->setVisible(!m_deployMenu->actions().isEmpty());
    return m_consoleDock;
}

bool MainWindow::askForPassword(const QString& message) {
    UnlockDialog dialog(this);
    if (!message.isEmpty())
        dialog.setMessage(message);
    // With secrets to try it on, a wrong password keeps the dialog open with the reason in it.
    const bool verify = m_vault->secretCount() > 0;
    if (verify)
        dialog.verifyWith(m_vault);
    if (dialog.exec() != QDialog::Accepted)
        return false;
    SecureString password = dialog.takePassword();
    if (password.empty())
        return false;
    if (!verify)
        m_vault->addPassword(std::move(password));
    return true;
}

QString MainWindow::selectedFqn() const {
    return m_tree->currentFqn();
}

ChangePasswordDialog* MainWindow::changePassword() {
    // The choices: every app, then the app, stage and child scopes around the selection (deepest chosen).
    QStringList scopes{QString()};
    if (const auto index = m_model->stateIndex()) {
        QStringList around;
        for (int32_t n = nodeForKey(*index, selectedFqn()); n > 0; n = index->nodes[size_t(n)].parent)
            if (index->nodeKind(n) != SnapshotNodeKind::Resource)
                around.prepend(index->fqnOf(n));
        if (around.isEmpty())
            for (int32_t app : index->nodes[0].children)
                around.append(index->fqnOf(app));
        scopes += around;
    }
    auto* dialog = new ChangePasswordDialog(m_session, m_vault, m_repairMenu, scopes, scopes.last(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

QString MainWindow::selectedStageFqn() const {
    const auto index = m_model->stateIndex();
    if (!index)
        return {};
    for (int32_t n = nodeForKey(*index, selectedFqn()); n > 0;
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

void MainWindow::openProject(const QString& path) {
    if (path.isEmpty())
        return;
    ++m_openRequests;
    if (path.startsWith(QStringLiteral("sqlite:")) || path.startsWith(QStringLiteral("cloudflare:")) ||
        path.startsWith(QStringLiteral("s3://"))) {
        try {
            openSource(athanor::SourceSpec::parse(path.toStdString()));
        } catch (const std::exception& e) {
            statusBar()->showMessage(QString::fromUtf8(e.what()), 6000);
        }
        return;
    }
    if (QFileInfo(path).isFile()) { // a database file (dropped, or given on the command line)
        openSource(athanor::SourceSpec::sqlite(path.toStdString()));
        return;
    }
    if (!QFileInfo(path).isDir()) {
        statusBar()->showMessage(tr("%1 is not a folder").arg(QDir::toNativeSeparators(path)), 6000);
        RecentProjects::remove(path);
        updateRecentMenu();
        return;
    }
    m_vault->lock();
    m_activity->clear();
    m_details->clear();
    m_model->setIndex(nullptr);
    m_firstTreeOfProject = true;
    m_awaitingFullTree = false;
    m_session->open(path);
}

void MainWindow::openSource(const athanor::SourceSpec& spec) {
    if (spec.kind == athanor::SourceSpec::Kind::Folder) {
        openProject(QString::fromStdString(spec.path.string()));
        return;
    }
    const QString text = QString::fromStdString(spec.toString());
    const quint64 request = ++m_openRequests;
    if (spec.isRemote()) {
        if (!athanor::rememberedAccessSecret(spec) && CredentialKeychain::available()) {
            // Saved there on request: read back before the load would ask for it (an async job).
            CredentialKeychain::read(
                spec, this,
                [this, spec, request](std::optional<athanor::AccessSecret> secret, const QString& error) {
                    if (secret)
                        athanor::rememberAccessSecret(spec, std::move(*secret));
                    else if (!error.isEmpty())
                        statusBar()->showMessage(error, 8000);
                    if (request == m_openRequests) // else the user has opened something else meanwhile
                        openRemoteSource(spec);
                });
            return;
        }
        openRemoteSource(spec);
        return;
    }
    if (!QFileInfo(QString::fromStdString(spec.path.string())).isFile()) {
        statusBar()->showMessage(tr("%1 does not exist").arg(QDir::toNativeSeparators(text)), 6000);
        RecentProjects::remove(text);
        updateRecentMenu();
        return;
    }
    m_vault->lock();
    m_details->clear();
    m_model->setIndex(nullptr);
    m_firstTreeOfProject = true;
    m_awaitingFullTree = false;
    m_session->openSource(spec);
}

// Nothing to check here: the load (off the GUI thread) says what is wrong.
void MainWindow::openRemoteSource(const athanor::SourceSpec& spec) {
    m_vault->lock();
    m_details->clear();
    m_model->setIndex(nullptr);
    m_firstTreeOfProject = true;
    m_awaitingFullTree = false;
    m_session->openSource(spec, spec.kind == athanor::SourceSpec::Kind::Cloudflare
                                    ? OpenSourceDialog::rememberedApps(spec)
                                    : QStringList());
}

void MainWindow::chooseSource() {
    OpenSourceDialog dialog(RecentProjects::list(), this);
    if (m_session->isOpen())
        dialog.setSpec(m_session->spec());
    if (dialog.exec() != QDialog::Accepted || !dialog.chosen())
        return;
    const athanor::SourceSpec spec = *dialog.chosen();
    if (dialog.rememberInKeychain()) {
        if (const std::optional<athanor::AccessSecret> secret = athanor::rememberedAccessSecret(spec))
            CredentialKeychain::store(spec, *secret, this, [this, spec](const QString& error) {
                statusBar()->showMessage(error.isEmpty()
                                             ? tr("The credentials of %1 are saved in the desktop keychain.")
                                                   .arg(QString::fromStdString(spec.toString()))
                                             : error,
                                         8000);
            });
    }
    openSource(spec);
}

void MainWindow::forgetSavedCredentials() {
    if (!m_session->isOpen() || !m_session->spec().isRemote()) {
        statusBar()->showMessage(tr("Open a Cloudflare or S3 source to forget its credentials."), 6000);
        return;
    }
    const athanor::SourceSpec spec = m_session->spec();
    athanor::forgetAccessSecret(spec);
    CredentialKeychain::forget(spec, this, [this, spec](const QString& error) {
        statusBar()->showMessage(error.isEmpty()
                                     ? tr("The credentials of %1 are forgotten; the next open asks "
                                          "for them.")
                                           .arg(QString::fromStdString(spec.toString()))
                                     : error,
                                 8000);
    });
}

void MainWindow::copyState() {
    if (!m_session->isOpen())
        return;
    auto* dialog = new CopyStateDialog(m_session->spec(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CopyStateDialog::openRequested, this, &MainWindow::openSource);
    dialog->open();
}

void MainWindow::chooseProject() {
    const QString start = m_session->isOpen() ? m_session->projectPath() : QDir::homePath();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Project or .alchemy Folder"), start);
    if (!dir.isEmpty())
        openProject(dir);
}

void MainWindow::updateRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = RecentProjects::list();
    for (const QString& p : recent)
        connect(m_recentMenu->addAction(QDir::toNativeSeparators(p)), &QAction::triggered, this,
                [this, p] { openProject(p); });
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        connect(m_recentMenu->addAction(tr("Clear List")), &QAction::triggered, this, [this] {
            RecentProjects::clear();
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
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
    m_reloadAction->setEnabled(m_session->isOpen());
    m_closeAction->setEnabled(m_session->isOpen());
    m_copyStateAction->setEnabled(m_session->isOpen());
    updateStatusBar();
}

void MainWindow::onTreeWalked(std::shared_ptr<const StateIndex> index) {
    // The hierarchy while the records are read: browsable at once; kinds and statuses fill in.
    m_model->setIndex(index);
    m_central->setCurrentWidget(m_splitter);
    m_reloadAction->setEnabled(true);
    m_closeAction->setEnabled(true);
    m_firstTreeOfProject = false;
    m_awaitingFullTree = true;
    m_tree->expandTopLevels();
    m_details->clear();
    updateStatusBar();
    showRecordCount(*index);
    m_tree->viewport()->repaint();
    emit hierarchyShown();
}

QString MainWindow::loadingRecordsText(qint64 loaded, qint64 total) {
    const QLocale locale;
    return tr("Loading records %1 / %2").arg(locale.toString(loaded), locale.toString(total));
}

void MainWindow::showRecordCount(const StateIndex& index) {
    if (index.loading())
        m_loadLabel->setText(
            loadingRecordsText(qint64(index.loadedRecords()), qint64(index.snapshot->records.size())));
}

void MainWindow::onRecordsLoaded(const std::shared_ptr<const StateIndex>& index,
                                 const std::vector<int32_t>& nodes) {
    m_model->recordsLoaded(index, nodes);
    showRecordCount(*index);
    // The selection waited for its record: show it now, as it shows once everything is loaded.
    const QString current = m_tree->currentFqn();
    if (const int32_t node = nodeForKey(*index, current);
        node > 0 && std::find(nodes.begin(), nodes.end(), node) != nodes.end())
        showDetails(index, current);
    updateStatusBar();
}

void MainWindow::onIndexChanged(std::shared_ptr<const StateIndex> index) {
    m_vault->setIndex(index);
    m_activity->forgetSettled(); // this snapshot shows what the last run settled
    if (index == m_model->stateIndex()) {
        // A staged load completed the tree on screen: no reset, everything the user did stays.
        m_model->indexCompleted();
        m_filterBar->setKinds(index->kinds);
        m_copyStateAction->setEnabled(true);
        if (!index->hasState() && index->snapshot->problems.empty()) {
            m_details->clear();
            showEmptyState();
        } else if (const QString current = m_tree->currentFqn(); nodeForKey(*index, current) > 0) {
            showDetails(index, current);
        }
        updateStatusBar();
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
    m_central->setCurrentWidget(m_splitter);
    m_reloadAction->setEnabled(true);
    m_closeAction->setEnabled(true);
    m_copyStateAction->setEnabled(true);
    if (first) {
        m_tree->expandTopLevels();
        m_details->clear();
    } else {
        m_tree->restoreViewState(state);
    }
    // Refresh the details with the new snapshot (the same record reloads only if its file changed).
    if (nodeForKey(*index, m_tree->currentFqn()) > 0)
        showDetails(index, m_tree->currentFqn());
    else if (!first)
        m_details->clear();
    updateStatusBar();
    if (first) {
        // Paint now so "shown" means on screen, not merely queued.
        m_tree->viewport()->repaint();
        emit hierarchyShown();
    }
    if (first || std::exchange(m_awaitingFullTree, false))
        emit treeShown();
}

void MainWindow::onSelectionChanged(const QString& fqn) {
    if (const auto index = m_model->stateIndex(); index && index->loading())
        if (const int32_t node = nodeForKey(*index, fqn); node > 0 && !index->isRecordLoaded(node))
            m_session->readRecordFirst(node); // its details follow with its batch (onRecordsLoaded)
    showDetails(m_model->stateIndex(), fqn);
    emit selectedFqnChanged(fqn);
}

int32_t MainWindow::nodeForKey(const StateIndex& index, const QString& key) const {
    if (const int32_t node = index.nodeByFqn.value(key, -1); node > 0)
        return node;
    QString holder;
    return StateTreeModel::parsePendingKey(key, &holder, nullptr) ? index.nodeByFqn.value(holder, -1) : -1;
}

void MainWindow::showDetails(const std::shared_ptr<const StateIndex>& index, const QString& key) {
    if (!index) {
        m_details->clear();
        return;
    }
    QString holder;
    int entry = -1;
    if (!index->nodeByFqn.contains(key) && StateTreeModel::parsePendingKey(key, &holder, &entry))
        m_details->showPendingDeletion(index, index->nodeByFqn.value(holder, -1), entry);
    else
        m_details->showNode(index, index->nodeByFqn.value(key, -1));
    const QModelIndex row = m_model->indexForFqn(key);
    m_details->setRepairActions(row.isValid() && m_repairMenu ? m_repairMenu->actionsFor(row, m_details)
                                                              : QList<QAction*>());
}

void MainWindow::updateStatusBar() {
    const auto index = m_model->stateIndex();
    if (!index || !index->hasState()) {
        m_countsLabel->clear();
        m_secretsLabel->clear();
    } else {
        QStringList parts{plural(index->apps, tr("1 app"), tr("%1 apps")),
                          plural(index->stages, tr("1 stage"), tr("%1 stages"))};
        if (index->scopes > 0)
            parts << plural(index->scopes, tr("1 scope"), tr("%1 scopes"));
        parts << plural(index->resources, tr("1 resource"), tr("%1 resources"));
        const StateTreeModel::Totals totals = m_model->totals();
        if (totals.running)
            parts << tr("%1 running").arg(totals.running);
        if (totals.failed)
            parts << tr("%1 failed").arg(totals.failed);
        if (totals.interrupted)
            parts << tr("%1 interrupted").arg(totals.interrupted);
        if (index->unreadable)
            parts << tr("%1 unreadable").arg(index->unreadable);
        if (totals.pending)
            parts << plural(totals.pending, tr("1 pending deletion"), tr("%1 pending deletions"));
        m_countsLabel->setText(parts.join(QStringLiteral(" · ")));
        if (index->secrets == 0)
            m_secretsLabel->clear();
        else if (!m_vault->hasPasswords())
            m_secretsLabel->setText(plural(index->secrets, tr("1 secret, locked"), tr("%1 secrets, locked")));
        else
            m_secretsLabel->setText(
                tr("%1 of %2 secrets open").arg(m_vault->openCount()).arg(index->secrets));
    }
    m_lockAction->setEnabled(m_vault->hasPasswords());
    m_unlockAction->setText(m_vault->hasPasswords() ? tr("Add &Password…") : tr("&Unlock Secrets…"));
}

void MainWindow::unlockSecrets() {
    askForPassword(
        m_vault->hasPasswords()
            ? tr("Some secrets stay locked with the passwords given so far. A child scope may have been "
                 "deployed with its own password: enter it here.")
            : QString());
}

void MainWindow::lockSecrets() {
    m_vault->lock();
    statusBar()->showMessage(tr("Secrets locked: passwords and plaintexts were wiped from memory."), 5000);
}

void MainWindow::copySelection() {
    QWidget* focus = QApplication::focusWidget();
    if (auto* line = qobject_cast<QLineEdit*>(focus)) {
        line->copy();
        return;
    }
    if (auto* text = qobject_cast<QPlainTextEdit*>(focus)) {
        text->copy();
        return;
    }
    if (auto* browser = qobject_cast<QTextBrowser*>(focus)) {
        browser->copy();
        return;
    }
    if (focus && m_details->isAncestorOf(focus) && m_details->copyCurrentValue())
        return;
    const QString fqn = m_tree->currentFqn();
    if (!fqn.isEmpty()) {
        QApplication::clipboard()->setText(fqn);
        statusBar()->showMessage(tr("Copied %1").arg(fqn), 3000);
    }
}

void MainWindow::restoreLayout() {
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_tree->header()->restoreState(settings.value(QStringLiteral("window/treeHeader")).toByteArray());
    m_filterBar->regexBox()->setChecked(settings.value(QStringLiteral("filter/regex"), false).toBool());
    m_liveAction->setChecked(settings.value(QStringLiteral("liveReload"), true).toBool());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1320, 820);
}

void MainWindow::saveLayout() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/stateHasDeployDock"), m_consoleDock != nullptr);
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/treeHeader"), m_tree->header()->saveState());
    settings.setValue(QStringLiteral("filter/regex"), m_filterBar->regexBox()->isChecked());
    settings.setValue(QStringLiteral("liveReload"), m_liveAction->isChecked());
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    // First run: the console's size hint would take over half the window and squeeze the tree; the
    // inspector keeps the larger part until the user drags the splitter (which is then remembered).
    if (m_consoleDock && !m_dockSized && m_consoleDock->isVisible() && !m_consoleDock->isFloating()) {
        m_dockSized = true;
        resizeDocks({m_consoleDock}, {std::max(300, height() * 2 / 5)}, Qt::Vertical);
    }
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::ActivationChange)
        m_session->setPollActive(isActiveWindow()); // a team's server is polled only while Athanor is in use
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    m_vault->lock(); // wipe plaintexts and passwords before the window goes
    QMainWindow::closeEvent(event);
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    // The deploy toolbar and menu show themselves once the deploy console puts something in them.
    if (event->type() == QEvent::ActionAdded || event->type() == QEvent::ActionRemoved) {
        if (watched == m_deployToolBar)
            QMetaObject::invokeMethod(
                this, [this] { m_deployToolBar->setVisible(!m_deployToolBar->actions().isEmpty()); },
                Qt::QueuedConnection);
        else if (watched == m_deployMenu)
            QMetaObject::invokeMethod(
                this, [this] { m_deployMenu->menuAction()->setVisible(!m_deployMenu->actions().isEmpty()); },
                Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) {
            event->acceptProposedAction();
            return;
        }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isDir()) {
            event->acceptProposedAction();
            openProject(url.toLocalFile());
            return;
        }
}

} // namespace athanor::ui

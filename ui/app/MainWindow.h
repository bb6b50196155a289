#pragma once

#include "state/StateIndex.h"
#include "store/SourceSpec.h"

#include <QMainWindow>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class QToolBar;

namespace athanor::ui {

class DetailsPane;
class EmptyStatePage;
class FilterBar;
class RunActivity;
class ScopeTreeView;
class SecretVault;
class StateFilterProxyModel;
class StateSession;
class RepairMenu;
class ChangePasswordDialog;
class StateTreeModel;
class Theme;

// The inspector window: scope tree and filter on the left, details on the right, the deploy console (issue 5)
// docked at the bottom. Loads happen in StateSession (worker thread); this class wires the pieces, keeps the
// view state across live reloads, and remembers the layout (never a password).
class SourceBanner;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Theme* theme, QWidget* parent = nullptr);
    // `openingFolder`: the folder openProject() will be given once the window is built; its load starts
    // first, so that reading a big tree overlaps building the window (StateSession::prepareOpen()).
    MainWindow(Theme* theme, const QString& openingFolder, QWidget* parent = nullptr);
    ~MainWindow() override;

    // A project folder, or any state source as SourceSpec writes it (sqlite:PATH): recent entries are such.
    void openProject(const QString& path);
    void openSource(const athanor::SourceSpec& spec);
    // File › Open State Source… and File › Copy State To… (ui/sources).
    void chooseSource();
    void copyState();
    // File › Forget Saved Credentials: the open remote source's secret leaves the desktop keychain and
    // memory.
    void forgetSavedCredentials();

    // ---- Hosting the deploy console -----------------------------------------------------------------
    // Puts `console` into the bottom dock (created on the first call, object name "deployConsoleDock", its
    // toggle action added to View). The window takes ownership. Returns the dock so the caller can raise it.
    QDockWidget* hostDeployConsole(QWidget* console, const QString& title = QString());
    // A toolbar section reserved for the deploy controls (stage selector, Up / Read / Destroy / Cancel). It
    // is hidden until an action or widget is added to it.
    QToolBar* deployToolBar() const { return m_deployToolBar; }
    // The "Deploy" menu of the menu bar, hidden until it has actions.
    QMenu* deployMenu() const { return m_deployMenu; }
    // Shared services: the open project (snapshots, reload after a run) and the password vault.
    StateSession* session() const { return m_session; }
    SourceBanner* sourceBanner() const { return m_sourceBanner; }
    SecretVault* vault() const { return m_vault; }
    // What runs say about resources (running now, failed in the last run); the deploy console feeds it.
    RunActivity* runActivity() const { return m_activity; }
    // The same password dialog the inspector uses; a password given is added to the vault (so a run and the
    // inspector share it). False when the user cancelled.
    bool askForPassword(const QString& message = QString());
    // The FQN selected in the scope tree and, for convenience, the stage ("app/stage") it belongs to.
    QString selectedFqn() const;
    QString selectedStageFqn() const;
    bool selectFqn(const QString& fqn);
    // -------------------------------------------------------------------------------------------------

    ScopeTreeView* treeView() const { return m_tree; }
    // The tree's context menu of repairs.
    RepairMenu* repairMenu() const { return m_repairMenu; }
    // Secrets › Change Password…: opens the dialog (window-modal, deleted on close) for the selected scope.
    ChangePasswordDialog* changePassword();
    StateTreeModel* treeModel() const { return m_model; }
    StateFilterProxyModel* filterModel() const { return m_proxy; }
    FilterBar* filterBar() const { return m_filterBar; }
    DetailsPane* details() const { return m_details; }
    EmptyStatePage* emptyPage() const { return m_empty; }
    bool isShowingTree() const;

signals:
    // The first tree of a newly opened project has been laid out and painted, every record loaded.
    void treeShown();
    // The first tree of a newly opened project is on screen: its hierarchy (a folder's walked tree, whose
    // records are still being read), or the whole tree (treeShown follows at once).
    void hierarchyShown();
    void selectedFqnChanged(const QString& fqn);
    // The user asked to see a run's log (from a failed resource); the deploy console opens it.
    void runLogRequested(const QString& logFile);

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void openRemoteSource(const athanor::SourceSpec& spec);
    void createActions();
    void createMenus();
    void createToolBars();
    void restoreLayout();
    void saveLayout();
    void chooseProject();
    void updateRecentMenu();
    void onIndexChanged(std::shared_ptr<const StateIndex> index);
    void showRecordCount(const StateIndex& index);                  // while a staged load fills in
    static QString loadingRecordsText(qint64 loaded, qint64 total); // as the banner says it (1,000s grouped)
    void onTreeWalked(std::shared_ptr<const StateIndex> index);
    void onRecordsLoaded(const std::shared_ptr<const StateIndex>& index, const std::vector<int32_t>& nodes);
    void onSelectionChanged(const QString& fqn);
    void updateStatusBar();
    void unlockSecrets();
    void lockSecrets();
    void copySelection();
    void showEmptyState();
    void showDetails(const std::shared_ptr<const StateIndex>& index, const QString& key);
    // The node a tree key names: a node's FQN, or a pending deletion's holder.
    int32_t nodeForKey(const StateIndex& index, const QString& key) const;

    Theme* m_theme;
    StateSession* m_session;
    SecretVault* m_vault;
    RunActivity* m_activity;
    StateTreeModel* m_model;
    StateFilterProxyModel* m_proxy;
    ScopeTreeView* m_tree;
    RepairMenu* m_repairMenu = nullptr;
    FilterBar* m_filterBar;
    DetailsPane* m_details;
    EmptyStatePage* m_empty;
    QStackedWidget* m_central;
    SourceBanner* m_sourceBanner = nullptr;
    QSplitter* m_splitter;
    QDockWidget* m_consoleDock = nullptr;
    bool m_dockSized = false; // the dock got its first-run height (or a saved layout gave it one)
    QToolBar* m_mainToolBar = nullptr;
    QToolBar* m_deployToolBar = nullptr;
    QMenu* m_deployMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QLabel* m_countsLabel;
    QLabel* m_secretsLabel;
    QLabel* m_loadLabel;
    bool m_firstTreeOfProject = true;
    bool m_awaitingFullTree = false; // a staged load's hierarchy is shown; treeShown follows when complete
    // Counts open requests, so that a keychain read finishing after the user opened something else opens
    // nothing.
    quint64 m_openRequests = 0;

    QAction* m_openAction;
    QAction* m_openSourceAction;
    QAction* m_copyStateAction;
    QAction* m_forgetCredentialsAction;
    QAction* m_reloadAction;
    QAction* m_closeAction;
    QAction* m_quitAction;
    QAction* m_findAction;
    QAction* m_nextAction;
    QAction* m_previousAction;
    QAction* m_copyAction;
    QAction* m_unlockAction;
    QAction* m_changePasswordAction = nullptr;
    QAction* m_lockAction;
    QAction* m_themeAction;
    QAction* m_liveAction;
    QAction* m_expandAction;
    QAction* m_collapseAction;
    QAction* m_aboutAction;
};

} // namespace athanor::ui

#pragma once

#include "state/StateIndex.h"
#include "store/SourceSpec.h"

#include <QMainWindow>
#include <memory>

class QDockWidget;
class QMenu;
class QSplitter;
class QStackedWidget;
class QToolBar;

namespace athanor::ui {

class ChangePasswordDialog;
class DetailsPane;
class DetailsPresenter;
class EmptyStatePage;
class FilterBar;
class MainWindowActions;
class ProjectOpener;
class RepairMenu;
class RunActivity;
class ScopeTreeView;
class SecretVault;
class SecretsCommands;
class SourceBanner;
class StateFilterProxyModel;
class StateSession;
class StateTreeModel;
class StatusBarPresenter;
class Theme;
class WindowLayout;

// The inspector window: scope tree and filter on the left, details on the right, the deploy console (issue 5)
// docked at the bottom. A composition of parts, each with one job: MainWindowActions (the commands, menus
// and toolbars), ProjectOpener (what is opened and from where), SecretsCommands (unlock, lock, change
// password), StatusBarPresenter (the status line), DetailsPresenter (the details of the selection) and
// WindowLayout (the deploy dock and what of the layout is remembered). Loads happen in StateSession (worker
// thread); this class wires the parts and switches between the welcome page and a tree, keeping the view
// (expansion, selection) across live reloads.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Theme* theme, QWidget* parent = nullptr);
    // `openingFolder`: the path (not a source's text) openProject() will be given once the window is built;
    // its load starts first, so that reading a big tree overlaps building the window
    // (StateSession::prepareOpen()). Nothing here looks at the disk: should it be no folder, openProject()
    // says so and the prepared load is dropped.
    MainWindow(Theme* theme, const QString& openingFolder, QWidget* parent = nullptr);
    ~MainWindow() override;

    // A project folder, a database file, or any state source as SourceSpec writes it (sqlite:PATH): recent
    // entries are such. A path is looked at off the GUI thread (ProjectOpener), so the open follows later;
    // one that is neither folder nor file is said in the status bar by its name.
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
    QToolBar* deployToolBar() const;
    // The "Deploy" menu of the menu bar, hidden until it has actions.
    QMenu* deployMenu() const;
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
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void connectActions();
    void connectSession();
    void closeProject();
    // The previous source's tree, details and passwords go before another source opens.
    void forgetShownSource(const athanor::SourceSpec& spec);
    void onIndexChanged(std::shared_ptr<const StateIndex> index);
    void onTreeWalked(std::shared_ptr<const StateIndex> index);
    void onRecordsLoaded(const std::shared_ptr<const StateIndex>& index, const std::vector<int32_t>& nodes);
    void showTree();
    void showEmptyState();

    StateSession* m_session;
    SecretVault* m_vault;
    RunActivity* m_activity;
    StateTreeModel* m_model;
    StateFilterProxyModel* m_proxy;
    ScopeTreeView* m_tree;
    RepairMenu* m_repairMenu;
    FilterBar* m_filterBar;
    DetailsPane* m_details;
    EmptyStatePage* m_empty;
    QStackedWidget* m_central;
    SourceBanner* m_sourceBanner;
    QSplitter* m_splitter;
    MainWindowActions* m_actions;
    ProjectOpener* m_opener;
    SecretsCommands* m_secrets;
    StatusBarPresenter* m_status;
    DetailsPresenter* m_detailsPresenter;
    WindowLayout* m_layout;
    bool m_firstTreeOfProject = true;
    bool m_awaitingFullTree = false; // a staged load's hierarchy is shown; treeShown follows when complete
};

} // namespace athanor::ui

#pragma once

#include <QObject>

class QAction;
class QMainWindow;
class QMenu;
class QToolBar;

namespace athanor::ui {

class Theme;

// The window's commands as QActions (texts, shortcuts, tool tips) and the menu bar and toolbars that show
// them. What a command does is wired by MainWindow to the part that owns it; only Quit, About and the theme
// switch (Theme, setting "theme") are handled here. Every action is added to the window too, so shortcuts
// work with the menu bar hidden. The Deploy menu and toolbar are filled by the deploy console and show
// themselves once they hold something.
class MainWindowActions : public QObject {
    Q_OBJECT
public:
    MainWindowActions(QMainWindow* window, Theme* theme);

    // Reload, Close Project and Copy State To… need an open source.
    void setSourceActionsEnabled(bool enabled);
    // The Deploy menu and toolbar show when they hold something.
    void showDeployControlsIfFilled();

    // File
    QAction* openProject = nullptr;
    QAction* openSource = nullptr;
    QAction* copyState = nullptr;
    QAction* forgetCredentials = nullptr;
    QAction* reload = nullptr;
    QAction* closeProject = nullptr;
    QAction* quit = nullptr;
    // Edit
    QAction* copy = nullptr;
    QAction* find = nullptr;
    QAction* nextMatch = nullptr;
    QAction* previousMatch = nullptr;
    // View
    QAction* darkTheme = nullptr;
    QAction* liveReload = nullptr;
    QAction* expandAll = nullptr;
    QAction* collapseAll = nullptr;
    // Secrets
    QAction* unlockSecrets = nullptr;
    QAction* lockSecrets = nullptr;
    QAction* changePassword = nullptr;
    // Help
    QAction* about = nullptr;

    QMenu* recentMenu = nullptr; // File › Open Recent, filled by ProjectOpener
    QMenu* viewMenu = nullptr;   // the deploy dock's toggle is added to it
    QMenu* deployMenu = nullptr;
    QToolBar* inspectorToolBar = nullptr;
    QToolBar* deployToolBar = nullptr;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void createActions(QMainWindow* window, Theme* theme);
    void createMenus(QMainWindow* window);
    void createToolBars(QMainWindow* window);
};

} // namespace athanor::ui

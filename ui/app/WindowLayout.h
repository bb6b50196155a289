#pragma once

#include <QObject>
#include <QString>

class QAction;
class QCheckBox;
class QDockWidget;
class QHeaderView;
class QMainWindow;
class QMenu;
class QSplitter;
class QWidget;

namespace athanor::ui {

// Where the window's parts go and what of that is remembered. The layout is kept in QSettings between
// sessions — "window/geometry", "window/state" (toolbars and docks), "window/stateHasDeployDock",
// "window/splitter", "window/treeHeader", "filter/regex", "liveReload" —, restored when the window is built
// and saved when it closes; never a password. The deploy console's dock is made here on its first hosting,
// and given its first-run height when the window is first shown.
class WindowLayout : public QObject {
    Q_OBJECT
public:
    // `viewMenu` gets the dock's toggle.
    WindowLayout(QMainWindow* window, QSplitter* splitter, QHeaderView* treeHeader, QCheckBox* regexFilter,
                 QAction* liveReload, QMenu* viewMenu);

    void restore();
    void save();
    // Puts `console` into the bottom dock (created on the first call, object name "deployConsoleDock"). A
    // layout saved with the dock in it places and sizes it.
    QDockWidget* hostDeployConsole(QWidget* console, const QString& title);
    // From the window's showEvent().
    void windowShown();

private:
    QMainWindow* m_window;
    QSplitter* m_splitter;
    QHeaderView* m_treeHeader;
    QCheckBox* m_regexFilter;
    QAction* m_liveReload;
    QMenu* m_viewMenu;
    QDockWidget* m_consoleDock = nullptr;
    bool m_dockSized = false; // the dock got its first-run height (or a saved layout gave it one)
};

} // namespace athanor::ui

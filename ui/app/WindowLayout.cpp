#include "app/WindowLayout.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <algorithm>

namespace athanor::ui {

WindowLayout::WindowLayout(QMainWindow* window, QSplitter* splitter, QHeaderView* treeHeader,
                           QCheckBox* regexFilter, QAction* liveReload, QMenu* viewMenu)
    : QObject(window), m_window(window), m_splitter(splitter), m_treeHeader(treeHeader),
      m_regexFilter(regexFilter), m_liveReload(liveReload), m_viewMenu(viewMenu) {}

void WindowLayout::restore() {
    QSettings settings;
    m_window->restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_window->restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_treeHeader->restoreState(settings.value(QStringLiteral("window/treeHeader")).toByteArray());
    m_regexFilter->setChecked(settings.value(QStringLiteral("filter/regex"), false).toBool());
    m_liveReload->setChecked(settings.value(QStringLiteral("liveReload"), true).toBool());
    if (!settings.contains(QStringLiteral("window/geometry")))
        m_window->resize(1320, 820);
}

void WindowLayout::save() {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), m_window->saveGeometry());
    settings.setValue(QStringLiteral("window/state"), m_window->saveState());
    settings.setValue(QStringLiteral("window/stateHasDeployDock"), m_consoleDock != nullptr);
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/treeHeader"), m_treeHeader->saveState());
    settings.setValue(QStringLiteral("filter/regex"), m_regexFilter->isChecked());
    settings.setValue(QStringLiteral("liveReload"), m_liveReload->isChecked());
}

QDockWidget* WindowLayout::hostDeployConsole(QWidget* console, const QString& title) {
    if (!m_consoleDock) {
        m_consoleDock = new QDockWidget(title.isEmpty() ? tr("Deploy") : title, m_window);
        m_consoleDock->setObjectName(QStringLiteral("deployConsoleDock"));
        m_consoleDock->setAllowedAreas(Qt::BottomDockWidgetArea | Qt::RightDockWidgetArea);
        m_consoleDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                                   QDockWidget::DockWidgetClosable);
        m_window->addDockWidget(Qt::BottomDockWidgetArea, m_consoleDock);
        m_viewMenu->addSeparator();
        m_viewMenu->addAction(m_consoleDock->toggleViewAction());
        // The layout saved last time may include the dock; restore it now that it exists.
        // A saved layout sizes the dock only if it was saved with the dock in it.
        QSettings settings;
        m_dockSized = m_window->restoreState(settings.value(QStringLiteral("window/state")).toByteArray()) &&
                      settings.value(QStringLiteral("window/stateHasDeployDock")).toBool();
    } else if (!title.isEmpty()) {
        m_consoleDock->setWindowTitle(title);
    }
    m_consoleDock->setWidget(console);
    m_consoleDock->show();
    return m_consoleDock;
}

void WindowLayout::windowShown() {
    // First run: the console's size hint would take over half the window and squeeze the tree; the
    // inspector keeps the larger part until the user drags the splitter (which is then remembered).
    if (m_consoleDock && !m_dockSized && m_consoleDock->isVisible() && !m_consoleDock->isFloating()) {
        m_dockSized = true;
        m_window->resizeDocks({m_consoleDock}, {std::max(300, m_window->height() * 2 / 5)}, Qt::Vertical);
    }
}

} // namespace athanor::ui

#include "app/MainWindowActions.h"

#include "app/Theme.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QToolBar>

namespace athanor::ui {

namespace {
QIcon icon(const char* name) {
    return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
}
} // namespace

MainWindowActions::MainWindowActions(QMainWindow* window, Theme* theme) : QObject(window) {
    createActions(window, theme);
    createMenus(window);
    createToolBars(window);
}

void MainWindowActions::setSourceActionsEnabled(bool enabled) {
    reload->setEnabled(enabled);
    closeProject->setEnabled(enabled);
    copyState->setEnabled(enabled);
}

void MainWindowActions::createActions(QMainWindow* window, Theme* theme) {
    openProject = new QAction(icon("open"), tr("&Open Project…"), this);
    openProject->setShortcut(QKeySequence::Open);
    openProject->setToolTip(tr("Open a project folder or a .alchemy folder (Ctrl+O)"));
    openSource = new QAction(tr("Open State &Source…"), this);
    openSource->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openSource->setToolTip(tr("Open a project folder or Alchemy's SQLite state database"));
    copyState = new QAction(tr("Cop&y State To…"), this);
    copyState->setToolTip(tr("Copy every record into another folder or SQLite database"));
    forgetCredentials = new QAction(tr("&Forget Saved Credentials"), this);
    forgetCredentials->setObjectName(QStringLiteral("forgetCredentialsAction"));
    forgetCredentials->setToolTip(
        tr("Remove the open Cloudflare or S3 source's token or keys from the desktop keychain and memory"));

    reload = new QAction(icon("refresh"), tr("&Reload"), this);
    reload->setShortcuts({QKeySequence::Refresh, QKeySequence(Qt::CTRL | Qt::Key_R)});
    reload->setToolTip(tr("Read the state again (F5)"));
    closeProject = new QAction(tr("&Close Project"), this);
    closeProject->setShortcut(QKeySequence::Close);
    quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, window, &QWidget::close);

    find = new QAction(icon("find"), tr("&Find…"), this);
    find->setShortcut(QKeySequence::Find);
    nextMatch = new QAction(icon("next"), tr("&Next Match"), this);
    nextMatch->setShortcuts({QKeySequence(Qt::Key_F3), QKeySequence::FindNext});
    previousMatch = new QAction(icon("previous"), tr("&Previous Match"), this);
    previousMatch->setShortcuts({QKeySequence(Qt::SHIFT | Qt::Key_F3), QKeySequence::FindPrevious});
    copy = new QAction(icon("copy"), tr("&Copy"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setToolTip(tr("Copy the selected FQN or value (Ctrl+C)"));

    unlockSecrets = new QAction(icon("unlock"), tr("&Unlock Secrets…"), this);
    unlockSecrets->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    unlockSecrets->setToolTip(tr("Decrypt secrets with a password (Ctrl+U)"));
    lockSecrets = new QAction(icon("lock"), tr("&Lock Secrets"), this);
    lockSecrets->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    lockSecrets->setToolTip(tr("Forget every password and plaintext (Ctrl+Shift+L)"));
    lockSecrets->setEnabled(false);
    changePassword = new QAction(tr("&Change Password…"), this);
    changePassword->setToolTip(tr("Re-encrypt the secrets of a stage or scope with a new password"));

    darkTheme = new QAction(icon("theme"), tr("&Dark Theme"), this);
    darkTheme->setCheckable(true);
    darkTheme->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    darkTheme->setChecked(theme->mode() == Theme::Mode::Dark);
    connect(darkTheme, &QAction::toggled, this, [theme](bool dark) {
        theme->apply(dark ? Theme::Mode::Dark : Theme::Mode::Light);
        QSettings().setValue(QStringLiteral("theme"),
                             dark ? QStringLiteral("dark") : QStringLiteral("light"));
    });
    connect(theme, &Theme::changed, this, [this](Theme::Mode mode) {
        const QSignalBlocker block(darkTheme);
        darkTheme->setChecked(mode == Theme::Mode::Dark);
    });
    liveReload = new QAction(tr("&Live Reload"), this);
    liveReload->setCheckable(true);
    liveReload->setChecked(true);
    liveReload->setToolTip(tr("Reload when files under .alchemy change"));
    expandAll = new QAction(tr("&Expand All"), this);
    expandAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Plus));
    collapseAll = new QAction(tr("C&ollapse All"), this);
    collapseAll->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));

    about = new QAction(tr("&About Athanor"), this);
    connect(about, &QAction::triggered, window, [window] {
        QMessageBox::about(window, tr("About Athanor"),
                           tr("<h3>Athanor %1</h3><p>A state inspector and deploy console for Alchemy.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    for (QAction* a : {openProject, reload, closeProject, quit, find, nextMatch, previousMatch, copy,
                       unlockSecrets, lockSecrets, darkTheme})
        window->addAction(a); // shortcuts work even with the menu bar hidden
}

void MainWindowActions::createMenus(QMainWindow* window) {
    QMenuBar* bar = window->menuBar();
    QMenu* file = bar->addMenu(tr("&File"));
    file->addAction(openProject);
    file->addAction(openSource);
    recentMenu = file->addMenu(tr("Open &Recent"));
    file->addAction(copyState);
    file->addAction(forgetCredentials);
    file->addAction(reload);
    file->addAction(closeProject);
    file->addSeparator();
    file->addAction(quit);

    QMenu* edit = bar->addMenu(tr("&Edit"));
    edit->addAction(copy);
    edit->addSeparator();
    edit->addAction(find);
    edit->addAction(nextMatch);
    edit->addAction(previousMatch);

    viewMenu = bar->addMenu(tr("&View"));
    viewMenu->addAction(darkTheme);
    viewMenu->addAction(liveReload);
    viewMenu->addSeparator();
    viewMenu->addAction(expandAll);
    viewMenu->addAction(collapseAll);

    QMenu* secrets = bar->addMenu(tr("&Secrets"));
    secrets->addAction(unlockSecrets);
    secrets->addAction(lockSecrets);
    secrets->addSeparator();
    secrets->addAction(changePassword);

    // Filled by the deploy console; an empty menu stays out of the way (see eventFilter).
    deployMenu = new QMenu(tr("&Deploy"), window);
    deployMenu->setObjectName(QStringLiteral("deployMenu"));
    bar->addMenu(deployMenu)->setVisible(false);
    deployMenu->installEventFilter(this);

    QMenu* help = bar->addMenu(tr("&Help"));
    help->addAction(about);
}

void MainWindowActions::createToolBars(QMainWindow* window) {
    inspectorToolBar = window->addToolBar(tr("Inspector"));
    inspectorToolBar->setObjectName(QStringLiteral("inspectorToolBar"));
    inspectorToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    inspectorToolBar->setMovable(false);
    inspectorToolBar->addAction(openProject);
    inspectorToolBar->addAction(reload);
    inspectorToolBar->addSeparator();
    inspectorToolBar->addAction(unlockSecrets);
    inspectorToolBar->addAction(lockSecrets);
    inspectorToolBar->addSeparator();
    inspectorToolBar->addAction(darkTheme);

    // The deploy controls get their own section to the right; hidden while empty.
    deployToolBar = window->addToolBar(tr("Deploy"));
    deployToolBar->setObjectName(QStringLiteral("deployToolBar"));
    deployToolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    deployToolBar->setMovable(false);
    deployToolBar->hide();
    deployToolBar->installEventFilter(this);
}

void MainWindowActions::showDeployControlsIfFilled() {
    deployToolBar->setVisible(!deployToolBar->actions().isEmpty());
    deployMenu->menuAction()->setVisible(!deployMenu->actions().isEmpty());
}

bool MainWindowActions::eventFilter(QObject* watched, QEvent* event) {
    // The deploy console fills the Deploy toolbar and menu after the window is built.
    if (event->type() == QEvent::ActionAdded || event->type() == QEvent::ActionRemoved) {
        if (watched == deployToolBar)
            QMetaObject::invokeMethod(
                this, [this] { deployToolBar->setVisible(!deployToolBar->actions().isEmpty()); },
                Qt::QueuedConnection);
        else if (watched == deployMenu)
            QMetaObject::invokeMethod(
                this, [this] { deployMenu->menuAction()->setVisible(!deployMenu->actions().isEmpty()); },
                Qt::QueuedConnection);
    }
    return QObject::eventFilter(watched, event);
}

} // namespace athanor::ui

#include "deploy/DeployConsoleHost.h"

#include "app/MainWindow.h"
#include "deploy/DeployConsole.h"
#include "deploy/RunController.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "state/StateSession.h"
#include "store/StateSources.h"

#include <QDockWidget>
#include <QMenu>
#include <QTimer>

namespace athanor::ui {

DeployConsole* installDeployConsole(MainWindow* window, bool readOnly) {
    auto* console = new DeployConsole;
    console->setReadOnly(readOnly);
    QDockWidget* dock = window->hostDeployConsole(console, QObject::tr("Deploy"));
    Q_UNUSED(dock);
    StateSession* session = window->session();
    SecretVault* vault = window->vault();

    // Runs use the session's source: as asked for at once (the stack file), as resolved after the first load
    // (a folder holding only state.sqlite means the database; run history lives in its Athanor home).
    const auto athanorHome = [session] {
        return session->source() ? QString::fromStdString(session->source()->athanorHome().string())
                                 : QString();
    };
    QObject::connect(session, &StateSession::projectOpened, console, [console](const QString& spec) {
        // The home of the source as asked for (no disk access); corrected if the first load resolves it.
        QString home;
        try {
            home = QString::fromStdString(
                athanor::openStateSource(athanor::SourceSpec::parse(spec.toStdString()))
                    ->athanorHome()
                    .string());
        } catch (const std::exception&) {
            home.clear();
        }
        console->setStateSource(spec, home);
    });
    QObject::connect(
        session, &StateSession::sourceResolved, console,
        [console, athanorHome](const QString& spec) { console->setStateSource(spec, athanorHome()); });
    QObject::connect(session, &StateSession::projectClosed, console,
                     [console] { console->setStateSource(QString(), QString()); });
    QObject::connect(session, &StateSession::indexChanged, console,
                     [console](std::shared_ptr<const StateIndex> index) {
                         if (index)
                             console->setSnapshot(index->snapshot);
                     });
    if (session->isOpen())
        console->setStateSource(session->specText(), athanorHome());

    // The tree shows what is on disk; while a run writes records, reload it a few times a second (loads
    // coalesce in StateSession) and once more at the end.
    auto* reload = new QTimer(console);
    reload->setSingleShot(true);
    reload->setInterval(300);
    QObject::connect(reload, &QTimer::timeout, session, &StateSession::reload);
    QObject::connect(console, &DeployConsole::resourceStatusChanged, reload, [reload] {
        if (!reload->isActive())
            reload->start();
    });
    QObject::connect(console, &DeployConsole::stateChanged, session, &StateSession::reload);

    // One password dialog and one vault for the inspector and for runs: a password typed for a run also
    // unlocks the tree's secrets, and one given to the inspector serves runs. Nothing is stored.
    console->controller()->setPasswordSource([vault] { return vault->clonePasswords(); });
    console->setPasswordPrompt(
        [vault](QWidget* parent, const QString& reason) -> std::optional<SecureString> {
            UnlockDialog dialog(parent);
            dialog.setMessage(reason);
            if (dialog.exec() != QDialog::Accepted)
                return std::nullopt;
            SecureString password = dialog.takePassword();
            if (password.empty())
                return std::nullopt;
            vault->addPassword(password.clone());
            return password;
        });

    window->deployMenu()->addActions(console->commandActions());
    console->guardWindowClose(window);
    return console;
}

} // namespace athanor::ui

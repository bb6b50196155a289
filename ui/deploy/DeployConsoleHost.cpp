#include "deploy/DeployConsoleHost.h"

#include "app/MainWindow.h"
#include "deploy/DeployConsole.h"
#include "deploy/RunController.h"
#include "deploy/RunHistoryStore.h"
#include "models/RunActivity.h"
#include "secrets/SecretVault.h"
#include "secrets/UnlockDialog.h"
#include "state/StateSession.h"
#include "store/StateSources.h"

#include <QDockWidget>
#include <QFutureWatcher>
#include <QMenu>
#include <QStatusBar>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <memory>

namespace athanor::ui {

DeployConsole* installDeployConsole(MainWindow* window, bool readOnly) {
    auto* console = new DeployConsole;
    console->setReadOnly(readOnly);
    QDockWidget* dock = window->hostDeployConsole(console, QObject::tr("Deploy"));
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
                         console->setStateLoading(false);
                     });
    // Until the first snapshot of a source arrives, what the stage list guesses is not "new".
    QObject::connect(session, &StateSession::loadStarted, console,
                     [console, session] { console->setStateLoading(!session->index()); });
    QObject::connect(session, &StateSession::loadFailed, console,
                     [console] { console->setStateLoading(false); });
    QObject::connect(session, &StateSession::loadCancelled, console,
                     [console] { console->setStateLoading(false); });
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
    // A remote source is polled faster while a run goes: a program writes to its own store (maybe this one)
    // without telling the session, and the engine's writes land on a server nobody watches.
    QObject::connect(console->controller(), &RunController::runStarted, session,
                     [session] { session->setRunInProgress(true); });
    QObject::connect(console, &DeployConsole::runFinished, session,
                     [session] { session->setRunInProgress(false); });

    // One password dialog and one vault for the inspector and for runs: a password typed for a run also
    // unlocks the tree's secrets, and one given to the inspector serves runs. Nothing is stored.
    console->controller()->setPasswordSource([vault] { return vault->clonePasswords(); });
    console->setPasswordPrompt(
        [vault](QWidget* parent, const QString& reason) -> std::optional<SecureString> {
            UnlockDialog dialog(parent);
            dialog.setMessage(reason);
            // The state's secrets check the password before the run starts (the vault keeps it).
            const bool verify = vault->secretCount() > 0;
            if (verify)
                dialog.verifyWith(vault);
            if (dialog.exec() != QDialog::Accepted)
                return std::nullopt;
            SecureString password = dialog.takePassword();
            if (password.empty())
                return std::nullopt;
            if (!verify)
                vault->addPassword(password.clone());
            return password;
        });

    // What runs say about resources, for the tree, the summaries and the record header: the live run's
    // events as they come, and the failures of the last recorded run of each stage (read off the GUI thread
    // when a project opens and after each run).
    RunActivity* activity = window->runActivity();
    auto failuresGeneration = std::make_shared<quint64>(0); // a newer load wins
    auto loadFailures = [console, activity, failuresGeneration](const QString& home) {
        const quint64 generation = ++*failuresGeneration;
        auto* watcher = new QFutureWatcher<QHash<QString, ResourceRun>>(console);
        QObject::connect(watcher, &QFutureWatcherBase::finished, console,
                         [watcher, activity, failuresGeneration, generation] {
                             watcher->deleteLater();
                             if (generation == *failuresGeneration)
                                 activity->setRecordedFailures(watcher->result());
                         });
        watcher->setFuture(QtConcurrent::run([home] { return RunHistoryStore::lastRunFailures(home); }));
    };
    QObject::connect(session, &StateSession::projectOpened, console,
                     [loadFailures, console] { loadFailures(console->athanorHome()); });
    if (session->isOpen())
        loadFailures(console->athanorHome());
    QObject::connect(console->controller(), &RunController::runStarted, activity,
                     [activity](const DeployRequest& request) {
                         activity->liveRunStarted(request.phase, QDateTime::currentDateTimeUtc());
                     });
    QObject::connect(console->controller(), &RunController::eventsApplied, activity,
                     &RunActivity::applyLiveEvents);
    QObject::connect(console, &DeployConsole::runFinished, activity,
                     [activity, loadFailures, console](std::shared_ptr<const RunOutcome> outcome) {
                         activity->liveRunFinished(outcome->logFile);
                         loadFailures(console->athanorHome());
                     });
    QObject::connect(
        window, &MainWindow::runLogRequested, console, [window, console, dock](const QString& logFile) {
            if (console->openRunLog(logFile)) {
                dock->show();
            } else {
                window->statusBar()->showMessage(
                    QObject::tr("That run is no longer in the run history (%1).").arg(logFile), 6000);
            }
        });

    window->deployMenu()->addActions(console->commandActions());
    console->guardWindowClose(window);
    return console;
}

} // namespace athanor::ui

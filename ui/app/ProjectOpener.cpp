#include "app/ProjectOpener.h"

#include "app/RecentProjects.h"
#include "sources/CopyStateDialog.h"
#include "sources/CredentialKeychain.h"
#include "sources/OpenSourceDialog.h"
#include "state/StateSession.h"
#include "store/RemoteAccess.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMimeData>
#include <QStatusBar>
#include <algorithm>

namespace athanor::ui {

ProjectOpener::ProjectOpener(QMainWindow* window, StateSession* session, QMenu* recentMenu)
    : QObject(window), m_window(window), m_session(session), m_recentMenu(recentMenu) {
    connect(m_session, &StateSession::projectOpened, this, [this](const QString& specText) {
        RecentProjects::add(specText);
        updateRecentMenu();
    });
    updateRecentMenu();
}

ProjectOpener::PathCheck ProjectOpener::firstOpenable(const QStringList& paths) {
    PathCheck file;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (info.isDir())
            return {path, PathKind::Folder};
        if (file.path.isEmpty() && info.isFile())
            file = {path, PathKind::File};
    }
    return file.path.isEmpty() ? PathCheck{paths.value(0), PathKind::Missing} : file;
}

quint64 ProjectOpener::newRequest() {
    m_pathCheck.discard();
    return ++m_openRequests;
}

void ProjectOpener::openProject(const QString& path) {
    if (path.isEmpty())
        return;
    newRequest();
    if (path.startsWith(QStringLiteral("sqlite:")) || path.startsWith(QStringLiteral("cloudflare:")) ||
        path.startsWith(QStringLiteral("s3://"))) {
        try {
            openSource(athanor::SourceSpec::parse(path.toStdString()));
        } catch (const std::exception& e) {
            showMessage(QString::fromUtf8(e.what()), 6000);
        }
        return;
    }
    m_pathCheck.start([path] { return firstOpenable({path}); },
                      [this](const PathCheck& check) { openCheckedPath(check); });
}

void ProjectOpener::openDropped(const QList<QUrl>& urls) {
    QStringList paths;
    for (const QUrl& url : urls)
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    newRequest();
    m_pathCheck.start([paths] { return firstOpenable(paths); },
                      [this](const PathCheck& check) { openCheckedPath(check); });
}

bool ProjectOpener::acceptsDrag(const QMimeData* mime) {
    const QList<QUrl> urls = mime->urls();
    return std::any_of(urls.begin(), urls.end(), [](const QUrl& url) { return url.isLocalFile(); });
}

void ProjectOpener::openCheckedPath(const PathCheck& check) {
    switch (check.kind) {
    case PathKind::Folder: {
        const athanor::SourceSpec spec = athanor::SourceSpec::folder(check.path.toStdString());
        emit aboutToOpen(spec);
        m_session->open(check.path);
        return;
    }
    case PathKind::File: // a database file (dropped, or given on the command line)
        openDatabase(athanor::SourceSpec::sqlite(check.path.toStdString()));
        return;
    case PathKind::Missing:
        forgetMissing(check.path, tr("%1 is not a folder").arg(QDir::toNativeSeparators(check.path)));
        return;
    }
}

void ProjectOpener::openSource(const athanor::SourceSpec& spec) {
    if (spec.kind == athanor::SourceSpec::Kind::Folder) {
        openProject(QString::fromStdString(spec.path.string()));
        return;
    }
    const quint64 request = newRequest();
    if (spec.isRemote()) {
        if (!athanor::rememberedAccessSecret(spec) && CredentialKeychain::available()) {
            // Saved there on request: read back before the load would ask for it (an async job).
            CredentialKeychain::read(
                spec, this,
                [this, spec, request](std::optional<athanor::AccessSecret> secret, const QString& error) {
                    if (secret)
                        athanor::rememberAccessSecret(spec, std::move(*secret));
                    else if (!error.isEmpty())
                        showMessage(error, 8000);
                    if (request == m_openRequests) // else the user has opened something else meanwhile
                        openRemoteSource(spec);
                });
            return;
        }
        openRemoteSource(spec);
        return;
    }
    const QString path = QString::fromStdString(spec.path.string());
    m_pathCheck.start(
        [path] { return firstOpenable({path}); },
        [this, spec](const PathCheck& check) {
            if (check.kind == PathKind::File)
                openDatabase(spec);
            else
                forgetMissing(QString::fromStdString(spec.toString()),
                              tr("%1 does not exist")
                                  .arg(QDir::toNativeSeparators(QString::fromStdString(spec.toString()))));
        });
}

void ProjectOpener::openDatabase(const athanor::SourceSpec& spec) {
    emit aboutToOpen(spec);
    m_session->openSource(spec);
}

// Nothing to check here: the load (off the GUI thread) says what is wrong.
void ProjectOpener::openRemoteSource(const athanor::SourceSpec& spec) {
    emit aboutToOpen(spec);
    m_session->openSource(spec, spec.kind == athanor::SourceSpec::Kind::Cloudflare
                                    ? OpenSourceDialog::rememberedApps(spec)
                                    : QStringList());
}

void ProjectOpener::forgetMissing(const QString& recentEntry, const QString& message) {
    showMessage(message, 6000);
    RecentProjects::remove(recentEntry);
    updateRecentMenu();
}

void ProjectOpener::chooseProject() {
    const QString start = m_session->isOpen() ? m_session->projectPath() : QDir::homePath();
    const QString dir =
        QFileDialog::getExistingDirectory(m_window, tr("Open Project or .alchemy Folder"), start);
    if (!dir.isEmpty())
        openProject(dir);
}

void ProjectOpener::chooseSource() {
    OpenSourceDialog dialog(RecentProjects::list(), m_window);
    if (m_session->isOpen())
        dialog.setSpec(m_session->spec());
    if (dialog.exec() != QDialog::Accepted || !dialog.chosen())
        return;
    const athanor::SourceSpec spec = *dialog.chosen();
    if (dialog.rememberInKeychain()) {
        if (const std::optional<athanor::AccessSecret> secret = athanor::rememberedAccessSecret(spec))
            CredentialKeychain::store(spec, *secret, this, [this, spec](const QString& error) {
                showMessage(error.isEmpty() ? tr("The credentials of %1 are saved in the desktop keychain.")
                                                  .arg(QString::fromStdString(spec.toString()))
                                            : error,
                            8000);
            });
    }
    openSource(spec);
}

void ProjectOpener::forgetSavedCredentials() {
    if (!m_session->isOpen() || !m_session->spec().isRemote()) {
        showMessage(tr("Open a Cloudflare or S3 source to forget its credentials."), 6000);
        return;
    }
    const athanor::SourceSpec spec = m_session->spec();
    athanor::forgetAccessSecret(spec);
    CredentialKeychain::forget(spec, this, [this, spec](const QString& error) {
        showMessage(error.isEmpty() ? tr("The credentials of %1 are forgotten; the next open asks for them.")
                                          .arg(QString::fromStdString(spec.toString()))
                                    : error,
                    8000);
    });
}

void ProjectOpener::copyState() {
    if (!m_session->isOpen())
        return;
    auto* dialog = new CopyStateDialog(m_session->spec(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CopyStateDialog::openRequested, this, &ProjectOpener::openSource);
    dialog->open();
}

void ProjectOpener::updateRecentMenu() {
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

void ProjectOpener::showMessage(const QString& message, int ms) {
    m_window->statusBar()->showMessage(message, ms);
}

} // namespace athanor::ui

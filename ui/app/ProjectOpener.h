#pragma once

#include "jobs/LatestOnlyJob.h"
#include "store/SourceSpec.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

class QMainWindow;
class QMenu;
class QMimeData;

namespace athanor::ui {

class StateSession;

// What the window opens and from where: a project folder, a database file, or any state source as
// SourceSpec writes it (sqlite:PATH, cloudflare:URL, s3://…), from File › Open Project… / Open State
// Source… / Open Recent, the welcome page, a drop, or the command line; also File › Copy State To… and
// Forget Saved Credentials, and the Open Recent menu (RecentProjects).
//
// Whether a path is a folder, a file or nothing is looked up off the GUI thread (LatestOnlyJob): a path on a
// dead network mount would otherwise freeze the window. A path that is neither is said in the status bar by
// its name and leaves the recent list. The newest open request wins: an older lookup, or a keychain read
// finishing after the user opened something else, opens nothing.
class ProjectOpener : public QObject {
    Q_OBJECT
public:
    // `recentMenu`: File › Open Recent, kept filled.
    ProjectOpener(QMainWindow* window, StateSession* session, QMenu* recentMenu);

    // A project folder, a database file, or a source's text (recent entries are such).
    void openProject(const QString& path);
    void openSource(const athanor::SourceSpec& spec);
    // Dropped URLs: the first local folder opens, else the first local file (a database).
    void openDropped(const QList<QUrl>& urls);
    // A drag is welcome if it holds a local URL; whether that is a folder is decided on the drop (no disk
    // access while the pointer moves).
    static bool acceptsDrag(const QMimeData* mime);

    // File › Open Project… (a folder dialog) and File › Open State Source… (OpenSourceDialog).
    void chooseProject();
    void chooseSource();
    // File › Copy State To…
    void copyState();
    // File › Forget Saved Credentials: the open remote source's secret leaves the desktop keychain and
    // memory.
    void forgetSavedCredentials();

signals:
    // The session is about to open `spec`: the window lets go of what it showed of the previous source.
    void aboutToOpen(const athanor::SourceSpec& spec);

private:
    enum class PathKind { Missing, Folder, File };
    struct PathCheck {
        QString path;
        PathKind kind = PathKind::Missing;
    };
    // Looks at the disk: runs on the thread pool only.
    static PathCheck firstOpenable(const QStringList& paths);

    quint64 newRequest(); // a newer open: older lookups and keychain reads open nothing
    void openCheckedPath(const PathCheck& check);
    void openDatabase(const athanor::SourceSpec& spec);
    void openRemoteSource(const athanor::SourceSpec& spec);
    void forgetMissing(const QString& recentEntry, const QString& message);
    void updateRecentMenu();
    void showMessage(const QString& message, int ms);

    QMainWindow* m_window;
    StateSession* m_session;
    QMenu* m_recentMenu;
    LatestOnlyJob<PathCheck> m_pathCheck;
    quint64 m_openRequests = 0;
};

} // namespace athanor::ui

#pragma once

#include "state/StateIndex.h"
#include "store/SourceSpec.h"

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

namespace athanor {
class StateSource;
}

namespace athanor::ui {

class FolderWatcher;

// The open state source (a project folder, a SQLite database): loads snapshots on a worker thread and
// reloads them when the state changes (inotify on a folder's state folders; a cheap changed-since poll
// where nothing can be watched). Only one load runs at a time; requests that arrive meanwhile coalesce into
// one follow-up load. Every open() bumps a generation number (and cancels the running load) so a slow load
// of the previous source can never replace the new one. A load that fails as a whole (a locked database)
// keeps the last good snapshot and says why (loadFailed).
//
// The first load of a folder is staged: the tree of the folder walk comes first (treeWalked: ids, scopes and
// FQNs, no kind or status yet), then the records as they are read (recordsLoaded, about ten times a second,
// applied to that same index on the GUI thread), then indexChanged with that index complete. Reloads of a
// shown tree load whole and replace it as before.
class StateSession : public QObject {
    Q_OBJECT
public:
    explicit StateSession(QObject* parent = nullptr);
    ~StateSession() override;

    // A project folder (holding .alchemy) or a .alchemy folder; one whose .alchemy holds only Alchemy's
    // state.sqlite opens that database (sourceNote() says so).
    void open(const QString& path);
    // Starts reading a folder before the window that will show it is built (start-up: the walk of a big tree
    // overlaps the window's construction). Nothing is emitted until open() of the same folder takes this load
    // over (it then emits what open() emits and the load's results follow); any other open cancels it.
    void prepareOpen(const QString& path);
    // Any source: a folder or sqlite:PATH (SourceSpec text); invalid text emits loadFailed.
    // `knownApps`: the apps to show of a source that cannot list them (setKnownApps()).
    void openSource(const SourceSpec& spec, const QStringList& knownApps = {});
    void close();
    void reload();

    // The source as opened (after resolution, once the first load finished), e.g.
    // "sqlite:/p/.alchemy/state.sqlite".
    SourceSpec spec() const { return m_spec; }
    QString specText() const;
    std::shared_ptr<StateSource> source() const { return m_source; }
    // Why the source differs from what was asked for (a folder holding only state.sqlite); empty otherwise.
    QString sourceNote() const { return m_note; }
    // The project folder: where a stack file and run history of a folder source live.
    QString projectPath() const { return m_projectPath; }
    QString dotAlchemyPath() const;
    bool isOpen() const { return !m_projectPath.isEmpty(); }
    bool isLoading() const { return m_loading; }
    // The last complete index (null while the first load is still reading records).
    std::shared_ptr<const StateIndex> index() const { return m_index; }
    // The index of a staged load still reading its records (null otherwise).
    std::shared_ptr<const StateIndex> loadingIndex() const { return m_loadingIndex; }
    // A staged load reads this node's record before the others (the user selected it); recordsLoaded
    // follows within a batch interval.
    void readRecordFirst(int32_t node);
    // How often a staged load hands over the records read meanwhile (default 100 ms; tests go finer).
    void setRecordBatchInterval(int ms) { m_recordBatchMs = ms; }
    // The last load's failure ("" after a good load).
    QString lastError() const { return m_lastError; }

    // Live reload can be switched off (tests of static trees, huge trees over network mounts).
    void setLiveReload(bool on);
    bool liveReload() const { return m_live; }

    // Stops the running load (its result is dropped; the last snapshot, if any, stays) and says so
    // (loadCancelled). Polling goes on.
    void cancelLoad();
    // The apps to show of a source that cannot list its apps (a Cloudflare worker); reloads.
    void setKnownApps(const QStringList& apps);
    QStringList knownApps() const { return m_knownApps; }
    // A remote source (Cloudflare, S3) is polled every `seconds` (setting remote/pollSeconds, default 10),
    // and only while `active` (the window is the active one): a team's server is not asked in the background.
    void setPollInterval(int seconds);
    int pollIntervalSeconds() const;
    void setPollActive(bool active);
    // A run from the deploy dock is going (the built-in engine on this source, or a program writing to its
    // own store, which may be this one): a remote source is polled every 2 s while it runs, the window
    // active or not, and loaded once more when it ends. Failed polls keep the last good snapshot.
    void setRunInProgress(bool running);
    bool runInProgress() const { return m_runInProgress; }
    // When the snapshot on screen was loaded (invalid before the first good load).
    QDateTime lastGoodLoad() const { return m_lastGoodLoad; }

signals:
    // `specText` is the source as asked for (a folder path, or sqlite:PATH).
    void projectOpened(const QString& specText);
    // The source the first load resolved to (differs from the one asked for when a note says why).
    void sourceResolved(const QString& specText, const QString& note);
    void projectClosed();
    void loadStarted();
    // Records read so far of the running load (total 0 while unknown), at most a few times a second.
    void loadProgress(qint64 loaded, qint64 total);
    // A staged load's walked tree (loading()): shown at once; its records follow.
    void treeWalked(std::shared_ptr<const athanor::ui::StateIndex> index);
    // Records of the treeWalked index were applied: `nodes` show their kind and status now (their ancestors'
    // counts changed too).
    void recordsLoaded(std::shared_ptr<const athanor::ui::StateIndex> index,
                       const std::vector<int32_t>& nodes);
    // A new snapshot (only when something differs from the previous one); after a staged load, the
    // treeWalked index itself, complete.
    void indexChanged(std::shared_ptr<const athanor::ui::StateIndex> index);
    // Every finished load, changed or not (the status bar shows the time).
    void loadFinished(qint64 ms);
    // A load that could not read the source at all; the previous snapshot (if any) stays. `reason` for a
    // remote source: "offline", "timeout", "unauthorized", "server error", ..., "missing secret"; else "".
    void loadFailed(const QString& message);
    void loadFailedBecause(const QString& reason, const QString& message);
    void loadCancelled();

private:
    struct LoadResult;
    class TreeShownGate;
    void startLoad();
    void launchLoad(); // the worker of startLoad(), nothing emitted
    // What a load's results do on the GUI thread, held back while a prepared load waits for its open().
    bool holdWhilePrepared(std::function<void()> deliver);
    void onLoaded(quint64 generation, const std::shared_ptr<LoadResult>& result);
    // The source a load opened becomes the session's (sourceResolved): at its walked tree, or at its end.
    void adoptSource(const std::shared_ptr<StateSource>& source, const SourceSpec& spec, const QString& note);
    // `opened`: the source the load opened when the session has none yet (null otherwise).
    void onTreeWalked(quint64 generation, const std::shared_ptr<StateIndex>& index,
                      const std::shared_ptr<TreeShownGate>& shown, const std::shared_ptr<StateSource>& opened,
                      const SourceSpec& spec, const QString& note);
    void onRecordsLoaded(quint64 generation, const std::vector<int32_t>& records);
    enum class WatchCheck { None, NewFolders };
    // Watches the index's folders. With NewFolders, folders that were not watched before are checked once for
    // changes made since the index's load began (no event reports those).
    void updateWatches(WatchCheck check = WatchCheck::None);
    // Changes made where nothing was watching (a folder newly watched, live reload off) raise no event:
    // checks once, off the GUI thread, that every record's time and size and these folders' own times (a file
    // added, removed or renamed) are still those of the shown index's load, and reloads if not.
    void verifyIndexIsCurrent(const QStringList& folders);
    void pollChanges();
    int remotePollInterval() const;

    SourceSpec m_spec;
    bool m_resolved = false; // m_spec is the resolved source (m_source is open)
    std::shared_ptr<StateSource> m_source;
    QString m_note;
    QString m_projectPath;
    QString m_lastError;
    std::shared_ptr<const StateIndex> m_index;
    qint64 m_indexStartedNs = 0; // when the load that produced m_index began (file clock)
    std::shared_ptr<StateIndex>
        m_loadingIndex; // a staged load's, while its records are read (GUI thread only)
    std::shared_ptr<std::atomic<int32_t>> m_readFirst; // the running staged load's SnapshotOptions::readFirst
    FolderWatcher* m_watcher = nullptr;
    QTimer m_debounce;
    QTimer m_poll;
    quint64 m_generation = 0;
    std::stop_source m_cancel; // of the running load
    bool m_loading = false;
    bool m_reloadQueued = false;
    bool m_polling = false;
    bool m_live = true;
    bool m_pollActive = true;
    int m_remotePollMs = 10000;
    bool m_runInProgress = false;
    int m_recordBatchMs = 100;
    QStringList m_knownApps;
    QDateTime m_lastGoodLoad;
    std::optional<SourceSpec> m_prepared;             // prepareOpen()'s folder, until open() takes it over
    std::vector<std::function<void()>> m_heldResults; // its results that arrived before that
    QThreadPool m_pool; // last member: destroyed first, waiting for a running load before the rest goes
};

} // namespace athanor::ui

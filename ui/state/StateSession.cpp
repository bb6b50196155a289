#include "state/StateSession.h"

#include "snapshot/SnapshotLoader.h"
#include "state/FolderWatcher.h"
#include "store/RemoteAccess.h"
#include "store/StateSources.h"
#include "store/StoreError.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSettings>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <sys/stat.h>

namespace athanor::ui {

namespace {
// A deploy writes many records in a burst; wait for a short quiet spell, then load once.
constexpr int kDebounceMs = 200;
// Where nothing can be watched (a database, a folder past the inotify limit), this often "changed since?".
constexpr int kPollMs = 1000;
// A remote source while a run from the dock writes to it: this often "changed since?".
constexpr int kRemoteRunPollMs = 2000;
// Progress reports of a running load reach the GUI thread at most this often.
constexpr qint64 kProgressMs = 100;

// Folder and file times are stamped from the kernel's coarse clock, which may lag the precise one by a tick.
constexpr qint64 kFileClockSlackNs = 20'000'000;

QString toQString(const std::string& s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

// Now, on the clock file and folder times are stamped with.
qint64 fileClockNowNs() {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
    return static_cast<qint64>(now.tv_sec) * 1000000000LL + now.tv_nsec;
}

// The folder source of a project folder or of its .alchemy folder.
SourceSpec folderSpec(const QString& path) {
    QString dir = QFileInfo(path).absoluteFilePath();
    if (QFileInfo(dir).fileName() == QStringLiteral(".alchemy"))
        dir = QFileInfo(dir).absolutePath();
    return SourceSpec::folder(QDir::cleanPath(dir).toStdString());
}

// Whether the source no longer holds what `snapshot` was read from. A failure to tell counts as a change: the
// reload it leads to reports what is wrong.
bool sourceChangedSince(StateSource& source, const StateSnapshot& snapshot) {
    try {
        return source.changedSince(snapshot);
    } catch (const std::exception&) {
        return true;
    }
}

} // namespace

// A staged load's wait for its walked tree to be on screen.
class StateSession::TreeShownGate {
public:
    void open() {
        {
            const std::lock_guard lock(m_mutex);
            m_open = true;
        }
        m_opened.notify_all();
    }
    void wait(std::stop_token cancel, std::chrono::milliseconds atMost) {
        std::unique_lock lock(m_mutex);
        m_opened.wait_for(lock, cancel, atMost, [this] { return m_open; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable_any m_opened;
    bool m_open = false;
};

struct StateSession::LoadResult {
    std::shared_ptr<StateSource> source; // set when this load opened it
    SourceSpec spec;
    QString note;
    std::shared_ptr<const StateIndex> index;       // null when the load failed
    std::shared_ptr<const StateSnapshot> snapshot; // a staged load's, when it is the walked one (index null)
    QString error;
    QString reason; // a remote source's failure kind ("offline", "unauthorized", ...)
    qint64 loadMs = 0;
    qint64 startedNs = 0; // fileClockNowNs() when the load began reading
};

StateSession::StateSession(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(2);
    m_remotePollMs = 1000 * std::max(1, QSettings().value(QStringLiteral("remote/pollSeconds"), 10).toInt());
    m_watcher = new FolderWatcher(this);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    m_poll.setInterval(kPollMs);
    connect(&m_debounce, &QTimer::timeout, this, &StateSession::reload);
    connect(&m_poll, &QTimer::timeout, this, &StateSession::pollChanges);
    auto changed = [this] {
        if (m_live)
            m_debounce.start();
    };
    connect(m_watcher, &FolderWatcher::changed, this, changed);
}

StateSession::~StateSession() {
    ++m_generation;
    m_cancel.request_stop();
    m_pool.waitForDone();
}

QString StateSession::specText() const {
    return isOpen() ? toQString(m_spec.toString()) : QString();
}

QString StateSession::dotAlchemyPath() const {
    if (m_index && m_spec.kind == SourceSpec::Kind::Folder)
        return toQString(m_index->snapshot->layout.dotAlchemy.string());
    return m_projectPath.isEmpty() ? QString() : m_projectPath + QStringLiteral("/.alchemy");
}

void StateSession::open(const QString& path) {
    openSource(folderSpec(path), {});
}

void StateSession::prepareOpen(const QString& path) {
    ++m_generation;
    m_cancel.request_stop();
    m_cancel = std::stop_source();
    m_spec = folderSpec(path);
    m_source.reset();
    m_index.reset();
    m_knownApps.clear();
    m_prepared = m_spec;
    m_heldResults.clear();
    launchLoad();
}

bool StateSession::holdWhilePrepared(std::function<void()> deliver) {
    if (!m_prepared)
        return false;
    m_heldResults.push_back(std::move(deliver));
    return true;
}

void StateSession::openSource(const SourceSpec& spec, const QStringList& knownApps) {
    // The load prepareOpen() started for this very source goes on; anything else starts afresh.
    const bool takeOver = m_prepared && *m_prepared == spec && knownApps.isEmpty();
    m_prepared.reset();
    std::vector<std::function<void()>> held = std::exchange(m_heldResults, {});
    m_knownApps = knownApps;
    if (!takeOver) {
        ++m_generation;
        m_cancel.request_stop(); // a load of the previous source may still run; its result is dropped
        m_cancel = std::stop_source();
    }
    m_spec = spec;
    m_resolved = false;
    m_source.reset();
    m_note.clear();
    m_lastError.clear();
    m_projectPath = QDir::cleanPath(toQString(spec.projectFolder().string()));
    m_index.reset();
    m_loadingIndex.reset();
    m_reloadQueued = false;
    m_poll.stop();
    m_poll.setInterval(spec.isRemote() ? remotePollInterval() : kPollMs);
    m_lastGoodLoad = QDateTime();
    m_watcher->clear();
    if (takeOver)
        m_loading = true; // a reload asked for by a projectOpened handler waits for this load
    emit projectOpened(toQString(spec.toString()));
    if (!takeOver) {
        m_loading = false;
        startLoad();
        return;
    }
    emit loadStarted();
    for (const auto& deliver : held) // in the order they arrived, before anything still queued
        deliver();
}

void StateSession::close() {
    ++m_generation;
    m_cancel.request_stop();
    m_prepared.reset();
    m_heldResults.clear();
    m_projectPath.clear();
    m_source.reset();
    m_note.clear();
    m_index.reset();
    m_loadingIndex.reset();
    m_poll.stop();
    m_debounce.stop();
    m_watcher->clear();
    emit projectClosed();
}

void StateSession::reload() {
    if (m_projectPath.isEmpty())
        return;
    if (m_loading) {
        m_reloadQueued = true;
        return;
    }
    startLoad();
}

void StateSession::setLiveReload(bool on) {
    const bool wasLive = m_live;
    m_live = on;
    if (!on) {
        m_debounce.stop();
        m_poll.stop();
    } else if (m_index) {
        updateWatches();
        if (!wasLive) // changes made while it was off were seen and ignored
            verifyIndexIsCurrent(m_index->watchFolders);
    }
}

void StateSession::startLoad() {
    m_loading = true;
    emit loadStarted();
    launchLoad();
}

void StateSession::launchLoad() {
    const quint64 generation = m_generation;
    const SourceSpec spec = m_spec;
    std::shared_ptr<StateSource> source = m_source; // null until the first load has resolved it
    const std::stop_token cancel = m_cancel.get_token();
    const qint64 startedNs = fileClockNowNs();
    SnapshotOptions options;
    for (const QString& app : m_knownApps)
        options.knownApps.push_back(app.toStdString());
    m_loadingIndex.reset();
    // Nothing shown yet: a folder shows its walked tree first and fills in the records as they are read.
    const bool staged = !m_index;
    m_readFirst = staged ? std::make_shared<std::atomic<int32_t>>(-1) : nullptr;
    m_pool.start([this, generation, spec, source, cancel, options, staged, startedNs, readFirst = m_readFirst,
                  batchMs = m_recordBatchMs]() mutable {
        const StateSnapshot* walked = nullptr; // a staged load's published snapshot
        auto result = std::make_shared<LoadResult>();
        result->spec = spec;
        result->startedNs = startedNs;
        if (staged) {
            options.readFirst = readFirst.get();
            options.fillBatchMs = batchMs;
            options.treeWalked = [this, generation, &walked, cancel,
                                  result](const std::shared_ptr<StateSnapshot>& snapshot) {
                if (snapshot->records.empty())
                    return; // nothing to fill in: the finished load says what there is
                walked = snapshot.get();
                std::shared_ptr<StateIndex> index = StateIndex::fromWalkedSnapshot(snapshot);
                auto shown = std::make_shared<TreeShownGate>();
                // The source this load opened (set before the walk): repairs work on the shown tree at once.
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, index, shown, opened = result->source, spec = result->spec,
                     note = result->note] { onTreeWalked(generation, index, shown, opened, spec, note); },
                    Qt::QueuedConnection);
                // The readers start once the GUI thread has shown the tree: on two cores they would take
                // the first paint's CPU (a stalled GUI thread only delays them a while).
                shown->wait(cancel, std::chrono::seconds(2));
            };
            options.recordsFilled = [this, generation](std::vector<int32_t> records) {
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, records = std::move(records)] {
                        onRecordsLoaded(generation, records);
                    },
                    Qt::QueuedConnection);
            };
        }
        QElapsedTimer timer;
        timer.start();
        try {
            std::shared_ptr<StateSource> open = source;
            if (!open) {
                // Resolving looks at the disk: here, not on the GUI thread.
                std::string note;
                open = openResolvedSource(spec, &note);
                result->source = open;
                result->spec = open->spec();
                result->note = toQString(note);
            }
            QElapsedTimer sinceReport;
            sinceReport.start();
            const LoadProgress progress = [&](size_t loaded, size_t total) {
                if (sinceReport.elapsed() < kProgressMs && loaded != total)
                    return;
                sinceReport.restart();
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, loaded, total] {
                        if (generation == m_generation && !m_prepared) // a prepared load's next one will do
                            emit loadProgress(static_cast<qint64>(loaded), static_cast<qint64>(total));
                    },
                    Qt::QueuedConnection);
            };
            std::shared_ptr<const StateSnapshot> snapshot = loadSnapshot(*open, options, progress, cancel);
            result->loadMs = timer.elapsed();
            if (walked && walked == snapshot.get())
                result->snapshot = std::move(snapshot); // the GUI completes the index it already has
            else
                result->index = StateIndex::fromSnapshot(std::move(snapshot), timer.elapsed());
        } catch (const LoadCancelled&) {
            return; // replaced by a newer load, cancelled, or a closed session: nobody waits for this one
        } catch (const MissingAccessSecretError& e) {
            result->error = toQString(e.what());
            result->reason = QStringLiteral("missing secret");
        } catch (const RemoteUnavailableError& e) {
            result->error = toQString(e.what());
            result->reason = toQString(e.reason());
        } catch (const std::exception& e) {
            result->error = toQString(e.what());
        }
        // Queued onto the GUI thread; ~StateSession waits for the pool, so `this` outlives the post.
        QMetaObject::invokeMethod(
            this, [this, generation, result] { onLoaded(generation, result); }, Qt::QueuedConnection);
    });
}

void StateSession::onLoaded(quint64 generation, const std::shared_ptr<LoadResult>& result) {
    if (generation != m_generation)
        return; // a load of a source that is no longer open
    if (holdWhilePrepared([this, generation, result] { onLoaded(generation, result); }))
        return;
    m_loading = false;
    if (result->source && !m_resolved) {
        adoptSource(result->source, result->spec, result->note);
    }
    if (result->snapshot) {
        // A staged load: its walked index (shown, every record applied by now) is the snapshot, complete.
        std::shared_ptr<StateIndex> completed = std::move(m_loadingIndex);
        if (!completed || completed->snapshot != result->snapshot)
            completed = std::const_pointer_cast<StateIndex>(
                StateIndex::fromSnapshot(result->snapshot, result->loadMs));
        else
            completed->finishLoading(result->loadMs);
        result->index = std::move(completed);
    }
    m_loadingIndex.reset();
    m_readFirst.reset();
    if (!result->index) {
        m_lastError = result->error;
        emit loadFailed(result->error);
        emit loadFailedBecause(result->reason, result->error);
        // Keep trying: a database locked by a long write, a folder that comes back.
        if (m_live && m_source)
            m_poll.start();
    } else {
        const bool recovered = !m_lastError.isEmpty();
        m_lastError.clear();
        m_lastGoodLoad = QDateTime::currentDateTime();
        const bool changed = !m_index || !m_index->sameContentAs(*result->index);
        // Kept even when nothing differs for the views: its change token is the one to poll against.
        m_index = result->index;
        m_indexStartedNs = result->startedNs;
        if (changed)
            emit indexChanged(m_index);
        if (changed || recovered) {
            // Thousands of inotify watches take a while to add: after the views have their new snapshot.
            QTimer::singleShot(0, this, [this, generation] {
                if (generation == m_generation && m_index)
                    updateWatches(WatchCheck::NewFolders);
            });
        }
        emit loadFinished(m_index->loadMs);
    }
    if (m_reloadQueued) {
        m_reloadQueued = false;
        startLoad();
    }
}

void StateSession::adoptSource(const std::shared_ptr<StateSource>& source, const SourceSpec& spec,
                               const QString& note) {
    m_source = source;
    m_spec = spec;
    m_resolved = true;
    m_note = note;
    m_projectPath = QDir::cleanPath(toQString(m_spec.projectFolder().string()));
    emit sourceResolved(toQString(m_spec.toString()), m_note);
}

void StateSession::onTreeWalked(quint64 generation, const std::shared_ptr<StateIndex>& index,
                                const std::shared_ptr<TreeShownGate>& shown,
                                const std::shared_ptr<StateSource>& opened, const SourceSpec& spec,
                                const QString& note) {
    if (generation == m_generation && holdWhilePrepared([this, generation, index, shown, opened, spec, note] {
            onTreeWalked(generation, index, shown, opened, spec, note);
        }))
        return;
    if (generation == m_generation) {
        if (opened && !m_resolved)
            adoptSource(opened, spec, note);
        m_loadingIndex = index;
        emit treeWalked(m_loadingIndex); // the views lay out and paint it before this returns
    }
    shown->open();
}

void StateSession::onRecordsLoaded(quint64 generation, const std::vector<int32_t>& records) {
    if (generation != m_generation)
        return; // a load replaced or cancelled meanwhile: its records are not this tree's
    if (holdWhilePrepared([this, generation, records] { onRecordsLoaded(generation, records); }))
        return;
    if (!m_loadingIndex)
        return;
    const std::vector<int32_t> nodes = m_loadingIndex->applyLoadedRecords(records);
    emit recordsLoaded(m_loadingIndex, nodes);
}

void StateSession::readRecordFirst(int32_t node) {
    if (!m_loadingIndex || !m_readFirst || node <= 0 ||
        static_cast<size_t>(node) >= m_loadingIndex->snapshot->nodes.size())
        return;
    if (const int32_t record = m_loadingIndex->snapshot->nodes[static_cast<size_t>(node)].record; record >= 0)
        m_readFirst->store(record);
}

void StateSession::cancelLoad() {
    if (!m_loading)
        return;
    ++m_generation; // the running load's result is dropped
    m_cancel.request_stop();
    m_cancel = std::stop_source();
    m_loading = false;
    m_reloadQueued = false;
    m_loadingIndex.reset(); // a half-read tree is not a snapshot to keep
    emit loadCancelled();
}

void StateSession::setKnownApps(const QStringList& apps) {
    if (apps == m_knownApps)
        return;
    m_knownApps = apps;
    if (isOpen())
        reload();
}

void StateSession::setPollInterval(int seconds) {
    m_remotePollMs = 1000 * std::max(1, seconds);
    QSettings().setValue(QStringLiteral("remote/pollSeconds"), std::max(1, seconds));
    if (m_spec.isRemote())
        m_poll.setInterval(remotePollInterval());
}

int StateSession::remotePollInterval() const {
    return m_runInProgress ? std::min(kRemoteRunPollMs, m_remotePollMs) : m_remotePollMs;
}

void StateSession::setRunInProgress(bool running) {
    if (running == m_runInProgress)
        return;
    m_runInProgress = running;
    if (!m_spec.isRemote())
        return; // folders are watched, databases polled every second anyway
    m_poll.setInterval(remotePollInterval());
    if (running && m_live && m_source)
        m_poll.start();
    if (!running && isOpen())
        reload(); // what the run's last writes changed
}

int StateSession::pollIntervalSeconds() const {
    return m_remotePollMs / 1000;
}

void StateSession::setPollActive(bool active) {
    m_pollActive = active;
    if (m_spec.isRemote() && active && m_live && m_source && m_index)
        pollChanges(); // back in the window: look now rather than at the next tick
}

void StateSession::updateWatches(WatchCheck check) {
    const QStringList watchedBefore = m_watcher->folders();
    m_watcher->setFolders(m_index->watchFolders);
    if (check == WatchCheck::NewFolders && m_live) {
        const QSet<QString> had(watchedBefore.begin(), watchedBefore.end());
        QStringList added;
        for (const QString& folder : m_index->watchFolders)
            if (!had.contains(folder))
                added << folder;
        if (!added.isEmpty())
            verifyIndexIsCurrent(added);
    }
    // Poll where the watcher cannot see everything: no folders to watch (a database), or no inotify.
    const bool watched = !m_index->watchFolders.isEmpty() && m_watcher->seesFileRewrites();
    if (m_live && !watched)
        m_poll.start();
    else
        m_poll.stop();
}

void StateSession::verifyIndexIsCurrent(const QStringList& folders) {
    if (!m_source || !m_index)
        return;
    const quint64 generation = m_generation;
    std::shared_ptr<const StateIndex> index = m_index;
    std::shared_ptr<StateSource> source = m_source;
    const qint64 since = m_indexStartedNs - kFileClockSlackNs;
    m_pool.start([this, generation, index, source, folders, since] {
        bool differs = false;
        for (const QString& folder : folders) {
            struct stat st {};
            // A folder's own time moves when a file in it is added, removed or renamed.
            if (::stat(QFile::encodeName(folder).constData(), &st) == 0 &&
                static_cast<qint64>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec >= since) {
                differs = true;
                break;
            }
        }
        if (!differs && !sourceChangedSince(*source, *index->snapshot))
            return;
        QMetaObject::invokeMethod(
            this,
            [this, generation] {
                if (generation == m_generation)
                    reload(); // queued behind a load that is running: it may have read before the change
            },
            Qt::QueuedConnection);
    });
}

void StateSession::pollChanges() {
    if (m_polling || m_loading || !m_source)
        return;
    if (m_spec.isRemote() && !m_pollActive && !m_runInProgress)
        return;                               // a team's server is asked only while the window is in use
    if (!m_index || !m_lastError.isEmpty()) { // the last load failed: try again
        reload();
        return;
    }
    m_polling = true;
    const quint64 generation = m_generation;
    std::shared_ptr<const StateIndex> index = m_index;
    std::shared_ptr<StateSource> source = m_source;
    m_pool.start([this, generation, index, source] {
        const bool differs = sourceChangedSince(*source, *index->snapshot);
        QMetaObject::invokeMethod(
            this,
            [this, generation, differs] {
                m_polling = false;
                if (differs && generation == m_generation)
                    reload();
            },
            Qt::QueuedConnection);
    });
}

} // namespace athanor::ui

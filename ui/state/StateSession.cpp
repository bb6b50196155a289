#include "state/StateSession.h"

#include "state/FolderWatcher.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <sys/stat.h>

namespace athanor::ui {

namespace {
// A deploy writes many records in a burst; wait for a short quiet spell, then load once.
constexpr int kDebounceMs = 200;
// Where the watcher cannot see records rewritten in place, their timestamps are compared this often.
constexpr int kPollMs = 1500;
} // namespace

StateSession::StateSession(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(2);
    m_watcher = new FolderWatcher(this);
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    m_poll.setInterval(kPollMs);
    connect(&m_debounce, &QTimer::timeout, this, &StateSession::reload);
    connect(&m_poll, &QTimer::timeout, this, &StateSession::pollTimestamps);
    auto changed = [this] {
        if (m_live)
            m_debounce.start();
    };
    connect(m_watcher, &FolderWatcher::changed, this, changed);
}

StateSession::~StateSession() {
    ++m_generation;
    m_pool.waitForDone();
}

QString StateSession::dotAlchemyPath() const {
    if (m_index)
        return QString::fromStdString(m_index->snapshot->layout.dotAlchemy.string());
    return m_projectPath.isEmpty() ? QString() : m_projectPath + QStringLiteral("/.alchemy");
}

void StateSession::open(const QString& path) {
    QString dir = QFileInfo(path).absoluteFilePath();
    if (QFileInfo(dir).fileName() == QStringLiteral(".alchemy"))
        dir = QFileInfo(dir).absolutePath();
    ++m_generation;
    m_projectPath = QDir::cleanPath(dir);
    m_index.reset();
    m_reloadQueued = false;
    m_watcher->clear();
    emit projectOpened(m_projectPath);
    m_loading = false; // a load of the previous project may still run; its result is dropped
    startLoad();
}

void StateSession::close() {
    ++m_generation;
    m_projectPath.clear();
    m_index.reset();
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
    m_live = on;
    if (!on) {
        m_debounce.stop();
        m_poll.stop();
    } else if (m_index && !m_watcher->seesFileRewrites()) {
        m_poll.start();
    }
}

void StateSession::startLoad() {
    m_loading = true;
    emit loadStarted();
    const quint64 generation = m_generation;
    const std::filesystem::path path = m_projectPath.toStdString();
    m_pool.start([this, generation, path] {
        std::shared_ptr<const StateIndex> index = StateIndex::build(path);
        // Queued onto the GUI thread; ~StateSession waits for the pool, so `this` outlives the post.
        QMetaObject::invokeMethod(
            this, [this, generation, index] { onLoaded(generation, index); }, Qt::QueuedConnection);
    });
}

void StateSession::onLoaded(quint64 generation, std::shared_ptr<const StateIndex> index) {
    if (generation != m_generation)
        return; // a load of a project that is no longer open
    m_loading = false;
    const bool changed = !m_index || !m_index->sameContentAs(*index);
    if (changed) {
        m_index = std::move(index);
        emit indexChanged(m_index);
        // Thousands of inotify watches take a while to add: after the views have their new snapshot.
        QTimer::singleShot(0, this, [this, generation] {
            if (generation == m_generation && m_index)
                updateWatches();
        });
    }
    emit loadFinished(changed ? m_index->loadMs : index->loadMs);
    if (m_reloadQueued) {
        m_reloadQueued = false;
        startLoad();
    }
}

void StateSession::updateWatches() {
    m_watcher->setFolders(m_index->watchFolders);
    if (m_live && !m_watcher->seesFileRewrites())
        m_poll.start();
    else
        m_poll.stop();
}

void StateSession::pollTimestamps() {
    if (m_polling || m_loading || !m_index)
        return;
    m_polling = true;
    const quint64 generation = m_generation;
    std::shared_ptr<const StateIndex> index = m_index;
    m_pool.start([this, generation, index] {
        bool differs = false;
        for (const auto& r : index->snapshot->records) {
            if (!r.ok())
                continue; // unreadable files have no timestamp to compare
            struct stat st {};
            const auto file = index->snapshot->absolutePath(r);
            if (::stat(file.c_str(), &st) != 0 ||
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec != r.modifiedNs ||
                static_cast<uint64_t>(st.st_size) != r.fileSize) {
                differs = true;
                break;
            }
        }
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

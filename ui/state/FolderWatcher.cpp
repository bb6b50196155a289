#include "state/FolderWatcher.h"

#include <QFile>
#include <QFileSystemWatcher>
#include <QSocketNotifier>
#include <array>
#include <cerrno>
#include <unistd.h>

#ifdef __linux__
#include <sys/inotify.h>
#endif

namespace athanor::ui {

FolderWatcher::FolderWatcher(QObject* parent) : QObject(parent) {
#ifdef __linux__
    m_inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#endif
    if (m_inotifyFd >= 0) {
        m_notifier = new QSocketNotifier(m_inotifyFd, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &FolderWatcher::readEvents);
    } else {
        m_fallback = new QFileSystemWatcher(this);
        connect(m_fallback, &QFileSystemWatcher::directoryChanged, this, &FolderWatcher::changed);
    }
}

FolderWatcher::~FolderWatcher() {
    if (m_inotifyFd >= 0)
        ::close(m_inotifyFd); // drops every watch
}

QStringList FolderWatcher::folders() const {
    if (m_fallback)
        return m_fallback->directories();
    return m_watchByFolder.keys();
}

void FolderWatcher::setFolders(const QStringList& folders) {
    const QSet<QString> wanted(folders.begin(), folders.end());
    if (m_fallback) {
        const QStringList current = m_fallback->directories();
        QStringList stale, add;
        for (const QString& f : current)
            if (!wanted.contains(f))
                stale << f;
        const QSet<QString> have(current.begin(), current.end());
        for (const QString& f : wanted)
            if (!have.contains(f))
                add << f;
        if (!stale.isEmpty())
            m_fallback->removePaths(stale);
        if (!add.isEmpty())
            m_fallback->addPaths(add);
        return;
    }
#ifdef __linux__
    for (auto it = m_watchByFolder.begin(); it != m_watchByFolder.end();) {
        if (wanted.contains(it.key())) {
            ++it;
            continue;
        }
        ::inotify_rm_watch(m_inotifyFd, it.value());
        it = m_watchByFolder.erase(it);
    }
    m_failed.clear();
    constexpr uint32_t kMask = IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE |
                               IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    for (const QString& folder : wanted) {
        if (m_watchByFolder.contains(folder))
            continue;
        const int wd = ::inotify_add_watch(m_inotifyFd, QFile::encodeName(folder).constData(), kMask);
        if (wd >= 0)
            m_watchByFolder.insert(folder, wd);
        else if (errno == ENOSPC || errno == ENOMEM)
            m_failed.insert(folder); // out of inotify watches: the caller falls back to polling
        // ENOENT / ENOTDIR: gone meanwhile; the next load watches what exists then
    }
#endif
}

void FolderWatcher::readEvents() {
#ifdef __linux__
    // Which file changed does not matter (the caller reloads the whole snapshot): drain and report once.
    // IN_IGNORED only confirms a watch this object removed.
    alignas(inotify_event) std::array<char, 16384> buffer{};
    bool any = false;
    for (;;) {
        const ssize_t n = ::read(m_inotifyFd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // EAGAIN: drained
        for (ssize_t at = 0; at + ssize_t(sizeof(inotify_event)) <= n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + at);
            if (!(event->mask & IN_IGNORED))
                any = true;
            at += ssize_t(sizeof(inotify_event) + event->len);
        }
    }
    if (any)
        emit changed();
#endif
}

} // namespace athanor::ui

#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

class QFileSystemWatcher;
class QSocketNotifier;

namespace athanor::ui {

// Watches a set of folders and reports any change inside them, including a file rewritten in place (Alchemy
// writes records with fs.writeFile, not by rename). On Linux one inotify watch per folder sees that, so a
// 10,000-record stage costs a few hundred watches, not ten thousand. Elsewhere (or when the inotify limit is
// reached) it watches the folders through QFileSystemWatcher, which sees files come and go but not in-place
// rewrites: seesFileRewrites() is then false and the caller polls timestamps.
class FolderWatcher : public QObject {
    Q_OBJECT
public:
    explicit FolderWatcher(QObject* parent = nullptr);
    ~FolderWatcher() override;

    // Watches exactly these folders (added and removed as needed; missing ones are skipped).
    void setFolders(const QStringList& folders);
    void clear() { setFolders({}); }
    QStringList folders() const;
    bool seesFileRewrites() const { return m_inotifyFd >= 0 && m_failed.isEmpty(); }

signals:
    // Something changed in (or to) a watched folder. Bursts are reported as they come; debounce downstream.
    void changed();

private:
    void readEvents();

    int m_inotifyFd = -1;
    QSocketNotifier* m_notifier = nullptr;
    QHash<QString, int> m_watchByFolder;
    QSet<QString> m_failed;                   // folders inotify refused (limit reached): polled by the caller
    QFileSystemWatcher* m_fallback = nullptr; // without inotify
};

} // namespace athanor::ui

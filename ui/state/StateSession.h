#pragma once

#include "state/StateIndex.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <memory>

namespace athanor::ui {

class FolderWatcher;

// The open project: loads snapshots on a worker thread and reloads them when files under .alchemy change.
// Only one load runs at a time; requests that arrive meanwhile coalesce into one follow-up load. Every
// open() bumps a generation number so a slow load of the previous project can never replace the new one.
class StateSession : public QObject {
    Q_OBJECT
public:
    explicit StateSession(QObject* parent = nullptr);
    ~StateSession() override;

    // A project folder (holding .alchemy) or a .alchemy folder.
    void open(const QString& path);
    void close();
    void reload();

    QString projectPath() const { return m_projectPath; }
    QString dotAlchemyPath() const;
    bool isOpen() const { return !m_projectPath.isEmpty(); }
    bool isLoading() const { return m_loading; }
    std::shared_ptr<const StateIndex> index() const { return m_index; }

    // Live reload can be switched off (tests of static trees, huge trees over network mounts).
    void setLiveReload(bool on);
    bool liveReload() const { return m_live; }

signals:
    void projectOpened(const QString& projectPath);
    void projectClosed();
    void loadStarted();
    // A new snapshot (only when something differs from the previous one).
    void indexChanged(std::shared_ptr<const athanor::ui::StateIndex> index);
    // Every finished load, changed or not (the status bar shows the time).
    void loadFinished(qint64 ms);

private:
    void startLoad();
    void onLoaded(quint64 generation, std::shared_ptr<const StateIndex> index);
    void updateWatches();
    void pollTimestamps();

    QString m_projectPath;
    std::shared_ptr<const StateIndex> m_index;
    FolderWatcher* m_watcher = nullptr;
    QTimer m_debounce;
    QTimer m_poll;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_reloadQueued = false;
    bool m_polling = false;
    bool m_live = true;
    QThreadPool m_pool; // last member: destroyed first, waiting for a running load before the rest goes
};

} // namespace athanor::ui

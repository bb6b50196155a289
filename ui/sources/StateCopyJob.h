#pragma once

#include "commands/StateMigration.h"
#include "store/SourceSpec.h"

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>
#include <stop_token>

namespace athanor::ui {

// Copies every record of one state source into another (migrateState) on a worker thread, with progress and
// cancellation; the GUI thread only hears about it through signals.
class StateCopyJob : public QObject {
    Q_OBJECT
public:
    explicit StateCopyJob(QObject* parent = nullptr);
    ~StateCopyJob() override;

    void start(const SourceSpec& from, const SourceSpec& to, bool overwrite);
    // Stops after the record being copied; the target keeps what was copied so far.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(qint64 done, qint64 total);
    // `report` is null when the copy could not start or stopped on an error of a whole source (`error`).
    void finished(std::shared_ptr<const athanor::MigrationReport> report, const QString& error);

private:
    bool m_running = false;
    quint64 m_generation = 0;
    std::stop_source m_stop;
    QThreadPool m_pool; // last: destroyed first, waiting for a running copy
};

} // namespace athanor::ui

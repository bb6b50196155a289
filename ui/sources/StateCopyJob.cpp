#include "sources/StateCopyJob.h"

#include "store/StateSources.h"

#include <QElapsedTimer>
#include <QMetaObject>

namespace athanor::ui {

namespace {
constexpr qint64 kProgressMs = 50; // progress reaches the GUI thread at most this often
}

StateCopyJob::StateCopyJob(QObject* parent) : QObject(parent) {
    m_pool.setMaxThreadCount(1);
}

StateCopyJob::~StateCopyJob() {
    ++m_generation;
    m_stop.request_stop();
    m_pool.waitForDone();
}

void StateCopyJob::cancel() {
    m_stop.request_stop();
}

void StateCopyJob::start(const SourceSpec& from, const SourceSpec& to, bool overwrite) {
    if (m_running)
        return;
    m_running = true;
    m_stop = std::stop_source();
    const quint64 generation = ++m_generation;
    const std::stop_token stop = m_stop.get_token();
    m_pool.start([this, generation, from, to, overwrite, stop] {
        std::shared_ptr<MigrationReport> report;
        QString error;
        try {
            const std::shared_ptr<StateSource> source = openStateSource(from);
            const std::shared_ptr<StateSource> target = openStateSource(to);
            QElapsedTimer sinceReport;
            sinceReport.start();
            const MigrationProgress progress = [&](size_t done, size_t total) {
                if (sinceReport.elapsed() < kProgressMs && done != total)
                    return;
                sinceReport.restart();
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, done, total] {
                        if (generation == m_generation)
                            emit this->progress(static_cast<qint64>(done), static_cast<qint64>(total));
                    },
                    Qt::QueuedConnection);
            };
            report = std::make_shared<MigrationReport>(
                migrateState(*source, *target, {overwrite}, progress, stop));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, report, error] {
                if (generation != m_generation)
                    return;
                m_running = false;
                emit finished(report, error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace athanor::ui

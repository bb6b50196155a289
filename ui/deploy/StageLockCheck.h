#pragma once

#include "jobs/LatestOnlyJob.h"

#include <QObject>
#include <QString>
#include <memory>
#include <mutex>

namespace athanor {
class StateSource;
}

namespace athanor::ui {

// Whether a run that writes can lock its stage on a state source, asked before the run: a source that
// cannot exclude concurrent runs (Alchemy's Cloudflare worker always; an S3 endpoint that ignores
// If-None-Match) needs the user's consent to run without a lock (the GUI's --no-lock). Off the GUI thread:
// the S3 detection makes requests. One check at a time.
class StageLockCheck : public QObject {
    Q_OBJECT

public:
    struct Result {
        QString reason; // why no stage lock can be taken there; empty: the run locks as usual
        QString source; // the source as the user knows it (StateSource::describe())
    };

    explicit StageLockCheck(QObject* parent = nullptr);

    // False when a check is in flight. `specText`: the source (SourceSpec text).
    bool start(const QString& specText);
    bool isRunning() const { return m_job.isRunning(); }
    // A check still in flight no longer matters (the project changed): its result is dropped.
    void discard();

    // The source a check opened, kept for the next check of the same spec: its answer (S3's endpoint probe)
    // is asked once per source object, not before every run.
    struct OpenedSource {
        std::mutex mutex;
        QString specText;
        std::shared_ptr<athanor::StateSource> source;
    };

    // The check itself, on the calling thread (StateSource::stageLockSupport()). A source that cannot be
    // reached gives an empty reason: the run then says what is wrong, naming the source, before it changes
    // anything.
    static Result check(const QString& specText, OpenedSource* opened = nullptr);

signals:
    void finished(const athanor::ui::StageLockCheck::Result& result);
    void runningChanged(bool running);

private:
    LatestOnlyJob<Result> m_job;
    std::shared_ptr<OpenedSource> m_opened = std::make_shared<OpenedSource>();
};

} // namespace athanor::ui

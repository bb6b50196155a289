#pragma once

#include "events/EngineEvent.h"
#include "models/StatusCategory.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QString>
#include <vector>

namespace athanor::ui {

// What a run knows about one resource that its record cannot say.
struct ResourceRun {
    // Done: the live run has finished it; until the tree has reloaded the record, it reads as `settledAs`.
    enum class State { Running, Failed, Done };
    State state = State::Running;
    StatusCategory settledAs = StatusCategory::None; // Done: the status its last event implies (None: as is)
    QString error;                                   // Failed: the handler's error, as the run logged it
    QString logFile; // the run's event log in run history; empty while that run is live or unrecorded
    QDateTime startedAt;
    athanor::Phase phase = athanor::Phase::Up;

    // The error on one line (its lines joined), cut at `maxChars`: for lists and tooltips.
    QString errorLine(int maxChars = 300) const;
};

// What runs say about resources beyond their records: the ones the live run is applying now, and the ones
// whose handler failed in the last recorded run of their stage (with the error and that run's log). A record
// left creating / updating / deleting that is neither is interrupted: the process that wrote it stopped
// before it could record the end. The scope tree, the stage summary and the record header read this one
// source.
class RunActivity : public QObject {
    Q_OBJECT
public:
    explicit RunActivity(QObject* parent = nullptr);

    // What is known about `fqn`, or null: the live run first, then the last recorded run.
    const ResourceRun* find(const QString& fqn) const;
    // Every resource with an entry (for counts over a tree).
    QStringList fqns() const;
    bool isEmpty() const; // nothing known about any resource

    // The failures of the last recorded run of each stage (from run history); replaces the previous ones.
    void setRecordedFailures(QHash<QString, ResourceRun> failures);
    // A live run that writes records (Up, Destroy): its start, its events as they come, its end. At the end
    // its failures become the recorded ones of the resources it touched.
    void liveRunStarted(athanor::Phase phase, const QDateTime& startedAt);
    void applyLiveEvents(const std::vector<athanor::EngineEvent>& events);
    void liveRunFinished(const QString& logFile);
    bool isLive() const { return m_live; }
    // A snapshot read after the run ended shows what it settled: its Done entries are no longer needed.
    void forgetSettled();
    void clear();

signals:
    void changed();

private:
    QHash<QString, ResourceRun> m_recorded;
    QHash<QString, ResourceRun>
        m_current; // the live run's: every resource it touched (running, failed, done)
    QHash<QString, ResourceRun> m_settled; // Done entries of the run that ended, until the next snapshot
    bool m_live = false;
    athanor::Phase m_phase = athanor::Phase::Up;
    QDateTime m_startedAt;
};

} // namespace athanor::ui

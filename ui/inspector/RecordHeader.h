#pragma once

#include "state/StateIndex.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace athanor::ui {

class RunActivity;

// The top of the details pane: kind, FQN, status badge, seq, secret count and the record file (copy the
// path, open its folder). An unreadable record shows why in a red line under it. A record left in flight says
// what happened to it (running now; failed in the last run, with the error and a link to that run's log;
// or interrupted). A pending deletion shows the old copy's kind and id and why it waits; a stage's or
// scope's own record offers the way back to its summary.
class RecordHeader : public QWidget {
    Q_OBJECT
public:
    explicit RecordHeader(QWidget* parent = nullptr);

    void setRunActivity(RunActivity* activity);
    void showRecord(const StateIndex& index, int32_t node);
    // Entry `entry` of the data.pendingDeletions of `holder`'s record.
    void showPendingDeletion(const StateIndex& index, int32_t holder, int entry);
    QString filePath() const { return m_path; }
    QString badgeText() const;
    // The line under the FQN (run outcome, why a deletion is pending); plain text.
    QString noteText() const;

signals:
    void statusMessage(const QString& message);
    void runLogRequested(const QString& logFile);
    void summaryRequested(); // "Summary" on a stage's or scope's own record

protected:
    void changeEvent(QEvent* event) override;

private:
    void showFile(const StateIndex& index, const SnapshotRecord* r);
    void updateRunState();
    void updateBadge();

    QLabel* m_kind;
    QLabel* m_fqn;
    QLabel* m_badge;
    QLabel* m_meta;
    QLabel* m_note;
    QLabel* m_file;
    QLabel* m_error;
    QToolButton* m_summary;
    QToolButton* m_copyPath;
    QToolButton* m_openFolder;
    QString m_path;
    QPointer<RunActivity> m_activity;
    QString m_shownFqn;                             // the resource whose run state the header follows
    StatusCategory m_status = StatusCategory::None; // the record's
    StatusCategory m_shown = StatusCategory::None;  // as shown (runs taken into account)
    QString m_noteHtml;
    bool m_noteIsWarning = false;
};

} // namespace athanor::ui

#pragma once

#include "deploy/RunHistoryEntry.h"
#include "events/EngineEvent.h"
#include "jobs/LatestOnlyJob.h"

#include <QWidget>
#include <vector>

class QLabel;
class QSpinBox;
class QTreeView;

namespace athanor::ui {

class RunChangesPanel;
class RunHistoryModel;

// The History tab: the project's recorded runs, newest first (RunHistoryStore in the source's Athanor home),
// listed off the GUI thread; opening one reads its event log (off-thread too) and hands it to the run view.
// Beside the list, how many runs of each stage are kept (older ones are removed as runs are recorded). Below
// it, what the selected Up / Destroy changed, per record (its before-images), with restore.
class RunHistoryTab : public QWidget {
    Q_OBJECT

public:
    RunHistoryTab(RunHistoryModel* model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    RunChangesPanel* runChanges() const { return m_runChanges; }
    void setAthanorHome(const QString& athanorHome) { m_athanorHome = athanorHome; }
    // The SourceSpec text of the state the runs changed (where their before-images are kept).
    void setStateSpec(const QString& stateSpec) { m_stateSpec = stateSpec; }
    // Lists the runs again (off-thread; loaded() when the list is shown). The selected run stays selected.
    void reload();
    // Reads the log of the entry in `row` off-thread, then pastRunOpened() (a warning names the file when it
    // cannot be read).
    void openLog(int row);
    // openLog() of the entry whose event log is `logFile`; false when it is not listed.
    bool openRunLog(const QString& logFile);
    QSpinBox* keepBox() const { return m_keep; }
    QString statusText() const;

signals:
    void pastRunOpened(const QString& title, const std::vector<athanor::EngineEvent>& events);
    // A record was restored to its state before a run.
    void restored();
    // The list (and the keep setting) read by the latest reload() is shown.
    void loaded();

private:
    struct Listing {
        std::vector<RunHistoryEntry> entries;
        int keep = 0;
        QString error;
    };
    struct OpenedLog {
        std::vector<athanor::EngineEvent> events;
        QString error;
    };
    void showListing(Listing listing);
    void applyKeep();

    RunHistoryModel* m_model;
    QTreeView* m_view;
    RunChangesPanel* m_runChanges;
    QSpinBox* m_keep;
    QLabel* m_status;
    QString m_athanorHome;
    QString m_stateSpec;
    int m_shownKeep = 0; // the setting as last read or written
    QString m_keepError; // why the last change of the setting failed
    LatestOnlyJob<Listing> m_listing;
    LatestOnlyJob<OpenedLog> m_logReader;
    LatestOnlyJob<QString> m_keepWriter; // the error, empty when the setting was written
};

} // namespace athanor::ui

#pragma once

#include "events/EngineEvent.h"

#include <QWidget>
#include <vector>

class QTreeView;

namespace athanor::ui {

class RunChangesPanel;
class RunHistoryModel;

// The History tab: every run of the project, newest first (RunHistoryStore in the source's Athanor home);
// opening one reads its event log and hands it to the run view. Below the list, what the selected Up /
// Destroy changed, per record (its before-images), with restore.
class RunHistoryTab : public QWidget {
    Q_OBJECT

public:
    RunHistoryTab(RunHistoryModel* model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    RunChangesPanel* runChanges() const { return m_runChanges; }
    void setAthanorHome(const QString& athanorHome) { m_athanorHome = athanorHome; }
    // The SourceSpec text of the state the runs changed (where their before-images are kept).
    void setStateSpec(const QString& stateSpec) { m_stateSpec = stateSpec; }
    void reload();
    // Reads the log of the entry in `row` (a warning names the file when it cannot be read).
    void openLog(int row);
    // openLog() of the entry whose event log is `logFile`; false when it is not listed.
    bool openRunLog(const QString& logFile);

signals:
    void pastRunOpened(const QString& title, const std::vector<athanor::EngineEvent>& events);
    // A record was restored to its state before a run.
    void restored();

private:
    RunHistoryModel* m_model;
    QTreeView* m_view;
    RunChangesPanel* m_runChanges;
    QString m_athanorHome;
    QString m_stateSpec;
};

} // namespace athanor::ui

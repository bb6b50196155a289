#pragma once

#include "events/EngineEvent.h"

#include <QWidget>
#include <vector>

class QTreeView;

namespace athanor::ui {

class RunHistoryModel;

// The History tab: every run of the project, newest first (RunHistoryStore in the source's Athanor home);
// opening one reads its event log and hands it to the run view.
class RunHistoryTab : public QWidget {
    Q_OBJECT

public:
    RunHistoryTab(RunHistoryModel* model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    void setAthanorHome(const QString& athanorHome) { m_athanorHome = athanorHome; }
    void reload();
    // Reads the log of the entry in `row` (a warning names the file when it cannot be read).
    void openLog(int row);
    // openLog() of the entry whose event log is `logFile`; false when it is not listed.
    bool openRunLog(const QString& logFile);

signals:
    void pastRunOpened(const QString& title, const std::vector<athanor::EngineEvent>& events);

private:
    RunHistoryModel* m_model;
    QTreeView* m_view;
    QString m_athanorHome;
};

} // namespace athanor::ui

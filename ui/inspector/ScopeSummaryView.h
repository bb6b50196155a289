#pragma once

#include "state/StateIndex.h"

#include <QPointer>
#include <QTextBrowser>

namespace athanor::ui {

class RunActivity;

// The page for an app, stage or scope: counts by status (runs taken into account) and by kind, what needs
// attention (failed in the last run with the error and its run, interrupted, unreadable) and what is running
// now, the pending deletions held by the scopes below, each with a link, and for a stage or scope that has
// one, a link to its own record.
class ScopeSummaryView : public QTextBrowser {
    Q_OBJECT
public:
    explicit ScopeSummaryView(QWidget* parent = nullptr);

    void setRunActivity(RunActivity* activity);
    void showNode(std::shared_ptr<const StateIndex> index, int32_t node);
    QString currentFqn() const { return m_fqn; }

signals:
    void fqnActivated(const QString& fqn); // a node's FQN or a pending deletion's key
    void recordRequested();                // "open the record" of the stage or scope shown
    void runLogRequested(const QString& logFile);

protected:
    void changeEvent(QEvent* event) override;

private:
    void render();

    std::shared_ptr<const StateIndex> m_index;
    QPointer<RunActivity> m_activity;
    int32_t m_node = -1;
    QString m_fqn;
};

} // namespace athanor::ui

#pragma once

#include <QObject>
#include <QPointer>

class QWidget;

namespace athanor::ui {

class RunController;
class RunSummaryWidget;

// Closing the window while a run is in flight: asks, cancels the run (no new resource starts) and closes the
// window once the running ones have ended, so no record is left half written.
class RunCloseGuard : public QObject {
    Q_OBJECT

public:
    RunCloseGuard(RunController* controller, RunSummaryWidget* summary, QObject* parent = nullptr);
    ~RunCloseGuard() override;

    void guard(QWidget* window);
    // The run ended: closes the window when the user asked to.
    void runFinished();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    RunController* m_controller;
    RunSummaryWidget* m_summary;
    QPointer<QWidget> m_window;
    bool m_closeAfterRun = false;
    bool m_promptOpen = false;
};

} // namespace athanor::ui

#include "deploy/RunCloseGuard.h"

#include "deploy/RunController.h"
#include "deploy/RunSummaryWidget.h"

#include <QCloseEvent>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QWidget>

namespace athanor::ui {

RunCloseGuard::RunCloseGuard(RunController* controller, RunSummaryWidget* summary, QObject* parent)
    : QObject(parent), m_controller(controller), m_summary(summary) {}

RunCloseGuard::~RunCloseGuard() {
    if (m_window)
        m_window->removeEventFilter(this);
}

void RunCloseGuard::guard(QWidget* window) {
    if (m_window)
        m_window->removeEventFilter(this);
    m_window = window;
    if (window)
        window->installEventFilter(this);
}

void RunCloseGuard::runFinished() {
    if (m_closeAfterRun && m_window) {
        m_closeAfterRun = false;
        QTimer::singleShot(0, m_window.data(), &QWidget::close);
    }
}

bool RunCloseGuard::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_window || event->type() != QEvent::Close || !m_controller->isRunning())
        return QObject::eventFilter(watched, event);
    event->ignore();
    if (m_closeAfterRun || m_promptOpen)
        return true;
    const auto& r = m_controller->currentRequest();
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("A run is in progress"),
                        tr("%1 is running on stage %2.\n\nCancel it and close the window once the resources "
                           "already running have ended? No new resource will start.")
                            .arg(phaseTitle(r.phase), r.stage),
                        QMessageBox::Yes | QMessageBox::No, m_window);
    box->setObjectName(QStringLiteral("closeDuringRun"));
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(tr("Cancel run and close"));
    box->button(QMessageBox::No)->setText(tr("Keep running"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_promptOpen = true;
    connect(box, &QMessageBox::finished, this, [this, box] {
        m_promptOpen = false;
        if (box->standardButton(box->clickedButton()) != QMessageBox::Yes || !m_controller->isRunning())
            return;
        m_closeAfterRun = true;
        m_controller->cancel();
        m_summary->showMessage(
            tr("Cancelling… the window closes as soon as the running resources have finished."),
            RunSummaryWidget::Tone::Warning);
    });
    box->open();
    return true;
}

} // namespace athanor::ui

#pragma once

#include "deploy/RunOutcome.h"

#include <QFrame>

class QLabel;

namespace athanor::ui {

// The banner above the run views: how the last run ended, in one sentence, with the first failing resource
// and its error pinned at the top (the root cause, not the cascade of "scope failed" that follows it), or
// who holds the stage lock.
class RunSummaryWidget : public QFrame {
    Q_OBJECT

public:
    explicit RunSummaryWidget(QWidget* parent = nullptr);

    void showOutcome(const RunOutcome& outcome);
    void showMessage(const QString& html, const QColor& accent);
    void clear();
    QString text() const; // plain text of what is shown (tests, accessibility)

signals:
    // The user clicked the pinned failing resource.
    void resourceActivated(const QString& fqn);

private:
    void setAccent(const QColor& accent);

    QLabel* m_icon;
    QLabel* m_label;
};

} // namespace athanor::ui

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
    // What the banner's colour says; the colour itself comes from the palette in use (theme switches follow).
    enum class Tone { Success, Warning, Danger, Muted };

    explicit RunSummaryWidget(QWidget* parent = nullptr);

    void showOutcome(const RunOutcome& outcome);
    void showMessage(const QString& html, Tone tone);
    void clear();
    QString text() const; // plain text of what is shown (tests, accessibility)
    Tone tone() const { return m_tone; }
    QColor accent() const; // the current tone's colour in the application palette

signals:
    // The user clicked the pinned failing resource.
    void resourceActivated(const QString& fqn);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTone();

    QLabel* m_icon;
    QLabel* m_label;
    Tone m_tone = Tone::Muted;
    bool m_applying = false;
};

} // namespace athanor::ui

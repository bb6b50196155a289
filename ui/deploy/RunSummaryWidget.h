#pragma once

#include "deploy/RunOutcome.h"

#include <QFrame>

class QLabel;
class QPushButton;

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
    // A follow-up the banner offers for what it shows ("Destroy with alchemy.run.ts", "Run with bun"): a
    // button beside the text, until the next outcome or message. Pressing it emits actionTriggered(id).
    void offerAction(const QString& id, const QString& text, const QString& toolTip = {});
    QPushButton* actionButton() const { return m_action; }
    QString actionId() const { return m_actionId; }
    QString text() const; // plain text of what is shown (tests, accessibility)
    Tone tone() const { return m_tone; }
    QColor accent() const; // the current tone's colour in the application palette

signals:
    // The user clicked the pinned failing resource.
    void resourceActivated(const QString& fqn);
    void actionTriggered(const QString& id);

protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyTone();

    QLabel* m_icon;
    QLabel* m_label;
    QPushButton* m_action;
    QString m_actionId;
    Tone m_tone = Tone::Muted;
    bool m_applying = false;
};

} // namespace athanor::ui

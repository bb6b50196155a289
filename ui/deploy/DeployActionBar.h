#pragma once

#include "lifecycle/Phase.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

class QAction;
class QCheckBox;
class QPushButton;
class QSpinBox;
class QWidget;

namespace athanor::ui {

// Everything the console's buttons depend on, gathered in one value so that what is available, and why not,
// is a pure function (DeployActionBar::whyNot) testable without a window.
struct DeployFacts {
    QString projectRoot; // empty: no project open
    bool readOnly = false;
    bool running = false;
    athanor::Phase runningPhase = athanor::Phase::Up;
    QString runningStage;
    bool runningProgram = false;
    bool cancelling = false;
    bool aborting = false;
    bool confirmationOpen = false; // a plan or destroy dialog waits for an answer
    bool checkingDestroy = false;  // the engine's destroy dry run is looking at the stage
    bool checkingLock = false;     // asking the source whether it can lock the stage
    QString stage;
    int resources = 0;    // the stage's resources in state
    bool program = false; // the dock runs the project's own Alchemy program
    QString stackFile;
    QString stackError;
    bool targetLoading = false; // the stack file or program is being looked for or read
};

// The console's commands: Plan / Up / Read / Destroy / Cancel as buttons and as window-wide QActions (with
// their shortcuts, for menus), the Force / Adopt / Parallel options, which of them can be used now and
// tooltips that say why not.
class DeployActionBar : public QObject {
    Q_OBJECT

public:
    // The widgets are children of `parent`; the shortcuts work anywhere in its window.
    explicit DeployActionBar(QWidget* parent);

    // Why `phase` cannot run with `facts`; empty when it can.
    static QString whyNot(athanor::Phase phase, const DeployFacts& facts);
    // Enables the buttons, actions and options, words their tooltips and the Cancel button.
    void update(const DeployFacts& facts);
    void setReadOnly(bool readOnly); // hides Up, Destroy, Force and Adopt

    QPushButton* planButton() const { return m_plan; }
    QPushButton* upButton() const { return m_up; }
    QPushButton* readButton() const { return m_read; }
    QPushButton* destroyButton() const { return m_destroy; }
    QPushButton* cancelButton() const { return m_cancel; }
    QList<QPushButton*> buttons() const { return {m_plan, m_up, m_read, m_destroy, m_cancel}; }
    QCheckBox* forceOption() const { return m_force; }
    QCheckBox* adoptOption() const { return m_adopt; }
    QSpinBox* parallelOption() const { return m_parallel; }
    QList<QAction*> commandActions() const;

signals:
    void planRequested();
    void upRequested();
    void readRequested();
    void destroyRequested();
    void cancelRequested();

private:
    QPushButton* makeButton(QWidget* parent, const QString& text, const QString& name,
                            const QKeySequence& key, void (DeployActionBar::*requested)());

    QCheckBox* m_force;
    QCheckBox* m_adopt;
    QSpinBox* m_parallel;
    QPushButton* m_plan;
    QPushButton* m_up;
    QPushButton* m_read;
    QPushButton* m_destroy;
    QPushButton* m_cancel;
    QHash<QPushButton*, QAction*> m_actions; // the same commands for menus and shortcuts
};

} // namespace athanor::ui

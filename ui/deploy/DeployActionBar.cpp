#include "deploy/DeployActionBar.h"

#include "deploy/RunOutcome.h"
#include "lifecycle/Phase.h"
#include "widgets/ThemeColors.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QKeySequence>
#include <QPushButton>
#include <QSpinBox>

namespace athanor::ui {

using athanor::Phase;

namespace {

QString shortcutHint(const QKeySequence& seq) {
    return QStringLiteral(" (%1)").arg(seq.toString(QKeySequence::NativeText));
}

} // namespace

DeployActionBar::DeployActionBar(QWidget* parent) : QObject(parent) {
    m_force = new QCheckBox(tr("Force"), parent);
    m_force->setObjectName(QStringLiteral("forceOption"));
    m_force->setToolTip(tr("Update every resource even when its props are unchanged"));
    m_adopt = new QCheckBox(tr("Adopt"), parent);
    m_adopt->setObjectName(QStringLiteral("adoptOption"));
    m_adopt->setToolTip(tr("Let providers take over objects that already exist instead of failing"));
    m_parallel = new QSpinBox(parent);
    m_parallel->setObjectName(QStringLiteral("parallelOption"));
    m_parallel->setRange(1, 64);
    m_parallel->setValue(kDefaultParallel);
    m_parallel->setToolTip(tr("How many independent resources are applied or destroyed at once"));

    m_plan = makeButton(parent, tr("Plan"), QStringLiteral("planButton"), QKeySequence(Qt::Key_F6),
                        &DeployActionBar::planRequested);
    m_up = makeButton(parent, tr("Up"), QStringLiteral("upButton"), QKeySequence(Qt::Key_F7),
                      &DeployActionBar::upRequested);
    m_read = makeButton(parent, tr("Read"), QStringLiteral("readButton"), QKeySequence(Qt::Key_F8),
                        &DeployActionBar::readRequested);
    m_destroy = makeButton(parent, tr("Destroy…"), QStringLiteral("destroyButton"), QKeySequence(Qt::Key_F9),
                           &DeployActionBar::destroyRequested);
    m_cancel = makeButton(parent, tr("Cancel run"), QStringLiteral("cancelButton"),
                          QKeySequence(Qt::CTRL | Qt::Key_Period), &DeployActionBar::cancelRequested);
    const ThemeColors colors(parent->palette());
    m_up->setStyleSheet(QStringLiteral("QPushButton:enabled { font-weight: bold; }"));
    m_destroy->setStyleSheet(
        QStringLiteral("QPushButton:enabled { color: %1; }").arg(colors.danger().name()));
}

QPushButton* DeployActionBar::makeButton(QWidget* parent, const QString& text, const QString& name,
                                         const QKeySequence& key, void (DeployActionBar::*requested)()) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAutoDefault(false);
    connect(b, &QPushButton::clicked, this, requested);
    // Window-wide shortcuts: the console is usually docked, the focus is usually in the tree.
    auto* action = new QAction(text, parent);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WindowShortcut);
    connect(action, &QAction::triggered, b, [b] {
        if (!b->isHidden() && b->isEnabled())
            b->click();
    });
    parent->addAction(action);
    m_actions.insert(b, action);
    b->setProperty("shortcutHint", shortcutHint(key));
    return b;
}

QList<QAction*> DeployActionBar::commandActions() const {
    return {m_actions.value(m_plan), m_actions.value(m_up), m_actions.value(m_read),
            m_actions.value(m_destroy), m_actions.value(m_cancel)};
}

void DeployActionBar::setReadOnly(bool readOnly) {
    m_up->setVisible(!readOnly);
    m_destroy->setVisible(!readOnly);
    m_force->setVisible(!readOnly);
    m_adopt->setVisible(!readOnly);
}

QString DeployActionBar::whyNot(Phase phase, const DeployFacts& f) {
    if (f.projectRoot.isEmpty())
        return tr("Open a project folder first.");
    if (f.readOnly && (phase == Phase::Up || phase == Phase::Destroy))
        return tr("Athanor runs read-only (--read-only).");
    if (f.running)
        return tr("%1 is running on stage %2; wait for it or cancel it.")
            .arg(phaseTitle(f.runningPhase), f.runningStage);
    if (f.confirmationOpen)
        return tr("Answer the open confirmation first.");
    if (f.checkingDestroy)
        return tr("Checking what Destroy would delete on stage %1…").arg(f.stage);
    if (f.checkingLock)
        return tr("Checking whether the source can lock stage %1…").arg(f.stage);
    if (f.targetLoading)
        return tr("Reading the stack file or program…");
    if (f.stage.isEmpty())
        return tr("Choose a stage.");
    if (f.program && phase == Phase::Plan)
        return tr("Alchemy has no dry run: Up runs the program as `alchemy deploy` does.");
    if (phase != Phase::Destroy && !f.program) {
        if (f.stackFile.isEmpty())
            return tr("No stack file or Alchemy program: add alchemy.stack.json or alchemy.run.ts to %1, or "
                      "choose one.")
                .arg(QDir::toNativeSeparators(f.projectRoot));
        if (!f.stackError.isEmpty())
            return tr("The stack file cannot be used: %1").arg(f.stackError);
    }
    if (phase == Phase::Read && f.resources == 0)
        return tr("Nothing deployed to stage %1 yet: run Up first.").arg(f.stage);
    if (phase == Phase::Destroy && f.resources == 0)
        return tr("Stage %1 has nothing in state to destroy.").arg(f.stage);
    return {};
}

void DeployActionBar::update(const DeployFacts& f) {
    struct Item {
        QPushButton* button;
        Phase phase;
        QString what;
    };
    const Item items[] = {
        {m_plan, Phase::Plan, tr("Show what Up would change, without changing anything")},
        {m_up, Phase::Up, tr("Create and update what the stack declares (shows the plan first)")},
        {m_read, Phase::Read, tr("Read every declared resource's outputs from state")},
        {m_destroy, Phase::Destroy, tr("Delete everything in the stage (asks for the stage name)")},
    };
    for (const Item& it : items) {
        const QString why = whyNot(it.phase, f);
        it.button->setEnabled(why.isEmpty());
        it.button->setToolTip((why.isEmpty() ? it.what : why) +
                              it.button->property("shortcutHint").toString());
    }
    m_cancel->setEnabled(f.running && !f.aborting);
    m_cancel->setText(f.cancelling ? tr("Stop now") : tr("Cancel run"));
    for (auto it = m_actions.cbegin(); it != m_actions.cend(); ++it) {
        it.value()->setText(it.key()->text());
        it.value()->setEnabled(it.key()->isEnabled());
        it.value()->setVisible(!it.key()->isHidden());
    }
    m_cancel->setToolTip(
        (!f.running   ? tr("Nothing is running.")
         : f.aborting ? tr("Stopping: the running commands are being killed.")
         : f.runningProgram
             ? (f.cancelling
                    ? tr("The program got SIGINT and is finishing its cleanups. Stop now kills it and "
                         "everything it started (SIGKILL to its process group).")
                    : tr("Send SIGINT to the program: Alchemy stops after its cleanups"))
         : f.cancelling ? tr("Cancelling: waiting for the running resources to finish. Stop now kills them; "
                             "their records stay \"creating\"/\"updating\" and the next Up resumes them.")
                        : tr("Stop starting new resources; the run ends once the running ones have ended")) +
        m_cancel->property("shortcutHint").toString());
    for (QWidget* w :
         {static_cast<QWidget*>(m_force), static_cast<QWidget*>(m_adopt), static_cast<QWidget*>(m_parallel)})
        w->setEnabled(!f.running);
}

} // namespace athanor::ui

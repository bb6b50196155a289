#include "repair/RepairMenu.h"

#include "models/StateTreeModel.h"
#include "models/StatusCategory.h"
#include "repair/RecordRepairDialogs.h"
#include "repair/RecordRepairs.h"
#include "repair/RepairPreview.h"
#include "repair/RepairWrite.h"
#include "repair/VersionRepairs.h"
#include "state/StateSession.h"

#include <QAbstractItemView>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QMenu>
#include <QMessageBox>
#include <QtConcurrent>

namespace athanor::ui {

namespace {

// More records than this make a forget "dangerous": the stage name must be typed (as athanorctl asks).
constexpr size_t kManyRecords = 5;

struct Planned {
    std::shared_ptr<athanor::RepairPlan> plan;
    std::string error;
};

} // namespace

RepairMenu::RepairMenu(QAbstractItemView* tree, StateSession* session, QWidget* dialogParent)
    : QObject(tree), m_tree(tree), m_session(session), m_dialogParent(dialogParent) {
    m_confirm = [this](const QString& title, const QString& preview, const QString& typeName) {
        if (!typeName.isEmpty()) {
            bool ok = false;
            const QString typed = QInputDialog::getText(
                m_dialogParent, tr("Repair state"),
                tr("%1\n\n%2\nType the stage name %3 to confirm:").arg(title, preview, typeName),
                QLineEdit::Normal, QString(), &ok);
            return ok && typed == typeName;
        }
        return confirmationBox(m_dialogParent, title, preview)->exec() == QMessageBox::AcceptRole;
    };
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        const QModelIndex index = m_tree->indexAt(at);
        if (!index.isValid())
            return;
        QMenu* menu = menuFor(index, m_tree);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_tree->viewport()->mapToGlobal(at));
    });
}

std::unique_ptr<QMessageBox> RepairMenu::confirmationBox(QWidget* parent, const QString& title,
                                                         const QString& preview) {
    auto box = std::make_unique<QMessageBox>(QMessageBox::Question, tr("Repair state"), title,
                                             QMessageBox::Cancel, parent);
    box->setObjectName(QStringLiteral("repairConfirmation"));
    // The preview is what athanorctl prints: aligned columns, so a fixed-width font.
    box->setInformativeText(QStringLiteral("<pre>%1</pre>").arg(preview.toHtmlEscaped()));
    box->addButton(tr("Write"), QMessageBox::AcceptRole);
    return box;
}

QMenu* RepairMenu::menuFor(const QModelIndex& index, QWidget* parent) {
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("repairMenu"));
    const QList<QAction*> actions = actionsFor(index, menu);
    for (QAction* action : actions) {
        if (action->objectName() == QLatin1String("undoRepair"))
            menu->addSeparator();
        menu->addAction(action);
    }
    return menu;
}

QList<QAction*> RepairMenu::actionsFor(const QModelIndex& index, QObject* owner) {
    QList<QAction*> actions;
    const QString fqn = index.data(StateTreeModel::FqnRole).toString();
    const int pendingEntry = index.data(StateTreeModel::PendingEntryRole).toInt();
    const auto status = StatusCategory(index.data(StateTreeModel::StatusRole).toInt());
    const bool readOnly = !m_session || !m_session->source();
    const std::string path = fqn.toStdString();

    if (index.isValid() && pendingEntry >= 0 && index.data(StateTreeModel::NodeKindRole).toInt() == -1) {
        // A pending deletion row: its holder is the parent row.
        const std::string holder = index.parent().data(StateTreeModel::FqnRole).toString().toStdString();
        auto* drop = new QAction(tr("Drop Pending Deletion…"), owner);
        drop->setObjectName(QStringLiteral("dropPending"));
        drop->setToolTip(tr("Forget this replaced copy without deleting it (state pending drop)"));
        drop->setEnabled(!readOnly);
        connect(drop, &QAction::triggered, this, [this, holder, pendingEntry] {
            run(tr("Drop pending deletion"), [holder, pendingEntry](athanor::RepairSource& source) {
                return athanor::planPendingDrop(source, holder, size_t(pendingEntry));
            });
        });
        actions.append(drop);
    } else if (!fqn.isEmpty()) {
        auto* settle = new QAction(tr("Settle as Created…"), owner);
        settle->setObjectName(QStringLiteral("settleRecord"));
        settle->setToolTip(tr("Mark a record left creating or updating by a cancelled or crashed run as "
                              "Alchemy's success write would (drops oldProps); the resource is not checked"));
        settle->setEnabled(isInterrupted(status) && !readOnly);
        connect(settle, &QAction::triggered, this, [this, path] {
            run(tr("Settle record"), [path](athanor::RepairSource& source) {
                return athanor::planSetStatus(source, path, athanor::ResourceStatus::Created);
            });
        });
        const int kind = index.data(StateTreeModel::NodeKindRole).toInt();
        const bool isResource = kind == int(SnapshotNodeKind::Resource);
        const bool isScope = !isResource;
        auto* move = new QAction(tr("Move/Rename…"), owner);
        move->setObjectName(QStringLiteral("moveRecord"));
        move->setToolTip(tr("Give the record a new id or scope; nested records follow (state mv)"));
        move->setEnabled(!readOnly && isResource);
        connect(move, &QAction::triggered, this,
                [this, fqn] { openDialog(new MoveRecordDialog(m_session, this, fqn, m_dialogParent)); });
        auto* forget = new QAction(tr("Forget…"), owner);
        forget->setObjectName(QStringLiteral("forgetRecord"));
        forget->setToolTip(tr("Remove the record (and, if asked, what is nested in it) from state; the real "
                              "resources stay (state rm)"));
        forget->setEnabled(!readOnly);
        connect(forget, &QAction::triggered, this, [this, fqn, isScope] {
            openDialog(new ForgetRecordDialog(m_session, this, fqn, isScope, m_dialogParent));
        });
        auto* edit = new QAction(tr("Edit Record…"), owner);
        edit->setObjectName(QStringLiteral("editRecord"));
        edit->setToolTip(tr("Edit the record's JSON; validated before anything is written (state edit)"));
        edit->setEnabled(!readOnly && (isResource || kind == int(SnapshotNodeKind::Stage)));
        connect(edit, &QAction::triggered, this, [this, fqn] {
            openDialog(new EditRecordDialog(m_session, this, m_vault, fqn, m_dialogParent));
        });
        actions << settle << move << forget << edit;
        if (kind == int(SnapshotNodeKind::Stage)) {
            const QStringList parts = fqn.split(QLatin1Char('/'));
            auto* unlock = new QAction(tr("Release Stage Lock…"), owner);
            unlock->setObjectName(QStringLiteral("releaseStageLock"));
            unlock->setToolTip(tr("Force-release the stage's lock left by a run, naming its holder "
                                  "(state unlock)"));
            unlock->setEnabled(!readOnly && parts.size() == 2);
            connect(unlock, &QAction::triggered, this, [this, parts] {
                releaseStageLock(parts.value(0).toStdString(), parts.value(1).toStdString());
            });
            actions.append(unlock);
        }
    }
    auto* undo = new QAction(tr("Undo Last Repair…"), owner);
    undo->setObjectName(QStringLiteral("undoRepair"));
    undo->setEnabled(!readOnly);
    connect(undo, &QAction::triggered, this, [this] {
        run(tr("Undo last repair"),
            [](athanor::RepairSource& source) { return athanor::planUndo(source, false); });
    });
    actions.append(undo);
    return actions;
}

void RepairMenu::releaseStageLock(const std::string& app, const std::string& stage) {
    if (!m_session || !m_session->source())
        return;
    const std::shared_ptr<athanor::StateSource> stateSource = m_session->source();
    struct Holder {
        std::optional<athanor::StageLockInfo> info;
        QString error;
    };
    const QString stageName = QString::fromStdString(app + "/" + stage);
    auto* watcher = new QFutureWatcher<Holder>(this);
    connect(watcher, &QFutureWatcher<Holder>::finished, this,
            [this, watcher, stateSource, app, stage, stageName] {
                watcher->deleteLater();
                const Holder holder = watcher->result();
                QString refusal = holder.error;
                if (refusal.isEmpty() && !holder.info)
                    refusal = tr("Stage %1 is not locked.").arg(stageName);
                if (!refusal.isEmpty()) {
                    QMessageBox::information(m_dialogParent, tr("Release stage lock"), refusal);
                    emit failed(refusal);
                    return;
                }
                const athanor::StageLockInfo info = *holder.info;
                const QString title = tr("Release the lock of stage %1, held by %2?")
                                          .arg(stageName, QString::fromStdString(info.describe()));
                const QString detail =
                    tr("lock %1\n%2")
                        .arg(QString::fromStdString(info.where),
                             info.processGoneHere ? tr("That process no longer exists on this host.")
                                                  : tr("Unless that process is gone, releasing its lock lets "
                                                       "a second writer in while it "
                                                       "still writes."));
                if (!m_confirm(title, detail, QString::fromStdString(stage)))
                    return;
                auto* release = new QFutureWatcher<QString>(this);
                connect(release, &QFutureWatcher<QString>::finished, this, [this, release, stageName] {
                    release->deleteLater();
                    const QString error = release->result();
                    if (!error.isEmpty()) {
                        QMessageBox::warning(m_dialogParent, tr("Release stage lock"), error);
                        emit failed(error);
                        return;
                    }
                    emit done(tr("released the lock of stage %1").arg(stageName));
                });
                release->setFuture(QtConcurrent::run([stateSource, app, stage, info]() -> QString {
                    try {
                        athanor::RepairSource source(stateSource);
                        if (!source.breakStageLock(app, stage, info))
                            return tr("The lock changed hands meanwhile; it was left in place.");
                        return {};
                    } catch (const std::exception& e) {
                        return QString::fromStdString(e.what());
                    }
                }));
            });
    watcher->setFuture(QtConcurrent::run([stateSource, app, stage]() -> Holder {
        Holder out;
        try {
            athanor::RepairSource source(stateSource);
            if (!source.keepsStageLocks()) {
                out.error = tr("There is no lock of stage %1 to release: %2. Runs and repairs there ask "
                               "before they write without one.")
                                .arg(QString::fromStdString(app + "/" + stage),
                                     QString::fromStdString(stateSource->stageLockSupport().reason));
                return out;
            }
            out.info = source.stageLockHolder(app, stage);
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void RepairMenu::openDialog(QDialog* dialog) {
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void RepairMenu::apply(const athanor::RepairPlan& plan) {
    if (!m_session || !m_session->source())
        return;
    const std::shared_ptr<athanor::StateSource> stateSource = m_session->source();
    writeRepair(
        this, m_dialogParent, [stateSource] { return std::make_shared<athanor::RepairSource>(stateSource); },
        [plan](athanor::RepairSource&) { return plan; },
        [this](const RepairWriteResult& result) {
            if (result.end == RepairWriteResult::End::Declined) {
                emit failed(result.message); // the user's answer: no warning on top of it
                return;
            }
            if (m_session)
                m_session->reload();
            if (result.end == RepairWriteResult::End::Failed) {
                QMessageBox::warning(m_dialogParent, tr("Repair state"), result.message);
                emit failed(result.message);
                return;
            }
            emit done(result.title);
        });
}

void RepairMenu::applyThen(const athanor::RepairPlan& plan, QObject* context, std::function<void()> onWritten,
                           std::function<void(const QString& message)> onFailed) {
    const std::string title = plan.title;
    auto* answer = new QObject(context); // the connections below live until this write is answered
    connect(this, &RepairMenu::done, answer, [this, answer, title, onWritten](const QString& doneTitle) {
        if (doneTitle.toStdString() != title)
            return; // another repair's answer
        disconnect(this, nullptr, answer, nullptr);
        answer->deleteLater();
        onWritten();
    });
    connect(this, &RepairMenu::failed, answer, [this, answer, onFailed](const QString& message) {
        disconnect(this, nullptr, answer, nullptr);
        answer->deleteLater();
        onFailed(message);
    });
    apply(plan);
}

void RepairMenu::run(const QString& what,
                     std::function<athanor::RepairPlan(athanor::RepairSource&)> planner) {
    if (!m_session || !m_session->source())
        return;
    const std::shared_ptr<athanor::StateSource> stateSource = m_session->source();
    auto* watcher = new QFutureWatcher<Planned>(this);
    connect(watcher, &QFutureWatcher<Planned>::finished, this, [this, watcher, what, stateSource] {
        watcher->deleteLater();
        const Planned planned = watcher->result();
        if (!planned.error.empty()) {
            const QString message = QString::fromStdString(planned.error);
            QMessageBox::warning(m_dialogParent, what, message);
            emit failed(message);
            return;
        }
        const athanor::RepairPlan& plan = *planned.plan;
        const auto stages = plan.stages();
        const QString typeName = plan.removals() > kManyRecords && stages.size() == 1
                                     ? QString::fromStdString(stages.front().second)
                                     : QString();
        const QString title =
            QString::fromStdString(plan.title) +
            (plan.undoes.empty() ? tr(" — writes %n record(s); Undo Last Repair takes it back.", nullptr,
                                      int(plan.changes.size()))
                                 : tr(" — writes %n record(s).", nullptr, int(plan.changes.size())));
        if (!m_confirm(title, QString::fromStdString(athanor::previewText(plan)), typeName))
            return;
        apply(plan);
    });
    watcher->setFuture(QtConcurrent::run([stateSource, planner]() -> Planned {
        Planned out;
        try {
            athanor::RepairSource source(stateSource);
            out.plan = std::make_shared<athanor::RepairPlan>(planner(source));
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        return out;
    }));
}

} // namespace athanor::ui

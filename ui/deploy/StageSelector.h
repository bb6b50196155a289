#pragma once

#include "snapshot/StateSnapshot.h"

#include <QObject>
#include <QStringList>
#include <memory>
#include <vector>

class QComboBox;
class QWidget;

namespace athanor::ui {

// The deploy console's stage list: the stages the snapshot holds (of the stack's app, when known), stages
// created with "New stage…", the stage the CLI would pick when nothing is deployed yet; an existing stage is
// preferred to an automatic new one.
class StageSelector : public QObject {
    Q_OBJECT

public:
    struct Entry {
        QString app;
        QString stage;
        int resources = 0; // a child scope's or stage's own record is no resource
        int secrets = 0;
    };

    // The combo box is a child of `parent`, which also parents the "New stage" prompt.
    explicit StageSelector(QWidget* parent);

    QComboBox* comboBox() const { return m_combo; }
    // Another project (empty: none): forgets its stages, new stages and choice; rebuild() shows the new ones.
    void setProject(const QString& root);
    // The stack file's app: only its stages are listed, a new stage belongs to it. Empty: every app.
    void setStackApp(const QString& app) { m_stackApp = app; }
    void setSnapshot(std::shared_ptr<const athanor::StateSnapshot> snapshot);
    // The source's first snapshot is still being read: the stage guessed meanwhile is not called new.
    void setLoading(bool loading);
    const std::shared_ptr<const athanor::StateSnapshot>& snapshot() const { return m_snapshot; }
    void rebuild();
    // Selects `stage`, adding it as a new stage when the state does not hold it.
    void setStage(const QString& stage);
    QString stage() const;
    QString app() const;
    const Entry* currentEntry() const;

    // The resource records of app/stage in the snapshot, in the engine's order (highest seq first, nested
    // children before their owner); scope records left out.
    static std::vector<const athanor::SnapshotRecord*>
    stageResources(const athanor::StateSnapshot& snapshot, const QString& app, const QString& stage);

signals:
    // The selection or the list changed (the console's buttons follow).
    void selectionChanged();
    void stagesChanged();

private:
    void onActivated(int index);

    QWidget* m_parent;
    QComboBox* m_combo;
    QString m_root;
    QString m_stackApp;
    std::shared_ptr<const athanor::StateSnapshot> m_snapshot;
    std::vector<Entry> m_stages;
    QStringList m_newStages; // created with "New stage…", not in state yet
    bool m_loading = false;
    QString m_wantedStage;
};

} // namespace athanor::ui

#pragma once

#include <QObject>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace athanor::ui {

class DetailsPane;
class RepairMenu;
class ScopeTreeView;
class StateSession;
class StateTreeModel;
struct StateIndex;

// Keeps the details pane on the tree's selection: the selected node (its record, or a scope's or stage's
// summary) or pending deletion, with the repair bar's actions for that row (RepairMenu::actionsFor()). While
// a staged load reads records, a selected record not read yet is asked for first and shown with its batch.
class DetailsPresenter : public QObject {
    Q_OBJECT
public:
    DetailsPresenter(ScopeTreeView* tree, StateTreeModel* model, DetailsPane* details, RepairMenu* repairs,
                     StateSession* session, QObject* parent);

    // Shows the selection in `index` (a new or completed snapshot; the same record reloads only if its file
    // changed). False, and nothing done, when the selection is not in it.
    bool showSelection(const std::shared_ptr<const StateIndex>& index);
    // A staged load's batch: the selection is shown if its record came with it.
    void recordsLoaded(const std::shared_ptr<const StateIndex>& index, const std::vector<int32_t>& nodes);

signals:
    void selectedFqnChanged(const QString& fqn);

private:
    void onSelectionChanged(const QString& fqn);
    void show(const std::shared_ptr<const StateIndex>& index, const QString& key);

    ScopeTreeView* m_tree;
    StateTreeModel* m_model;
    DetailsPane* m_details;
    RepairMenu* m_repairs;
    StateSession* m_session;
};

} // namespace athanor::ui

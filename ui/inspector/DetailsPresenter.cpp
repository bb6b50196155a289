#include "inspector/DetailsPresenter.h"

#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"
#include "models/StateTreeModel.h"
#include "repair/RepairMenu.h"
#include "state/StateSession.h"

#include <algorithm>

namespace athanor::ui {

DetailsPresenter::DetailsPresenter(ScopeTreeView* tree, StateTreeModel* model, DetailsPane* details,
                                   RepairMenu* repairs, StateSession* session, QObject* parent)
    : QObject(parent), m_tree(tree), m_model(model), m_details(details), m_repairs(repairs),
      m_session(session) {
    connect(tree, &ScopeTreeView::currentFqnChanged, this, &DetailsPresenter::onSelectionChanged);
}

bool DetailsPresenter::showSelection(const std::shared_ptr<const StateIndex>& index) {
    const QString current = m_tree->currentFqn();
    if (StateTreeModel::nodeForKey(*index, current) <= 0)
        return false;
    show(index, current);
    return true;
}

void DetailsPresenter::recordsLoaded(const std::shared_ptr<const StateIndex>& index,
                                     const std::vector<int32_t>& nodes) {
    // The selection waited for its record: show it now, as it shows once everything is loaded.
    const QString current = m_tree->currentFqn();
    if (const int32_t node = StateTreeModel::nodeForKey(*index, current);
        node > 0 && std::find(nodes.begin(), nodes.end(), node) != nodes.end())
        show(index, current);
}

void DetailsPresenter::onSelectionChanged(const QString& fqn) {
    if (const auto index = m_model->stateIndex(); index && index->loading())
        if (const int32_t node = StateTreeModel::nodeForKey(*index, fqn);
            node > 0 && !index->isRecordLoaded(node))
            m_session->readRecordFirst(node); // its details follow with its batch (recordsLoaded)
    show(m_model->stateIndex(), fqn);
    emit selectedFqnChanged(fqn);
}

void DetailsPresenter::show(const std::shared_ptr<const StateIndex>& index, const QString& key) {
    if (!index) {
        m_details->clear();
        return;
    }
    QString holder;
    int entry = -1;
    if (!index->nodeByFqn.contains(key) && StateTreeModel::parsePendingKey(key, &holder, &entry))
        m_details->showPendingDeletion(index, index->nodeByFqn.value(holder, -1), entry);
    else
        m_details->showNode(index, index->nodeByFqn.value(key, -1));
    const QModelIndex row = m_model->indexForFqn(key);
    m_details->setRepairActions(row.isValid() ? m_repairs->actionsFor(row, m_details) : QList<QAction*>());
}

} // namespace athanor::ui

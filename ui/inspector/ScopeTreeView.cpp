#include "inspector/ScopeTreeView.h"

#include "models/StateFilterProxyModel.h"
#include "models/StateTreeModel.h"
#include "widgets/StatusBadgeDelegate.h"

#include <QHeaderView>
#include <QResizeEvent>
#include <QScrollBar>
#include <algorithm>
#include <functional>

namespace athanor::ui {

ScopeTreeView::ScopeTreeView(StateTreeModel* model, StateFilterProxyModel* proxy, QWidget* parent)
    : QTreeView(parent), m_model(model), m_proxy(proxy) {
    setObjectName(QStringLiteral("scopeTree"));
    setModel(proxy);
    setUniformRowHeights(true); // lets a 10,000-row stage scroll without measuring every row
    setSortingEnabled(true);
    sortByColumn(StateTreeModel::NameColumn, Qt::AscendingOrder);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setItemDelegateForColumn(StateTreeModel::StatusColumn, new StatusBadgeDelegate(this));
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(StateTreeModel::NameColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(StateTreeModel::KindColumn, QHeaderView::Interactive);
    header()->setSectionResizeMode(StateTreeModel::StatusColumn, QHeaderView::Interactive);
    header()->resizeSection(StateTreeModel::KindColumn, m_preferredKindWidth);
    header()->resizeSection(StateTreeModel::StatusColumn, m_preferredStatusWidth);
    connect(header(), &QHeaderView::sectionResized, this, [this](int section, int, int size) {
        if (m_fitting)
            return;
        if (section == StateTreeModel::KindColumn)
            m_preferredKindWidth = size;
        else if (section == StateTreeModel::StatusColumn)
            m_preferredStatusWidth = size;
    });
    // A new filter result opens the way to its matches (a live reload keeps doing it while filtering).
    connect(m_proxy, &StateFilterProxyModel::matchCountChanged, this, &ScopeTreeView::expandToMatches);
    connect(selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        emit currentFqnChanged(current.data(StateTreeModel::FqnRole).toString());
    });
}

void ScopeTreeView::dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                                const QList<int>& roles) {
    // A staged load fills in thousands of rows per batch (StateTreeModel::recordsLoaded). QTreeView finds the
    // rectangle of every row of such a range by a linear search of its rows, quadratic in the range (seconds
    // for a stage of 80,000): repainting what is visible is all a range of that size needs. The rows keep
    // their heights (uniform) and their children (those change only by inserts and removals).
    constexpr int kLargeRange = 256;
    if (bottomRight.row() - topLeft.row() > kLargeRange) {
        viewport()->update();
        return;
    }
    QTreeView::dataChanged(topLeft, bottomRight, roles);
}

void ScopeTreeView::resizeEvent(QResizeEvent* event) {
    QTreeView::resizeEvent(event);
    fitColumns();
}

void ScopeTreeView::fitColumns() {
    constexpr int kMinName = 180, kMinKind = 80, kMinStatus = 90;
    const int available = viewport()->width();
    int kind = m_preferredKindWidth, status = m_preferredStatusWidth;
    const int room = available - kMinName;
    if (kind + status > room) {
        // Shrink both in proportion, never below their floors (the view scrolls sideways below that).
        const int total = std::max(1, kind + status);
        kind = std::max(kMinKind, room * kind / total);
        status = std::max(kMinStatus, room - kind);
    }
    m_fitting = true;
    if (header()->sectionSize(StateTreeModel::KindColumn) != kind)
        header()->resizeSection(StateTreeModel::KindColumn, kind);
    if (header()->sectionSize(StateTreeModel::StatusColumn) != status)
        header()->resizeSection(StateTreeModel::StatusColumn, status);
    m_fitting = false;
}

QString ScopeTreeView::currentFqn() const {
    return currentIndex().data(StateTreeModel::FqnRole).toString();
}

void ScopeTreeView::collectExpanded(const QModelIndex& parent, QSet<QString>& out) const {
    const int rows = m_proxy->rowCount(parent);
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = m_proxy->index(row, 0, parent);
        if (isExpanded(child)) {
            out.insert(child.data(StateTreeModel::FqnRole).toString());
            collectExpanded(child, out);
        }
    }
}

ScopeTreeView::ViewState ScopeTreeView::saveViewState() const {
    ViewState state;
    state.valid = true;
    state.current = currentFqn();
    collectExpanded({}, state.expanded);
    state.scroll = verticalScrollBar()->value();
    return state;
}

QModelIndex ScopeTreeView::proxyIndexFor(const QString& fqn) const {
    const QModelIndex source = m_model->indexForFqn(fqn);
    return source.isValid() ? m_proxy->mapFromSource(source) : QModelIndex();
}

void ScopeTreeView::restoreViewState(const ViewState& state) {
    if (!state.valid)
        return;
    for (const QString& fqn : state.expanded) {
        const QModelIndex index = proxyIndexFor(fqn);
        if (index.isValid())
            expand(index);
    }
    if (!state.current.isEmpty()) {
        // The record may be gone (deleted by a run): fall back to its closest surviving ancestor.
        QString fqn = state.current;
        QModelIndex index = proxyIndexFor(fqn);
        while (!index.isValid() && fqn.contains(QLatin1Char('/'))) {
            fqn = fqn.left(fqn.lastIndexOf(QLatin1Char('/')));
            index = proxyIndexFor(fqn);
        }
        if (index.isValid()) {
            const QSignalBlocker block(selectionModel());
            selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
        }
        if (fqn != state.current || !index.isValid())
            emit currentFqnChanged(index.isValid() ? fqn : QString());
    }
    verticalScrollBar()->setValue(state.scroll);
}

bool ScopeTreeView::selectFqn(const QString& fqn) {
    const QModelIndex index = proxyIndexFor(fqn);
    if (!index.isValid())
        return false;
    for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
        expand(p);
    selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
    return true;
}

bool ScopeTreeView::selectNextMatch(bool forward) {
    if (!m_proxy->isFiltering())
        return false;
    // Depth-first order of the filtered tree; wrap around from the current node.
    QList<QModelIndex> order;
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        const int rows = m_proxy->rowCount(parent);
        for (int row = 0; row < rows; ++row) {
            const QModelIndex child = m_proxy->index(row, 0, parent);
            if (m_proxy->matchesDirectly(m_proxy->mapToSource(child)))
                order << child;
            walk(child);
        }
    };
    walk({});
    if (order.isEmpty())
        return false;
    const QModelIndex current = currentIndex().siblingAtColumn(0);
    qsizetype at = order.indexOf(current);
    if (at < 0) {
        at = forward ? 0 : order.size() - 1;
    } else {
        at = forward ? (at + 1) % order.size() : (at - 1 + order.size()) % order.size();
    }
    const QModelIndex target = order.at(at);
    for (QModelIndex p = target.parent(); p.isValid(); p = p.parent())
        expand(p);
    selectionModel()->setCurrentIndex(target,
                                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    scrollTo(target, QAbstractItemView::PositionAtCenter);
    return true;
}

void ScopeTreeView::expandToMatches() {
    if (!m_proxy->isFiltering())
        return;
    constexpr int kMaxExpanded = 2000; // beyond that, F3 walks to the rest
    int expanded = 0;
    // The filtered tree holds only matches and their ancestors: walk it, open each match's parents.
    std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
        const int rows = m_proxy->rowCount(parent);
        for (int row = 0; row < rows && expanded < kMaxExpanded; ++row) {
            const QModelIndex child = m_proxy->index(row, 0, parent);
            if (m_proxy->matchesDirectly(m_proxy->mapToSource(child))) {
                ++expanded;
                for (QModelIndex p = parent; p.isValid(); p = p.parent())
                    if (!isExpanded(p))
                        expand(p);
            }
            walk(child);
        }
    };
    walk({});
}

void ScopeTreeView::expandTopLevels() {
    const int apps = m_proxy->rowCount();
    for (int a = 0; a < apps; ++a) {
        const QModelIndex app = m_proxy->index(a, 0);
        expand(app);
        const int stages = m_proxy->rowCount(app);
        if (m_proxy->rowCount() * stages <= 12)
            for (int s = 0; s < stages; ++s)
                expand(m_proxy->index(s, 0, app));
    }
}

} // namespace athanor::ui

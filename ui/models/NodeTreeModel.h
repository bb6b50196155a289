#pragma once

#include <QAbstractItemModel>

namespace athanor::ui {

// The index plumbing of a model over a tree of nodes that own their children: Derived has a nested `Node`
// with `parent`, `row` and `children` (std::vector<std::unique_ptr<Node>>) and a member `m_root` whose
// children are the top-level rows; the root itself is invisible. Derived befriends this class, and its .cpp
// (where Node is complete) includes NodeTreeModelImpl.h and instantiates NodeTreeModel<Derived>.
template <typename Derived>
class NodeTreeModel : public QAbstractItemModel {
public:
    using QAbstractItemModel::QAbstractItemModel;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;

protected:
    // The node behind `index`: the (invisible) root for an invalid index, null when there is no tree.
    auto* nodeFor(const QModelIndex& index) const; // Derived::Node*, which is incomplete here
};

} // namespace athanor::ui

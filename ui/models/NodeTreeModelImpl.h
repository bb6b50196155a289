#pragma once
// Member definitions of NodeTreeModel; included only by the .cpp of a model, after its Node is defined.

#include "models/NodeTreeModel.h"

#include <cstddef>

namespace athanor::ui {

template <typename Derived>
auto* NodeTreeModel<Derived>::nodeFor(const QModelIndex& index) const {
    using Node = typename Derived::Node;
    return index.isValid() ? static_cast<Node*>(index.internalPointer())
                           : static_cast<const Derived&>(*this).m_root.get();
}

template <typename Derived>
QModelIndex NodeTreeModel<Derived>::index(int row, int column, const QModelIndex& parent) const {
    const auto* p = nodeFor(parent);
    if (!p || row < 0 || column < 0 || column >= columnCount(parent) ||
        static_cast<std::size_t>(row) >= p->children.size())
        return {};
    return createIndex(row, column, p->children[static_cast<std::size_t>(row)].get());
}

template <typename Derived>
QModelIndex NodeTreeModel<Derived>::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const auto* n = nodeFor(child);
    if (!n->parent || n->parent == static_cast<const Derived&>(*this).m_root.get())
        return {};
    return createIndex(n->parent->row, 0, n->parent);
}

template <typename Derived>
int NodeTreeModel<Derived>::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const auto* n = nodeFor(parent);
    return n ? static_cast<int>(n->children.size()) : 0;
}

} // namespace athanor::ui

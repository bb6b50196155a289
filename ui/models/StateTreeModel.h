#pragma once

#include "state/StateIndex.h"

#include <QAbstractItemModel>
#include <QIcon>
#include <memory>

namespace athanor::ui {

// The scope tree (apps > stages > scopes > resources, nested resources under their owner) over an immutable
// StateIndex. The model never changes a snapshot: a new one arrives from the worker and the model resets.
class StateTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, StatusColumn, ColumnCount };
    enum Role {
        FqnRole = Qt::UserRole + 1,
        NodeIdRole,       // int: node index in the StateIndex
        NodeKindRole,     // int: SnapshotNodeKind
        StatusRole,       // int: StatusCategory of the node's own record
        RecordKindRole,   // QString: the record's kind
        ProblemCountRole, // int: interrupted + unreadable records in the subtree
        SortRole,         // natural-order rank for the name column, text otherwise
        SearchTextRole,   // name, FQN and kind, for the filter
    };

    explicit StateTreeModel(QObject* parent = nullptr);

    void setIndex(std::shared_ptr<const StateIndex> index);
    const std::shared_ptr<const StateIndex>& stateIndex() const { return m_index; }

    QModelIndex indexForFqn(const QString& fqn) const;
    QModelIndex indexForNode(int32_t node) const;
    int32_t nodeOf(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString kindText(int32_t node) const;
    QString statusText(int32_t node) const;

    std::shared_ptr<const StateIndex> m_index;
    QIcon m_appIcon, m_stageIcon, m_scopeIcon, m_resourceIcon, m_errorIcon;
};

} // namespace athanor::ui

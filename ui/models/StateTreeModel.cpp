#include "models/StateTreeModel.h"

#include "state/StateRecord.h"

namespace athanor::ui {

// Internal ids are node index + 1 so that 0 never names a node (the root is never shown).
namespace {
quintptr idFor(int32_t node) {
    return static_cast<quintptr>(node) + 1;
}
} // namespace

StateTreeModel::StateTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_appIcon(QStringLiteral(":/icons/app.svg")),
      m_stageIcon(QStringLiteral(":/icons/stage.svg")), m_scopeIcon(QStringLiteral(":/icons/scope.svg")),
      m_resourceIcon(QStringLiteral(":/icons/resource.svg")),
      m_errorIcon(QStringLiteral(":/icons/error.svg")) {}

void StateTreeModel::setIndex(std::shared_ptr<const StateIndex> index) {
    beginResetModel();
    m_index = std::move(index);
    endResetModel();
}

int32_t StateTreeModel::nodeOf(const QModelIndex& index) const {
    if (!index.isValid() || !m_index)
        return 0;
    return static_cast<int32_t>(index.internalId() - 1);
}

QModelIndex StateTreeModel::indexForNode(int32_t node) const {
    if (!m_index || node <= 0 || static_cast<size_t>(node) >= m_index->nodes.size())
        return {};
    return createIndex(m_index->nodes[static_cast<size_t>(node)].row, 0, idFor(node));
}

QModelIndex StateTreeModel::indexForFqn(const QString& fqn) const {
    if (!m_index)
        return {};
    return indexForNode(m_index->nodeByFqn.value(fqn, -1));
}

QModelIndex StateTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!m_index || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const auto& children = m_index->nodes[static_cast<size_t>(nodeOf(parent))].children;
    if (static_cast<size_t>(row) >= children.size())
        return {};
    return createIndex(row, column, idFor(children[static_cast<size_t>(row)]));
}

QModelIndex StateTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || !m_index)
        return {};
    const int32_t parent = m_index->nodes[static_cast<size_t>(nodeOf(child))].parent;
    if (parent <= 0)
        return {};
    return createIndex(m_index->nodes[static_cast<size_t>(parent)].row, 0, idFor(parent));
}

int StateTreeModel::rowCount(const QModelIndex& parent) const {
    if (!m_index || (parent.isValid() && parent.column() != 0))
        return 0;
    return static_cast<int>(m_index->nodes[static_cast<size_t>(nodeOf(parent))].children.size());
}

int StateTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

bool StateTreeModel::hasChildren(const QModelIndex& parent) const {
    return rowCount(parent) > 0;
}

QString StateTreeModel::kindText(int32_t node) const {
    const auto& n = m_index->nodes[static_cast<size_t>(node)];
    auto count = [](int c, const char* one, const char* many) {
        return c == 1 ? tr(one) : tr(many).arg(c);
    };
    switch (m_index->nodeKind(node)) {
    case SnapshotNodeKind::App:
        return count(static_cast<int>(n.children.size()), "1 stage", "%1 stages");
    case SnapshotNodeKind::Stage:
    case SnapshotNodeKind::Scope:
        if (n.kind.isEmpty() || n.kind == QLatin1String(kScopeKind) ||
            m_index->nodeKind(node) == SnapshotNodeKind::Stage)
            return count(n.resources, "1 resource", "%1 resources");
        break;
    case SnapshotNodeKind::Resource:
    case SnapshotNodeKind::Root:
        break;
    }
    if (n.status == StatusCategory::Unreadable && n.kind.isEmpty())
        return tr("unreadable record");
    return n.kind;
}

QString StateTreeModel::statusText(int32_t node) const {
    const auto& n = m_index->nodes[static_cast<size_t>(node)];
    if (n.status != StatusCategory::None && m_index->nodeKind(node) == SnapshotNodeKind::Resource)
        return statusBadgeText(n.status);
    // Containers summarise the problems below them; a healthy scope shows nothing.
    QStringList parts;
    if (n.interrupted > 0)
        parts << tr("%1 interrupted").arg(n.interrupted);
    if (n.unreadable > 0)
        parts << tr("%1 unreadable").arg(n.unreadable);
    return parts.join(QStringLiteral(" · "));
}

QVariant StateTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_index)
        return {};
    const int32_t node = nodeOf(index);
    const auto& n = m_index->nodes[static_cast<size_t>(node)];
    const SnapshotNodeKind kind = m_index->nodeKind(node);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return n.name;
        case KindColumn:
            return kindText(node);
        case StatusColumn:
            return statusText(node);
        }
        break;
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            break;
        if (n.status == StatusCategory::Unreadable)
            return m_errorIcon;
        switch (kind) {
        case SnapshotNodeKind::App:
            return m_appIcon;
        case SnapshotNodeKind::Stage:
            return m_stageIcon;
        case SnapshotNodeKind::Scope:
            return m_scopeIcon;
        case SnapshotNodeKind::Resource:
        case SnapshotNodeKind::Root:
            return m_resourceIcon;
        }
        break;
    case Qt::ToolTipRole: {
        QString tip = n.fqn;
        if (const SnapshotRecord* r = m_index->record(node)) {
            if (!r->ok())
                tip += QStringLiteral("\n") + tr("Unreadable: %1").arg(QString::fromStdString(r->error));
            else if (n.status != StatusCategory::None)
                tip += QStringLiteral("\n") + statusExplanation(n.status);
        }
        return tip;
    }
    case FqnRole:
        return n.fqn;
    case NodeIdRole:
        return node;
    case NodeKindRole:
        return static_cast<int>(kind);
    case StatusRole:
        return static_cast<int>(n.status);
    case RecordKindRole:
        return n.kind;
    case ProblemCountRole:
        return n.interrupted + n.unreadable;
    case SortRole:
        if (index.column() == NameColumn)
            return n.row;
        return data(index, Qt::DisplayRole);
    case SearchTextRole:
        return n.name + QLatin1Char('\n') + n.fqn + QLatin1Char('\n') + n.kind;
    default:
        break;
    }
    return {};
}

QVariant StateTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case KindColumn:
        return tr("Kind");
    case StatusColumn:
        return tr("Status");
    }
    return {};
}

} // namespace athanor::ui

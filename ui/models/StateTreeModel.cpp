#include "models/StateTreeModel.h"

#include "models/RunActivity.h"
#include "state/StateRecord.h"
#include "widgets/Plural.h"

#include <QSet>

namespace athanor::ui {

// Internal ids: a node is its index + 1 (0 never names a node; the root is never shown). A pending deletion
// row carries its holder node and its entry, under a tag bit.
namespace {
static_assert(sizeof(quintptr) >= 8, "pending deletion rows need 64-bit internal ids");
constexpr quintptr kPendingTag = quintptr(1) << 62;
constexpr int kEntryBits = 20;
constexpr quintptr kEntryMask = (quintptr(1) << kEntryBits) - 1;

quintptr idFor(int32_t node) {
    return static_cast<quintptr>(node) + 1;
}
quintptr pendingId(int32_t holder, int entry) {
    return kPendingTag | (static_cast<quintptr>(holder) << kEntryBits) | static_cast<quintptr>(entry);
}
bool isPendingId(quintptr id) {
    return (id & kPendingTag) != 0;
}
int32_t holderOf(quintptr id) {
    return static_cast<int32_t>((id & ~kPendingTag) >> kEntryBits);
}
int entryOf(quintptr id) {
    return static_cast<int>(id & kEntryMask);
}
const QString kPendingMarker = QStringLiteral("#pendingDeletions/");
} // namespace

StateTreeModel::StateTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_appIcon(QStringLiteral(":/icons/app.svg")),
      m_stageIcon(QStringLiteral(":/icons/stage.svg")), m_scopeIcon(QStringLiteral(":/icons/scope.svg")),
      m_resourceIcon(QStringLiteral(":/icons/resource.svg")),
      m_errorIcon(QStringLiteral(":/icons/error.svg")) {
    // An old copy waiting for deletion: the resource icon, faded.
    m_pendingIcon.addPixmap(m_resourceIcon.pixmap(16, QIcon::Disabled));
    m_pendingIcon.addPixmap(m_resourceIcon.pixmap(32, QIcon::Disabled));
}

void StateTreeModel::setIndex(std::shared_ptr<const StateIndex> index) {
    beginResetModel();
    m_index = std::move(index);
    m_pendingRowsShown = !m_index || !m_index->loading();
    m_pendingRowsAdded.clear();
    recount();
    endResetModel();
}

void StateTreeModel::recordsLoaded(const std::shared_ptr<const StateIndex>& index,
                                   const std::vector<int32_t>& nodes) {
    if (index != m_index || nodes.empty())
        return;
    // The rows themselves, and every container above them (their counts and colours).
    std::vector<int32_t> touched = nodes;
    std::vector<uint8_t> seen(m_index->nodes.size(), 0);
    for (int32_t n : nodes)
        for (int32_t p = m_index->nodes[static_cast<size_t>(n)].parent;
             p > 0 && !seen[static_cast<size_t>(p)]; p = m_index->nodes[static_cast<size_t>(p)].parent) {
            seen[static_cast<size_t>(p)] = 1;
            touched.push_back(p);
        }
    emitRowsChanged(std::move(touched));
    emit recordsFilledIn();
}

void StateTreeModel::indexCompleted() {
    if (!m_index || m_pendingRowsShown)
        return;
    // Pending deletion rows, held back while loading, are inserted holder by holder.
    for (size_t i = 1; i < m_index->nodes.size(); ++i) {
        const auto holder = static_cast<int32_t>(i);
        const SnapshotRecord* r = m_index->record(holder);
        if (!r || r->pendingDeletions.empty())
            continue;
        const int first = static_cast<int>(m_index->nodes[i].children.size());
        const int count = static_cast<int>(std::min<size_t>(r->pendingDeletions.size(), kEntryMask));
        beginInsertRows(indexForNode(holder), first, first + count - 1);
        m_pendingRowsAdded.push_back(holder);
        endInsertRows();
    }
    m_pendingRowsShown = true;
    m_pendingRowsAdded.clear();
    recount();
    // Containers summarise what is below them: their texts are final now.
    std::vector<int32_t> containers;
    for (size_t i = 1; i < m_index->nodes.size(); ++i)
        if (m_index->nodeKind(static_cast<int32_t>(i)) != SnapshotNodeKind::Resource)
            containers.push_back(static_cast<int32_t>(i));
    emitRowsChanged(std::move(containers));
    emit recordsFilledIn();
}

// dataChanged over the rows of `nodes`, one signal per parent spanning its changed rows: a batch of a
// thousand records is a handful of signals.
void StateTreeModel::emitRowsChanged(std::vector<int32_t> nodes) {
    std::sort(nodes.begin(), nodes.end(), [&](int32_t a, int32_t b) {
        const auto& x = m_index->nodes[static_cast<size_t>(a)];
        const auto& y = m_index->nodes[static_cast<size_t>(b)];
        return x.parent != y.parent ? x.parent < y.parent : x.row < y.row;
    });
    for (size_t i = 0; i < nodes.size();) {
        const int32_t parent = m_index->nodes[static_cast<size_t>(nodes[i])].parent;
        size_t j = i;
        while (j + 1 < nodes.size() && m_index->nodes[static_cast<size_t>(nodes[j + 1])].parent == parent)
            ++j;
        const auto& siblings = m_index->nodes[static_cast<size_t>(parent)].children;
        const int firstRow = m_index->nodes[static_cast<size_t>(nodes[i])].row;
        const int lastRow = m_index->nodes[static_cast<size_t>(nodes[j])].row;
        // Every role but the name column's sort key (the row, which a record never changes): the proxy
        // re-filters these rows without re-sorting them.
        static const QList<int> kFilledRoles{Qt::DisplayRole,  Qt::DecorationRole, Qt::ToolTipRole,
                                             StatusRole,       ShownStatusRole,    RecordKindRole,
                                             ProblemCountRole, SearchTextRole,     NodeKindRole};
        emit dataChanged(createIndex(firstRow, 0, idFor(siblings[static_cast<size_t>(firstRow)])),
                         createIndex(lastRow, ColumnCount - 1, idFor(siblings[static_cast<size_t>(lastRow)])),
                         kFilledRoles);
        i = j + 1;
    }
}

RunActivity* StateTreeModel::runActivity() const {
    return m_activity;
}

void StateTreeModel::setRunActivity(RunActivity* activity) {
    if (m_activity)
        disconnect(m_activity, nullptr, this, nullptr);
    m_activity = activity;
    if (m_activity)
        connect(m_activity, &RunActivity::changed, this, &StateTreeModel::onActivityChanged);
    onActivityChanged();
}

QString StateTreeModel::pendingKey(const QString& holderFqn, int entry) {
    return holderFqn + kPendingMarker + QString::number(entry);
}

bool StateTreeModel::parsePendingKey(const QString& key, QString* holderFqn, int* entry) {
    const qsizetype at = key.lastIndexOf(kPendingMarker);
    if (at <= 0)
        return false;
    bool ok = false;
    const int n = key.mid(at + kPendingMarker.size()).toInt(&ok);
    if (!ok || n < 0)
        return false;
    if (holderFqn)
        *holderFqn = key.left(at);
    if (entry)
        *entry = n;
    return true;
}

int32_t StateTreeModel::nodeForKey(const StateIndex& index, const QString& key) {
    if (const int32_t node = index.nodeByFqn.value(key, -1); node > 0)
        return node;
    QString holder;
    return parsePendingKey(key, &holder, nullptr) ? index.nodeByFqn.value(holder, -1) : -1;
}

const std::vector<PendingDeletion>* StateTreeModel::pendingOf(int32_t node) const {
    if (!m_index || node <= 0)
        return nullptr;
    if (!m_pendingRowsShown &&
        std::find(m_pendingRowsAdded.begin(), m_pendingRowsAdded.end(), node) == m_pendingRowsAdded.end())
        return nullptr;
    const SnapshotRecord* r = m_index->record(node);
    return r && !r->pendingDeletions.empty() ? &r->pendingDeletions : nullptr;
}

const ResourceRun* StateTreeModel::activityOf(int32_t node) const {
    // No run known (the usual case): no FQN text to build per row.
    return m_activity && !m_activity->isEmpty() ? m_activity->find(m_index->fqnOf(node)) : nullptr;
}

StatusCategory StateTreeModel::shownStatus(int32_t node) const {
    const auto& n = m_index->nodes[static_cast<size_t>(node)];
    if (m_index->nodeKind(node) != SnapshotNodeKind::Resource)
        return n.status;
    return athanor::ui::shownStatus(n.status, activityOf(node));
}

void StateTreeModel::recount() {
    m_totals.clear();
    m_activityFqns = m_activity ? m_activity->fqns() : QStringList();
    if (!m_index)
        return;
    const auto& nodes = m_index->nodes;
    std::vector<Totals> totals(nodes.size());
    bool any = false;
    auto addUp = [&](int32_t node, auto&& add) {
        for (int32_t a = node; a >= 0; a = nodes[static_cast<size_t>(a)].parent)
            add(totals[static_cast<size_t>(a)]);
    };
    for (size_t i = 1; i < nodes.size(); ++i)
        if (const auto* pending = pendingOf(static_cast<int32_t>(i))) {
            any = true;
            addUp(static_cast<int32_t>(i),
                  [&](Totals& t) { t.pending += static_cast<int>(pending->size()); });
        }
    for (const QString& fqn : std::as_const(m_activityFqns)) {
        const int32_t node = m_index->nodeByFqn.value(fqn, -1);
        if (node <= 0 || m_index->nodeKind(node) != SnapshotNodeKind::Resource)
            continue;
        const StatusCategory shown = shownStatus(node);
        // StateIndex counts in-flight records as interrupted; those the runs explain are taken off here.
        const int explained = isInterrupted(nodes[static_cast<size_t>(node)].status) &&
                                      shown != StatusCategory::Interrupted && !isInterrupted(shown)
                                  ? 1
                                  : 0;
        if (shown != StatusCategory::Running && shown != StatusCategory::Failed && explained == 0)
            continue;
        any = true;
        addUp(node, [&](Totals& t) {
            t.running += shown == StatusCategory::Running ? 1 : 0;
            t.failed += shown == StatusCategory::Failed ? 1 : 0;
            t.interrupted -= explained;
        });
    }
    if (any)
        m_totals = std::move(totals);
}

StateTreeModel::Totals StateTreeModel::totalsAt(int32_t node) const {
    Totals t;
    if (!m_index || node < 0 || static_cast<size_t>(node) >= m_index->nodes.size())
        return t;
    if (!m_totals.empty())
        t = m_totals[static_cast<size_t>(node)];
    // StateIndex counts records in flight; those not running or failed are the interrupted ones.
    t.interrupted += m_index->nodes[static_cast<size_t>(node)].interrupted;
    return t;
}

StateTreeModel::Totals StateTreeModel::totals() const {
    return totalsAt(0);
}

void StateTreeModel::onActivityChanged() {
    if (!m_index) {
        m_activityFqns = m_activity ? m_activity->fqns() : QStringList();
        return;
    }
    const QStringList before = m_activityFqns;
    recount();
    // Repaint the resources named before or now and every container above them; no reset, no lost state.
    QSet<int32_t> touched;
    for (const QStringList* list : {&before, const_cast<const QStringList*>(&m_activityFqns)})
        for (const QString& fqn : *list)
            for (int32_t n = m_index->nodeByFqn.value(fqn, -1); n > 0 && !touched.contains(n);
                 n = m_index->nodes[static_cast<size_t>(n)].parent)
                touched.insert(n);
    for (int32_t n : std::as_const(touched)) {
        const int row = m_index->nodes[static_cast<size_t>(n)].row;
        emit dataChanged(createIndex(row, 0, idFor(n)), createIndex(row, ColumnCount - 1, idFor(n)));
    }
    emit runStatesChanged();
}

int32_t StateTreeModel::nodeOf(const QModelIndex& index) const {
    if (!index.isValid() || !m_index)
        return 0;
    const quintptr id = index.internalId();
    return isPendingId(id) ? holderOf(id) : static_cast<int32_t>(id - 1);
}

bool StateTreeModel::isPendingDeletion(const QModelIndex& index) const {
    return index.isValid() && isPendingId(index.internalId());
}

QModelIndex StateTreeModel::indexForNode(int32_t node) const {
    if (!m_index || node <= 0 || static_cast<size_t>(node) >= m_index->nodes.size())
        return {};
    return createIndex(m_index->nodes[static_cast<size_t>(node)].row, 0, idFor(node));
}

QModelIndex StateTreeModel::indexForFqn(const QString& fqn) const {
    if (!m_index)
        return {};
    QString holder;
    int entry = -1;
    if (!m_index->nodeByFqn.contains(fqn) && parsePendingKey(fqn, &holder, &entry)) {
        const int32_t node = m_index->nodeByFqn.value(holder, -1);
        const auto* pending = pendingOf(node);
        if (!pending || static_cast<size_t>(entry) >= pending->size())
            return {};
        const int row = static_cast<int>(m_index->nodes[static_cast<size_t>(node)].children.size()) + entry;
        return createIndex(row, 0, pendingId(node, entry));
    }
    return indexForNode(m_index->nodeByFqn.value(fqn, -1));
}

QModelIndex StateTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (!m_index || row < 0 || column < 0 || column >= ColumnCount || isPendingDeletion(parent))
        return {};
    const int32_t p = nodeOf(parent);
    const auto& children = m_index->nodes[static_cast<size_t>(p)].children;
    if (static_cast<size_t>(row) < children.size())
        return createIndex(row, column, idFor(children[static_cast<size_t>(row)]));
    const auto* pending = pendingOf(p);
    const size_t entry = static_cast<size_t>(row) - children.size();
    if (!pending || entry >= pending->size() || entry > kEntryMask)
        return {};
    return createIndex(row, column, pendingId(p, static_cast<int>(entry)));
}

QModelIndex StateTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || !m_index)
        return {};
    const quintptr id = child.internalId();
    const int32_t parent =
        isPendingId(id) ? holderOf(id) : m_index->nodes[static_cast<size_t>(id - 1)].parent;
    if (parent <= 0)
        return {};
    return createIndex(m_index->nodes[static_cast<size_t>(parent)].row, 0, idFor(parent));
}

int StateTreeModel::rowCount(const QModelIndex& parent) const {
    if (!m_index || (parent.isValid() && parent.column() != 0) || isPendingDeletion(parent))
        return 0;
    const int32_t node = nodeOf(parent);
    const auto* pending = pendingOf(node);
    return static_cast<int>(m_index->nodes[static_cast<size_t>(node)].children.size() +
                            (pending ? std::min<size_t>(pending->size(), kEntryMask) : 0));
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
    if (!m_index->isRecordLoaded(node))
        return tr("reading…"); // a staged load has not read its record yet
    if (n.status != StatusCategory::None && m_index->nodeKind(node) == SnapshotNodeKind::Resource)
        return statusBadgeText(shownStatus(node));
    // Containers summarise what is below them; a healthy scope shows nothing.
    const Totals t = totalsAt(node);
    QStringList parts;
    if (t.running > 0)
        parts << tr("%1 running").arg(t.running);
    if (t.failed > 0)
        parts << tr("%1 failed").arg(t.failed);
    if (t.interrupted > 0)
        parts << tr("%1 interrupted").arg(t.interrupted);
    if (n.unreadable > 0)
        parts << tr("%1 unreadable").arg(n.unreadable);
    if (t.pending > 0)
        parts << plural(t.pending, tr("1 pending deletion"), tr("%1 pending deletions"));
    return parts.join(QStringLiteral(" · "));
}

QVariant StateTreeModel::pendingData(int32_t holder, int entry, int column, int role) const {
    const auto& pending = *pendingOf(holder);
    const PendingDeletion& p = pending[static_cast<size_t>(entry)];
    const auto& h = m_index->nodes[static_cast<size_t>(holder)];
    const QString id = p.id.empty() ? tr("(no id)") : QString::fromStdString(p.id);
    const QString kind = QString::fromStdString(p.kind);
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return id;
        case KindColumn:
            return kind;
        case StatusColumn:
            return statusBadgeText(StatusCategory::PendingDeletion);
        }
        break;
    case Qt::DecorationRole:
        return column == NameColumn ? QVariant(m_pendingIcon) : QVariant();
    case Qt::ToolTipRole: {
        const SnapshotRecord* r = m_index->record(holder);
        QString tip =
            p.id.empty() ? tr("A corrupted pending deletion without an id: Alchemy drops it without deleting "
                              "anything.")
                         : tr("Old copy of %1 (%2), replaced and waiting to be deleted.")
                               .arg(QString::fromStdString(p.fqn.empty() ? p.id : p.fqn), kind);
        tip += QStringLiteral("\n") + statusExplanation(StatusCategory::PendingDeletion);
        if (r)
            tip += QStringLiteral("\n") +
                   tr("Held in %1 (data.pendingDeletions[%2]).").arg(placeText(*r)).arg(entry);
        return tip;
    }
    case FqnRole:
        return pendingKey(m_index->fqnOf(holder), entry);
    case NodeIdRole:
        return holder;
    case NodeKindRole:
        return -1;
    case StatusRole:
        return static_cast<int>(StatusCategory::None);
    case ShownStatusRole:
        return static_cast<int>(StatusCategory::PendingDeletion);
    case RecordKindRole:
        return kind;
    case ProblemCountRole:
        return 1;
    case PendingEntryRole:
        return entry;
    case SortRole:
        // After the holder's own children, in list order.
        if (column == NameColumn)
            return static_cast<int>(h.children.size()) + entry;
        return data(createIndex(0, column, pendingId(holder, entry)), Qt::DisplayRole);
    case SearchTextRole:
        return id + QLatin1Char('\n') + QString::fromStdString(p.fqn) + QLatin1Char('\n') + kind +
               QLatin1Char('\n') + statusBadgeText(StatusCategory::PendingDeletion);
    default:
        break;
    }
    return {};
}

QVariant StateTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_index)
        return {};
    if (isPendingDeletion(index))
        return pendingData(holderOf(index.internalId()), entryOf(index.internalId()), index.column(), role);
    const int32_t node = nodeOf(index);
    const auto& n = m_index->nodes[static_cast<size_t>(node)];
    const SnapshotNodeKind kind = m_index->nodeKind(node);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return m_index->nameOf(node);
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
        QString tip = m_index->fqnOf(node);
        if (const SnapshotRecord* r = m_index->record(node)) {
            const StatusCategory shown = shownStatus(node);
            if (!r->ok())
                tip += QStringLiteral("\n") + tr("Unreadable: %1").arg(QString::fromStdString(r->error));
            else if (shown != StatusCategory::None)
                tip += QStringLiteral("\n") + statusExplanation(shown);
            if (const ResourceRun* run = activityOf(node); run && shown == StatusCategory::Failed)
                tip += QStringLiteral("\n") + run->errorLine(500);
        }
        return tip;
    }
    case FqnRole:
        return m_index->fqnOf(node);
    case NodeIdRole:
        return node;
    case NodeKindRole:
        return static_cast<int>(kind);
    case StatusRole:
        return static_cast<int>(n.status);
    case ShownStatusRole: {
        if (kind == SnapshotNodeKind::Resource)
            return static_cast<int>(shownStatus(node));
        // A container takes the colour of the most serious thing below it.
        const Totals t = totalsAt(node);
        if (t.failed > 0 || n.unreadable > 0)
            return static_cast<int>(t.failed > 0 ? StatusCategory::Failed : StatusCategory::Unreadable);
        if (t.interrupted > 0)
            return static_cast<int>(StatusCategory::Interrupted);
        if (t.pending > 0)
            return static_cast<int>(StatusCategory::PendingDeletion);
        if (t.running > 0)
            return static_cast<int>(StatusCategory::Running);
        return static_cast<int>(n.status);
    }
    case RecordKindRole:
        return n.kind;
    case ProblemCountRole: {
        const Totals t = totalsAt(node);
        return t.failed + t.interrupted + n.unreadable + t.pending;
    }
    case PendingEntryRole:
        return -1;
    case SortRole:
        if (index.column() == NameColumn)
            return n.row;
        return data(index, Qt::DisplayRole);
    case SearchTextRole:
        return m_index->nameOf(node) + QLatin1Char('\n') + m_index->fqnOf(node) + QLatin1Char('\n') + n.kind;
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

QString StateTreeModel::placeText(const athanor::SnapshotRecord& record) {
    return QString::fromStdString(record.relativePath.empty() ? record.fqn : record.relativePath);
}

} // namespace athanor::ui

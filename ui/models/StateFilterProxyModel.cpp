#include "models/StateFilterProxyModel.h"

#include "models/NaturalCollator.h"
#include "models/StateTreeModel.h"

namespace athanor::ui {

StateFilterProxyModel::StateFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setRecursiveFilteringEnabled(true);
    setDynamicSortFilter(true);
    setSortRole(StateTreeModel::SortRole);
    m_collator = naturalCollator();
}

void StateFilterProxyModel::setStateModel(StateTreeModel* model) {
    m_model = model;
    setSourceModel(model);
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_matchCount = isFiltering() ? countMatches({}) : 0;
        emit matchCountChanged(m_matchCount);
    });
    // Rows re-filter themselves on dataChanged; the count of matches follows once per change.
    connect(model, &StateTreeModel::recordsFilledIn, this, [this] {
        if (!isFiltering())
            return;
        m_matchCount = countMatches({});
        emit matchCountChanged(m_matchCount);
    });
    connect(model, &StateTreeModel::runStatesChanged, this, [this] {
        if (m_status == StatusFilter::All)
            return;
        m_matchCount = countMatches({});
        emit matchCountChanged(m_matchCount);
    });
}

bool StateFilterProxyModel::isFiltering() const {
    return !m_text.isEmpty() || m_status != StatusFilter::All || !m_kind.isEmpty();
}

void StateFilterProxyModel::setText(const QString& text, bool regex) {
    if (text == m_text && regex == m_regex)
        return;
    m_text = text;
    m_regex = regex;
    m_pattern = QRegularExpression(regex ? text : QRegularExpression::escape(text),
                                   QRegularExpression::CaseInsensitiveOption |
                                       QRegularExpression::MultilineOption); // ^ and $ per field
    refilter();
}

void StateFilterProxyModel::setStatusFilter(StatusFilter filter) {
    if (filter == m_status)
        return;
    m_status = filter;
    refilter();
}

void StateFilterProxyModel::setKindFilter(const QString& kind) {
    if (kind == m_kind)
        return;
    m_kind = kind;
    refilter();
}

void StateFilterProxyModel::refilter() {
    invalidateFilter();
    m_matchCount = isFiltering() ? countMatches({}) : 0;
    emit matchCountChanged(m_matchCount);
}

int StateFilterProxyModel::countMatches(const QModelIndex& parent) const {
    if (!m_model)
        return 0;
    int count = 0;
    const int rows = m_model->rowCount(parent);
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = m_model->index(row, 0, parent);
        if (matchesDirectly(child))
            ++count;
        count += countMatches(child);
    }
    return count;
}

bool StateFilterProxyModel::matchesDirectly(const QModelIndex& source) const {
    if (!source.isValid())
        return false;
    if (!m_text.isEmpty()) {
        if (!m_pattern.isValid())
            return false;
        if (!m_pattern.match(source.data(StateTreeModel::SearchTextRole).toString()).hasMatch())
            return false;
    }
    if (m_status != StatusFilter::All || !m_kind.isEmpty()) {
        // Status and kind describe records (and pending deletions); folders without one are shown only
        // around matches.
        const bool pending = source.data(StateTreeModel::PendingEntryRole).toInt() >= 0;
        const auto nodeKind =
            static_cast<SnapshotNodeKind>(source.data(StateTreeModel::NodeKindRole).toInt());
        const auto status = static_cast<StatusCategory>(source.data(StateTreeModel::StatusRole).toInt());
        if (!pending && (status == StatusCategory::None || nodeKind == SnapshotNodeKind::Stage))
            return false;
        const auto shown =
            pending || nodeKind == SnapshotNodeKind::Resource
                ? static_cast<StatusCategory>(source.data(StateTreeModel::ShownStatusRole).toInt())
                : status;
        switch (m_status) {
        case StatusFilter::All:
            break;
        case StatusFilter::Settled:
            if (shown != StatusCategory::Created && shown != StatusCategory::Updated)
                return false;
            break;
        case StatusFilter::Running:
            if (shown != StatusCategory::Running)
                return false;
            break;
        case StatusFilter::Failed:
            if (shown != StatusCategory::Failed)
                return false;
            break;
        case StatusFilter::Interrupted:
            if (shown != StatusCategory::Interrupted && !isInterrupted(shown))
                return false;
            break;
        case StatusFilter::PendingDeletion:
            if (shown != StatusCategory::PendingDeletion)
                return false;
            break;
        case StatusFilter::Unreadable:
            if (shown != StatusCategory::Unreadable)
                return false;
            break;
        case StatusFilter::Problems:
            if (!needsAttention(shown))
                return false;
            break;
        }
        if (!m_kind.isEmpty() && source.data(StateTreeModel::RecordKindRole).toString() != m_kind)
            return false;
    }
    return true;
}

void StateFilterProxyModel::sort(int column, Qt::SortOrder order) {
    if (column == StateTreeModel::NameColumn && order == Qt::AscendingOrder &&
        sortRole() == StateTreeModel::SortRole) {
        QSortFilterProxyModel::sort(-1, order); // source order
        return;
    }
    QSortFilterProxyModel::sort(column, order);
}

bool StateFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (!isFiltering())
        return true;
    return matchesDirectly(sourceModel()->index(sourceRow, 0, sourceParent));
}

bool StateFilterProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    // The name column's sort key is the source row (StateIndex keeps children in natural order, pending
    // deletions after them): compared without two data() calls and QVariants per comparison, which made
    // sorting the 80,000 rows of one stage the GUI thread's largest cost of showing a big tree.
    if (m_model && sortRole() == StateTreeModel::SortRole && left.column() == StateTreeModel::NameColumn &&
        right.column() == StateTreeModel::NameColumn)
        return left.row() < right.row();
    const QVariant l = left.data(sortRole());
    const QVariant r = right.data(sortRole());
    if (l.typeId() == QMetaType::Int && r.typeId() == QMetaType::Int)
        return l.toInt() < r.toInt();
    const int byText = m_collator.compare(l.toString(), r.toString());
    if (byText != 0)
        return byText < 0;
    // Equal kinds or statuses keep the natural name order.
    return left.siblingAtColumn(0).data(sortRole()).toInt() <
           right.siblingAtColumn(0).data(sortRole()).toInt();
}

} // namespace athanor::ui

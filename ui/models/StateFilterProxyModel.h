#pragma once

#include <QCollator>
#include <QRegularExpression>
#include <QSortFilterProxyModel>

namespace athanor::ui {

class StateTreeModel;

// Filter and natural sort over the scope tree. A node passes when it matches the text (name, FQN or kind;
// plain substring or regular expression, case-insensitive), the status filter and the kind filter; ancestors
// of a match stay visible (recursive filtering) so a match is always shown in context.
class StateFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    // Statuses as shown (runs taken into account); Problems: failed, interrupted, unreadable, pending
    // deletion.
    enum class StatusFilter {
        All,
        Settled,
        Running,
        Failed,
        Interrupted,
        PendingDeletion,
        Unreadable,
        Problems
    };

    explicit StateFilterProxyModel(QObject* parent = nullptr);

    void setStateModel(StateTreeModel* model);

    void setText(const QString& text, bool regex);
    void setStatusFilter(StatusFilter filter);
    void setKindFilter(const QString& kind); // empty: every kind

    QString text() const { return m_text; }
    bool isRegex() const { return m_regex; }
    bool regexValid() const { return !m_regex || m_pattern.isValid(); }
    bool isFiltering() const;

    // Whether the source node itself matches (not only kept as an ancestor of a match).
    bool matchesDirectly(const QModelIndex& sourceIndex) const;
    // Direct matches in the whole source tree.
    int matchCount() const { return m_matchCount; }

    // By name ascending the source's own row order is the sorted order (StateIndex keeps children in natural
    // order, pending deletions after them): the proxy keeps source order and sorts nothing, so opening a
    // stage of 80,000 resources maps its rows in one pass instead of comparing them a million times.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    void matchCountChanged(int count);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();
    int countMatches(const QModelIndex& parent) const;

    StateTreeModel* m_model = nullptr;
    QString m_text;
    bool m_regex = false;
    QRegularExpression m_pattern;
    StatusFilter m_status = StatusFilter::All;
    QString m_kind;
    int m_matchCount = 0;
    QCollator m_collator;
};

} // namespace athanor::ui

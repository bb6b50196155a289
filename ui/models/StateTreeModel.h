#pragma once

#include "state/StateIndex.h"

#include <QAbstractItemModel>
#include <QIcon>
#include <QPointer>
#include <memory>

namespace athanor::ui {

class RunActivity;
struct ResourceRun;

// The scope tree (apps > stages > scopes > resources, nested resources under their owner) over an immutable
// StateIndex. The model never changes a snapshot: a new one arrives from the worker and the model resets.
// A staged load's index (StateIndex::loading()) is the exception: its records arrive in batches applied to
// that same index (recordsLoaded(): dataChanged on their rows and the rows above, no reset, so expansion,
// selection and scrolling stay), then indexCompleted() adds the pending deletion rows (held back while
// loading: rows come and go only by inserts).
//
// Two things join the records: what runs say (RunActivity: a resource running now, failed in the last run, or
// else interrupted; only status texts change, no reset), and each scope's pending deletions, shown as rows of
// their own at the end of the scope (or owning resource) whose record holds them.
class StateTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, KindColumn, StatusColumn, ColumnCount };
    enum Role {
        FqnRole = Qt::UserRole + 1, // a node's FQN; for a pending deletion row its pendingKey()
        NodeIdRole,       // int: node index in the StateIndex (the holder's, for a pending deletion)
        NodeKindRole,     // int: SnapshotNodeKind (-1 for a pending deletion)
        StatusRole,       // int: StatusCategory of the node's own record
        RecordKindRole,   // QString: the record's kind (the old copy's, for a pending deletion)
        ProblemCountRole, // int: failed, interrupted, unreadable and pending below (and at) the node
        SortRole,         // natural-order rank for the name column, text otherwise
        SearchTextRole,   // name, FQN and kind, for the filter
        ShownStatusRole,  // int: StatusCategory as shown (runs taken into account; PendingDeletion)
        PendingEntryRole, // int: index in the holder's data.pendingDeletions, -1 for other rows
    };

    explicit StateTreeModel(QObject* parent = nullptr);

    void setIndex(std::shared_ptr<const StateIndex> index);
    // The shown index got these nodes' records (StateSession::recordsLoaded).
    void recordsLoaded(const std::shared_ptr<const StateIndex>& index, const std::vector<int32_t>& nodes);
    // The shown index finished loading (StateSession::indexChanged with the same index).
    void indexCompleted();
    const std::shared_ptr<const StateIndex>& stateIndex() const { return m_index; }
    void setRunActivity(RunActivity* activity);
    RunActivity* runActivity() const;

    // The selection key of a pending deletion row: "<holder fqn>#pendingDeletions/<entry>".
    static QString pendingKey(const QString& holderFqn, int entry);
    // Where a record is kept, for labels: its file (relative to .alchemy) in a folder, its FQN in a database.
    static QString placeText(const athanor::SnapshotRecord& record);
    static bool parsePendingKey(const QString& key, QString* holderFqn, int* entry);
    // The node a selection key names in `index`: the node of an FQN, or a pending deletion's holder; -1 if
    // none.
    static int32_t nodeForKey(const StateIndex& index, const QString& key);

    // A node's FQN or a pendingKey().
    QModelIndex indexForFqn(const QString& fqn) const;
    QModelIndex indexForNode(int32_t node) const;
    int32_t nodeOf(const QModelIndex& index) const; // for a pending deletion row: its holder
    bool isPendingDeletion(const QModelIndex& index) const;

    // Totals over the whole tree as shown (runs taken into account).
    struct Totals {
        int running = 0, failed = 0, interrupted = 0, pending = 0;
    };
    Totals totals() const;
    // What the node's subtree holds (the node included).
    Totals totalsAt(int32_t node) const;
    // How a resource node reads (its record's status with the runs taken into account).
    StatusCategory shownStatus(int32_t node) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    // What runs say changed (after the dataChanged of the rows concerned).
    void runStatesChanged();
    // A staged load's records filled in rows (after their dataChanged), or it completed.
    void recordsFilledIn();

private:
    const std::vector<PendingDeletion>* pendingOf(int32_t node) const;
    QVariant pendingData(int32_t holder, int entry, int column, int role) const;
    QString kindText(int32_t node) const;
    const ResourceRun* activityOf(int32_t node) const;
    QString statusText(int32_t node) const;
    void recount();
    void onActivityChanged();
    void emitRowsChanged(std::vector<int32_t> nodes);

    std::shared_ptr<const StateIndex> m_index;
    QPointer<RunActivity> m_activity;
    std::vector<Totals> m_totals;   // per node, its subtree; empty when nothing is running, failed or pending
    QStringList m_activityFqns;     // what the activity named at the last recount
    bool m_pendingRowsShown = true; // false while a staged load's index fills in (see above)
    std::vector<int32_t> m_pendingRowsAdded; // holders whose rows indexCompleted() inserted so far
    QIcon m_appIcon, m_stageIcon, m_scopeIcon, m_resourceIcon, m_pendingIcon, m_errorIcon;
};

} // namespace athanor::ui

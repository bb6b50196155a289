#pragma once

#include "models/NodeTreeModel.h"

#include "json/Json.h"
#include <QAbstractItemModel>
#include <QPointer>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace athanor::ui {

class SecretVault;

// The structural diff oldProps -> props as a tree with Before / After columns. nlohmann's json::diff finds
// the changed leaves; the model shows the union of both documents so unchanged siblings stay visible
// (collapsed by the view). Secrets are compared by plaintext once the vault has opened them; while locked
// they cannot be compared and show as "secret — unknown".
class JsonDiffModel : public NodeTreeModel<JsonDiffModel> {
    Q_OBJECT
public:
    enum class Change { Unchanged, Added, Removed, Changed, Unknown };
    enum Column { KeyColumn, BeforeColumn, AfterColumn, ColumnCount };
    enum Role {
        ChangeRole = Qt::UserRole + 1, // int: Change
        HasChangesRole,                // bool: something below (or here) differs; the view expands these
        PointerRole,                   // pointer relative to props
    };

    struct Summary {
        int added = 0, removed = 0, changed = 0, unknown = 0;
        bool any() const { return added + removed + changed + unknown > 0; }
    };

    explicit JsonDiffModel(SecretVault* vault = nullptr, QObject* parent = nullptr);
    ~JsonDiffModel() override;

    // `record` holds both parts; without "oldProps" the model is empty and hasDiff() is false.
    void setRecord(std::shared_ptr<const Json> record);
    void clear();
    bool hasDiff() const { return m_hasDiff; }
    // The Before / After headers (default: "Before (oldProps)", "After (props)"); a whole-record diff
    // names its versions instead.
    void setColumnTitles(const QString& before, const QString& after);
    Summary summary() const { return m_summary; }

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    friend class NodeTreeModel<JsonDiffModel>;
    struct Node;
    void rebuild();
    Json normalize(const Json& value) const;
    void build(Node* node, Change inherited);
    QString cellText(const Json* value, const Node* node) const;

    QPointer<SecretVault> m_vault;
    std::shared_ptr<const Json> m_record;
    Json m_before, m_after; // normalised copies: secrets replaced by plaintext or a "locked" marker
    std::set<std::string> m_changedPaths, m_addedPaths, m_removedPaths, m_touched;
    std::unique_ptr<Node> m_root;
    bool m_hasDiff = false;
    QString m_beforeTitle, m_afterTitle;
    Summary m_summary;
};

extern template class NodeTreeModel<JsonDiffModel>;

} // namespace athanor::ui

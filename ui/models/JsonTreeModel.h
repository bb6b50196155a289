#pragma once

#include "models/NodeTreeModel.h"

#include "json/Json.h"
#include <QAbstractItemModel>
#include <QIcon>
#include <QPointer>
#include <memory>
#include <string>
#include <vector>

namespace athanor::ui {

class SecretVault;

// A part of a record document (props, output, data) as an expandable tree. Children are created lazily in
// batches (canFetchMore / fetchMore), so an array of 100,000 items costs nothing until it is opened. Values
// are typed and coloured; serde tags read as what they mean; secrets show masked until the vault has their
// plaintext and the user reveals them. What is revealed is the vault's (per record and pointer, forgotten at
// Lock): the model only names the record it shows.
class JsonTreeModel : public NodeTreeModel<JsonTreeModel> {
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, ColumnCount };
    enum Role {
        PointerRole = Qt::UserRole + 1, // RFC 6901 pointer into the whole record, e.g. "/props/list/0"
        PathRole,                       // JavaScript path, e.g. "props.list[0]"
        CopyValueRole,                  // text for "Copy value" (empty for a secret that is not open)
        ReferenceRole,                  // FQN an @resource value points at
        SecretRole,                     // bool: the value is a secret
        SecretOpenRole,                 // bool: its plaintext is available
        RevealedRole,                   // bool: its plaintext is shown
    };
    static constexpr int kFetchBatch = 256;

    explicit JsonTreeModel(SecretVault* vault = nullptr, QObject* parent = nullptr);
    ~JsonTreeModel() override;

    // Shows document[rootPointer]; `rootName` names the top in paths ("props"). An absent part shows nothing.
    // `record` identifies the record (its path under .alchemy) for what the user reveals.
    void setDocument(std::shared_ptr<const Json> document, const std::string& rootPointer,
                     const QString& rootName, const QString& record = QString());
    void clear();
    bool isEmpty() const { return m_rootValue == nullptr; }

    QString record() const { return m_record; }
    SecretVault* vault() const;
    void setRevealed(const QModelIndex& index, bool revealed);
    // Every secret of this model's record (all its parts), through the vault.
    void setRevealAll(bool revealed);
    bool revealAll() const;

    // The index of a pointer if its node has been created already (expanding fetches on the way).
    QModelIndex indexForPointer(const std::string& pointer);

    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    friend class NodeTreeModel<JsonTreeModel>;
    struct Node;
    size_t childTotal(const Node* node) const;
    void appendChildren(Node* node, size_t count);
    void secretsChanged();
    QVariant secretData(const Node* node, int column, int role) const;

    QPointer<SecretVault> m_vault;
    std::shared_ptr<const Json> m_document;
    const Json* m_rootValue = nullptr;
    std::unique_ptr<Node> m_root;
    std::vector<Node*> m_secretNodes; // created secret nodes, for dataChanged when the vault opens them
    QString m_record;
    QIcon m_lockIcon, m_unlockIcon, m_linkIcon, m_errorIcon;
};

extern template class NodeTreeModel<JsonTreeModel>;

} // namespace athanor::ui

#include "models/JsonTreeModel.h"

#include "models/JsonValueText.h"
#include "models/NodeTreeModelImpl.h"
#include "secrets/SecretVault.h"
#include "secrets/SecretWalker.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QFont>
#include <QPalette>

namespace athanor::ui {

struct JsonTreeModel::Node {
    Node* parent = nullptr;
    int row = 0;
    const Json* value = nullptr;
    std::string key; // object key or array index
    bool arrayIndex = false;
    std::string pointer; // absolute, into the whole record
    QString path;        // JavaScript path
    bool secret = false;
    std::vector<std::unique_ptr<Node>> children;
};

template class NodeTreeModel<JsonTreeModel>;

namespace {
std::string escapePointerToken(const std::string& key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}
} // namespace

JsonTreeModel::JsonTreeModel(SecretVault* vault, QObject* parent)
    : NodeTreeModel(parent), m_vault(vault), m_lockIcon(QStringLiteral(":/icons/lock.svg")),
      m_unlockIcon(QStringLiteral(":/icons/unlock.svg")), m_linkIcon(QStringLiteral(":/icons/link.svg")),
      m_errorIcon(QStringLiteral(":/icons/error.svg")) {
    if (m_vault) {
        connect(m_vault, &SecretVault::secretsChanged, this, &JsonTreeModel::secretsChanged);
        connect(m_vault, &SecretVault::revealsChanged, this, &JsonTreeModel::secretsChanged);
    }
}

JsonTreeModel::~JsonTreeModel() = default;

void JsonTreeModel::clear() {
    beginResetModel();
    m_secretNodes.clear();
    m_root.reset();
    m_rootValue = nullptr;
    m_document.reset();
    m_record.clear();
    endResetModel();
}

void JsonTreeModel::setDocument(std::shared_ptr<const Json> document, const std::string& rootPointer,
                                const QString& rootName, const QString& record) {
    beginResetModel();
    m_record = record;
    m_secretNodes.clear();
    m_root.reset();
    m_rootValue = nullptr;
    m_document = std::move(document);
    if (m_document) {
        const Json::json_pointer ptr(rootPointer);
        if (m_document->contains(ptr))
            m_rootValue = &m_document->at(ptr);
    }
    if (m_rootValue) {
        m_root = std::make_unique<Node>();
        m_root->value = m_rootValue;
        m_root->pointer = rootPointer;
        m_root->path = rootName;
        // A scalar (or a lone tag) shows as one row of its own.
        if (!m_rootValue->is_structured() || JsonValueText::isLeafTag(*m_rootValue)) {
            auto node = std::make_unique<Node>();
            node->parent = m_root.get();
            node->value = m_rootValue;
            node->key = rootName.toStdString();
            node->pointer = rootPointer;
            node->path = rootName;
            node->secret = hasSecretTag(*m_rootValue);
            if (node->secret)
                m_secretNodes.push_back(node.get());
            m_root->children.push_back(std::move(node));
        } else {
            appendChildren(m_root.get(), kFetchBatch);
        }
    }
    endResetModel();
}

size_t JsonTreeModel::childTotal(const Node* node) const {
    if (node == m_root.get() && !m_root->children.empty() && m_root->children.front()->value == m_rootValue)
        return 1;
    const Json& v = *node->value;
    if (!v.is_structured() || JsonValueText::isLeafTag(v))
        return 0;
    return v.size();
}

void JsonTreeModel::appendChildren(Node* node, size_t count) {
    const Json& v = *node->value;
    const size_t from = node->children.size();
    const size_t to = std::min(v.size(), from + count);
    if (v.is_array()) {
        for (size_t i = from; i < to; ++i) {
            auto child = std::make_unique<Node>();
            child->parent = node;
            child->row = static_cast<int>(i);
            child->value = &v[i];
            child->key = std::to_string(i);
            child->arrayIndex = true;
            child->pointer = node->pointer + "/" + child->key;
            child->path = JsonValueText::appendPathSegment(node->path, child->key, true);
            child->secret = hasSecretTag(*child->value);
            if (child->secret)
                m_secretNodes.push_back(child.get());
            node->children.push_back(std::move(child));
        }
        return;
    }
    auto it = v.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(from));
    for (size_t i = from; i < to; ++i, ++it) {
        auto child = std::make_unique<Node>();
        child->parent = node;
        child->row = static_cast<int>(i);
        child->value = &it.value();
        child->key = it.key();
        child->pointer = node->pointer + "/" + escapePointerToken(child->key);
        child->path = JsonValueText::appendPathSegment(node->path, child->key, false);
        child->secret = hasSecretTag(*child->value);
        if (child->secret)
            m_secretNodes.push_back(child.get());
        node->children.push_back(std::move(child));
    }
}

int JsonTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0)
        return false;
    const Node* n = nodeFor(parent);
    return n && childTotal(n) > 0;
}

bool JsonTreeModel::canFetchMore(const QModelIndex& parent) const {
    if (parent.isValid() && parent.column() != 0)
        return false;
    const Node* n = nodeFor(parent);
    return n && n->children.size() < childTotal(n);
}

void JsonTreeModel::fetchMore(const QModelIndex& parent) {
    Node* n = nodeFor(parent);
    if (!n || (parent.isValid() && parent.column() != 0))
        return;
    const size_t total = childTotal(n);
    const size_t have = n->children.size();
    if (have >= total)
        return;
    const size_t add = std::min<size_t>(kFetchBatch, total - have);
    beginInsertRows(parent, static_cast<int>(have), static_cast<int>(have + add - 1));
    appendChildren(n, add);
    endInsertRows();
}

QModelIndex JsonTreeModel::indexForPointer(const std::string& pointer) {
    if (!m_root)
        return {};
    Node* n = m_root.get();
    QModelIndex idx;
    while (n->pointer != pointer) {
        Node* next = nullptr;
        while (!next) {
            for (auto& c : n->children)
                if (pointer == c->pointer || pointer.rfind(c->pointer + "/", 0) == 0) {
                    next = c.get();
                    break;
                }
            if (next || !canFetchMore(idx))
                break;
            fetchMore(idx);
        }
        if (!next)
            return {};
        n = next;
        idx = index(n->row, 0, idx);
    }
    return idx;
}

void JsonTreeModel::setRevealed(const QModelIndex& index, bool revealed) {
    Node* n = nodeFor(index);
    if (!index.isValid() || !n->secret || !m_vault)
        return;
    m_vault->setRevealed(m_record, n->pointer, revealed); // revealsChanged repaints every view of it
}

void JsonTreeModel::setRevealAll(bool revealed) {
    if (m_vault)
        m_vault->setRevealAll(m_record, revealed);
}

SecretVault* JsonTreeModel::vault() const {
    return m_vault;
}

bool JsonTreeModel::revealAll() const {
    return m_vault && m_vault->revealsAll(m_record);
}

void JsonTreeModel::secretsChanged() {
    for (Node* n : m_secretNodes)
        emit dataChanged(createIndex(n->row, 0, n), createIndex(n->row, ColumnCount - 1, n));
}

QVariant JsonTreeModel::secretData(const Node* n, int column, int role) const {
    const SecretVault::State state = m_vault ? m_vault->state(*n->value) : SecretVault::State::Locked;
    const bool open = state == SecretVault::State::Open;
    const bool revealed = open && m_vault->isRevealed(m_record, n->pointer);
    const ThemeColors colors(QApplication::palette());
    switch (role) {
    case Qt::DisplayRole:
        if (column == TypeColumn)
            return tr("secret");
        if (column != ValueColumn)
            break;
        switch (state) {
        case SecretVault::State::Locked:
            return QStringLiteral("•••••••");
        case SecretVault::State::Pending:
            return tr("••••••• decrypting…");
        case SecretVault::State::Open:
            return revealed ? JsonValueText::elide(m_vault->plaintext(*n->value)) : QStringLiteral("•••••••");
        case SecretVault::State::WrongPassword:
            return tr("••••••• needs another password");
        case SecretVault::State::Malformed:
            return tr("cannot be decrypted");
        }
        break;
    case Qt::DecorationRole:
        if (column != ValueColumn)
            break;
        if (state == SecretVault::State::Malformed)
            return m_errorIcon;
        return open ? m_unlockIcon : m_lockIcon;
    case Qt::ForegroundRole:
        if (column != ValueColumn)
            break;
        if (revealed)
            return colors.string();
        if (state == SecretVault::State::Malformed)
            return colors.danger();
        if (state == SecretVault::State::WrongPassword)
            return colors.warning();
        return colors.muted();
    case Qt::ToolTipRole:
        switch (state) {
        case SecretVault::State::Locked:
            return tr("Encrypted. Use “Unlock secrets…” to decrypt.");
        case SecretVault::State::Pending:
            return tr("Decrypting…");
        case SecretVault::State::Open:
            return revealed ? tr("Decrypted. Double-click to hide.")
                            : tr("Decrypted. Double-click to reveal.");
        case SecretVault::State::WrongPassword:
            return tr("None of the passwords given opens this secret. A child scope may use its own: "
                      "add another password.");
        case SecretVault::State::Malformed:
            return m_vault->problem(*n->value);
        }
        break;
    case CopyValueRole:
        return open ? m_vault->plaintext(*n->value) : QString();
    case SecretRole:
        return true;
    case SecretOpenRole:
        return open;
    case RevealedRole:
        return revealed;
    default:
        break;
    }
    return {};
}

QVariant JsonTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const Node* n = nodeFor(index);
    const Json& v = *n->value;
    const int column = index.column();
    switch (role) {
    case PointerRole:
        return QString::fromStdString(n->pointer);
    case PathRole:
        return n->path;
    case ReferenceRole:
        return JsonValueText::referenceTarget(v);
    case SecretRole:
        return n->secret;
    default:
        break;
    }
    if (n->secret && column != KeyColumn)
        return secretData(n, column, role);
    if (n->secret && (role == CopyValueRole || role == SecretOpenRole || role == RevealedRole))
        return secretData(n, column, role);

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case KeyColumn:
            return n->arrayIndex ? QString::fromStdString(n->key) : JsonValueText::displayKey(n->key);
        case ValueColumn:
            return JsonValueText::display(v);
        case TypeColumn:
            return JsonValueText::typeName(v);
        }
        break;
    case Qt::ForegroundRole: {
        const ThemeColors colors(QApplication::palette());
        if (column == KeyColumn)
            return n->arrayIndex || JsonValueText::isSymbolKey(n->key) ? colors.muted() : QVariant();
        if (column == TypeColumn)
            return colors.muted();
        if (!JsonValueText::referenceTarget(v).isEmpty())
            return colors.link();
        if (v.is_object() && serdeTagOf(v) != SerdeTag::None)
            return colors.tag();
        if (v.is_string())
            return colors.string();
        if (v.is_number())
            return colors.number();
        if (v.is_boolean() || v.is_null())
            return colors.keyword();
        return colors.muted();
    }
    case Qt::FontRole:
        if ((column == KeyColumn && JsonValueText::isSymbolKey(n->key)) ||
            (column == ValueColumn && v.is_structured() && serdeTagOf(v) == SerdeTag::None)) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (column == ValueColumn && !JsonValueText::referenceTarget(v).isEmpty()) {
            QFont f;
            f.setUnderline(true);
            return f;
        }
        break;
    case Qt::DecorationRole:
        if (column == ValueColumn && !JsonValueText::referenceTarget(v).isEmpty())
            return m_linkIcon;
        break;
    case Qt::ToolTipRole:
        if (column == KeyColumn && JsonValueText::isSymbolKey(n->key))
            return tr("Symbol-keyed metadata written by Alchemy: %1").arg(QString::fromStdString(n->key));
        if (!JsonValueText::referenceTarget(v).isEmpty())
            return tr("Reference to %1 — click to open it").arg(JsonValueText::referenceTarget(v));
        if (column == ValueColumn && v.is_string() && v.get_ref<const std::string&>().size() > 80)
            return JsonValueText::elide(JsonValueText::copyText(v), 2000);
        return n->path;
    case CopyValueRole:
        return JsonValueText::copyText(v);
    default:
        break;
    }
    return {};
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    }
    return {};
}

} // namespace athanor::ui

#include "models/JsonDiffModel.h"

#include "models/JsonValueText.h"
#include "models/NodeTreeModelImpl.h"
#include "secrets/SecretVault.h"
#include "secrets/SecretWalker.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QFont>
#include <map>

namespace athanor::ui {

namespace {
// Stands in for a secret whose plaintext is not known: equal on both sides, so json::diff passes over it and
// the model marks it Unknown itself.
constexpr const char* kLockedMarker = "@athanor:locked-secret";

bool isLockedMarker(const Json* v) {
    return v && v->is_object() && v->contains(kLockedMarker);
}
bool isSecretValue(const Json* v) {
    return v && v->is_object() && (v->contains("@secret") || v->contains(kLockedMarker));
}

std::string escapeToken(const std::string& key) {
    std::string out;
    for (char c : key)
        out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}
} // namespace

struct JsonDiffModel::Node {
    Node* parent = nullptr;
    int row = 0;
    std::string key;
    bool arrayIndex = false;
    std::string pointer;
    const Json* before = nullptr;
    const Json* after = nullptr;
    Change change = Change::Unchanged;
    bool hasChanges = false;
    std::vector<std::unique_ptr<Node>> children;
};

template class NodeTreeModel<JsonDiffModel>;

JsonDiffModel::JsonDiffModel(SecretVault* vault, QObject* parent) : NodeTreeModel(parent), m_vault(vault) {
    if (m_vault)
        connect(m_vault, &SecretVault::secretsChanged, this, [this] {
            if (m_hasDiff)
                rebuild();
        });
}

JsonDiffModel::~JsonDiffModel() = default;

void JsonDiffModel::clear() {
    setRecord(nullptr);
}

void JsonDiffModel::setRecord(std::shared_ptr<const Json> record) {
    m_record = std::move(record);
    rebuild();
}

Json JsonDiffModel::normalize(const Json& value) const {
    if (value.is_object()) {
        if (hasSecretTag(value)) {
            if (m_vault && m_vault->state(value) == SecretVault::State::Open)
                return Json{{"@secret", m_vault->plaintext(value).toStdString()}};
            return Json{{kLockedMarker, true}};
        }
        Json out = Json::object();
        for (auto it = value.begin(); it != value.end(); ++it)
            out[it.key()] = normalize(it.value());
        return out;
    }
    if (value.is_array()) {
        Json out = Json::array();
        for (const auto& v : value)
            out.push_back(normalize(v));
        return out;
    }
    return value;
}

void JsonDiffModel::rebuild() {
    beginResetModel();
    m_root.reset();
    m_changedPaths.clear();
    m_addedPaths.clear();
    m_removedPaths.clear();
    m_touched.clear();
    m_summary = {};
    m_hasDiff = m_record && m_record->is_object() && m_record->contains("oldProps");
    if (m_hasDiff) {
        m_before = normalize(m_record->at("oldProps"));
        m_after = m_record->contains("props") ? normalize(m_record->at("props")) : Json();
        const Json patch = Json::diff(m_before, m_after);
        std::map<std::string, size_t> appended; // "path/-" adds, numbered after the old array's end
        for (const auto& op : patch) {
            std::string path = op.at("path").get<std::string>();
            const std::string kind = op.at("op").get<std::string>();
            if (path.size() >= 2 && path.compare(path.size() - 2, 2, "/-") == 0) {
                const std::string array = path.substr(0, path.size() - 2);
                const Json::json_pointer ptr(array);
                const size_t base =
                    m_before.contains(ptr) && m_before.at(ptr).is_array() ? m_before.at(ptr).size() : 0;
                path = array + "/" + std::to_string(base + appended[array]++);
            }
            if (kind == "add")
                m_addedPaths.insert(path);
            else if (kind == "remove")
                m_removedPaths.insert(path);
            else
                m_changedPaths.insert(path);
            for (std::string p = path; !p.empty(); p = p.substr(0, p.rfind('/')))
                m_touched.insert(p);
            m_touched.insert("");
        }
        m_root = std::make_unique<Node>();
        m_root->before = &m_before;
        m_root->after = m_record->contains("props") ? &m_after : nullptr;
        build(m_root.get(), Change::Unchanged);
    }
    endResetModel();
}

void JsonDiffModel::build(Node* node, Change inherited) {
    const std::string& p = node->pointer;
    Change change = inherited;
    if (node != m_root.get() && inherited == Change::Unchanged) {
        if (m_addedPaths.count(p))
            change = Change::Added;
        else if (m_removedPaths.count(p))
            change = Change::Removed;
        else if (m_changedPaths.count(p))
            change = Change::Changed;
    }
    const bool secret = isSecretValue(node->before) || isSecretValue(node->after);
    if (secret && (isLockedMarker(node->before) || isLockedMarker(node->after)) && node->before &&
        node->after)
        change = Change::Unknown;
    // Tagged values (and secrets) are compared as one value: a change anywhere inside marks the whole value.
    const bool leaf = secret || (node->before && JsonValueText::isLeafTag(*node->before)) ||
                      (node->after && JsonValueText::isLeafTag(*node->after));
    if (leaf && change == Change::Unchanged && m_touched.count(p))
        change = Change::Changed;
    node->change = change;
    if (node != m_root.get()) {
        switch (change) {
        case Change::Added:
            m_summary.added += inherited == Change::Unchanged ? 1 : 0;
            break;
        case Change::Removed:
            m_summary.removed += inherited == Change::Unchanged ? 1 : 0;
            break;
        case Change::Changed:
            m_summary.changed += inherited == Change::Unchanged ? 1 : 0;
            break;
        case Change::Unknown:
            ++m_summary.unknown;
            break;
        case Change::Unchanged:
            break;
        }
    }
    node->hasChanges = change != Change::Unchanged || m_touched.count(p);
    if (leaf)
        return;
    const Json* b = node->before;
    const Json* a = node->after;
    const bool bothObjects = (!b || b->is_object()) && (!a || a->is_object());
    const bool bothArrays = (!b || b->is_array()) && (!a || a->is_array());
    // A value whose type changed is shown whole on each side.
    if (!(b && b->is_structured()) && !(a && a->is_structured()))
        return;
    if (!bothObjects && !bothArrays)
        return;
    auto add = [&](const std::string& key, bool arrayIndex, const Json* bv, const Json* av) {
        auto child = std::make_unique<Node>();
        child->parent = node;
        child->row = static_cast<int>(node->children.size());
        child->key = key;
        child->arrayIndex = arrayIndex;
        child->pointer = p + "/" + escapeToken(key);
        child->before = bv;
        child->after = av;
        Node* raw = child.get();
        node->children.push_back(std::move(child));
        build(raw, change == Change::Added || change == Change::Removed ? change : Change::Unchanged);
    };
    if (bothArrays) {
        const size_t n = std::max(b ? b->size() : 0, a ? a->size() : 0);
        for (size_t i = 0; i < n; ++i)
            add(std::to_string(i), true, b && i < b->size() ? &(*b)[i] : nullptr,
                a && i < a->size() ? &(*a)[i] : nullptr);
        return;
    }
    if (b)
        for (auto it = b->begin(); it != b->end(); ++it) {
            const auto other = a ? a->find(it.key()) : Json::const_iterator();
            add(it.key(), false, &it.value(), a && other != a->end() ? &other.value() : nullptr);
        }
    if (a)
        for (auto it = a->begin(); it != a->end(); ++it)
            if (!b || !b->contains(it.key()))
                add(it.key(), false, nullptr, &it.value());
}

int JsonDiffModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QString JsonDiffModel::cellText(const Json* value, const Node* node) const {
    if (!value)
        return {};
    if (isLockedMarker(value))
        return tr("secret — unknown");
    if (isSecretValue(value))
        return node->change == Change::Unchanged ? tr("secret (unchanged)") : tr("secret (changed)");
    return JsonValueText::display(*value);
}

QVariant JsonDiffModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const Node* n = nodeFor(index);
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case KeyColumn:
            return n->arrayIndex ? QString::fromStdString(n->key) : JsonValueText::displayKey(n->key);
        case BeforeColumn:
            if (!n->before)
                return n->change == Change::Added ? tr("(absent)") : QString();
            return cellText(n->before, n);
        case AfterColumn:
            if (!n->after)
                return n->change == Change::Removed ? tr("(removed)") : QString();
            return cellText(n->after, n);
        }
        break;
    case Qt::BackgroundRole: {
        const ThemeColors colors(QApplication::palette());
        switch (n->change) {
        case Change::Added:
            return colors.addedBackground();
        case Change::Removed:
            return colors.removedBackground();
        case Change::Changed:
            return colors.changedBackground();
        case Change::Unknown:
        case Change::Unchanged:
            break;
        }
        break;
    }
    case Qt::ForegroundRole: {
        const ThemeColors colors(QApplication::palette());
        if (n->change == Change::Unknown && column != KeyColumn)
            return colors.muted();
        if (n->change == Change::Unchanged && column != KeyColumn)
            return colors.muted();
        break;
    }
    case Qt::FontRole:
        if (n->change == Change::Unknown && column != KeyColumn) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        break;
    case Qt::ToolTipRole:
        switch (n->change) {
        case Change::Added:
            return tr("Added");
        case Change::Removed:
            return tr("Removed");
        case Change::Changed:
            return tr("Changed");
        case Change::Unknown:
            return tr("A secret: unlock secrets to compare the plaintexts.");
        case Change::Unchanged:
            return tr("Unchanged");
        }
        break;
    case ChangeRole:
        return static_cast<int>(n->change);
    case HasChangesRole:
        return n->hasChanges;
    case PointerRole:
        return QString::fromStdString(n->pointer);
    default:
        break;
    }
    return {};
}

QVariant JsonDiffModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case BeforeColumn:
        return m_beforeTitle.isEmpty() ? tr("Before (oldProps)") : m_beforeTitle;
    case AfterColumn:
        return m_afterTitle.isEmpty() ? tr("After (props)") : m_afterTitle;
    }
    return {};
}

void JsonDiffModel::setColumnTitles(const QString& before, const QString& after) {
    m_beforeTitle = before;
    m_afterTitle = after;
    emit headerDataChanged(Qt::Horizontal, BeforeColumn, AfterColumn);
}

} // namespace athanor::ui

#include "deploy/OutputsModel.h"

#include "deploy/EventLogFormat.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QFont>

namespace athanor::ui {

namespace {

bool containsSecret(const athanor::Json& v) {
    if (OutputsModel::isSecret(v))
        return true;
    if (v.is_object() || v.is_array()) {
        for (const auto& child : v)
            if (containsSecret(child))
                return true;
    }
    return false;
}

// The engine's metadata keys ("Symbol(alchemy::...)") describe the record, not the resource's output.
bool isMetadataKey(const std::string& key) {
    return key.rfind("Symbol(", 0) == 0;
}

} // namespace

OutputsModel::OutputsModel(QObject* parent) : QAbstractTableModel(parent) {}

bool OutputsModel::isSecret(const athanor::Json& v) {
    return v.is_object() && v.size() == 1 && v.contains("@secret");
}

QString OutputsModel::maskedText() {
    return QStringLiteral("••••••");
}

int OutputsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OutputsModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

athanor::Json OutputsModel::masked(const athanor::Json& v) const {
    if (isSecret(v))
        return m_reveal ? v : athanor::Json{{"@secret", maskedText().toStdString()}};
    if (v.is_object()) {
        athanor::Json out = athanor::Json::object();
        for (auto it = v.begin(); it != v.end(); ++it)
            out[it.key()] = masked(it.value());
        return out;
    }
    if (v.is_array()) {
        athanor::Json out = athanor::Json::array();
        for (const auto& child : v)
            out.push_back(masked(child));
        return out;
    }
    return v;
}

QString OutputsModel::valueText(const Row& row) const {
    if (!row.value)
        return tr("(no outputs)");
    const athanor::Json& v = *row.value;
    if (isSecret(v)) {
        if (!m_reveal)
            return maskedText();
        const auto& plain = v["@secret"];
        return plain.is_string() ? QString::fromStdString(plain.get<std::string>())
                                 : QString::fromStdString(
                                       plain.dump(-1, ' ', false, athanor::Json::error_handler_t::replace));
    }
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    return QString::fromStdString(masked(v).dump(-1, ' ', false, athanor::Json::error_handler_t::replace));
}

QVariant OutputsModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& r = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case ResourceColumn:
            return stageRelativePath(QString::fromStdString(r.fqn));
        case PropertyColumn:
            return QString::fromStdString(r.property);
        case ValueColumn:
            return valueText(r).section(QLatin1Char('\n'), 0, 0);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        if (index.column() == ResourceColumn)
            return QString::fromStdString(r.fqn);
        if (index.column() == ValueColumn && r.value)
            return r.value->is_string() ? valueText(r)
                                        : QString::fromStdString(masked(*r.value).dump(
                                              2, ' ', false, athanor::Json::error_handler_t::replace));
        return {};
    case Qt::ForegroundRole:
        if (index.column() == ValueColumn && (r.secret || !r.value))
            return ThemeColors(QApplication::palette()).muted();
        return {};
    case SecretRole:
        return r.secret;
    case FqnRole:
        return QString::fromStdString(r.fqn);
    default:
        return {};
    }
}

QVariant OutputsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ResourceColumn:
        return tr("Resource");
    case PropertyColumn:
        return tr("Output");
    case ValueColumn:
        return tr("Value");
    default:
        return {};
    }
}

void OutputsModel::setOutputs(std::map<std::string, athanor::Json> outputs) {
    beginResetModel();
    m_outputs = std::move(outputs);
    m_rows.clear();
    m_secretCount = 0;
    for (const auto& [fqn, output] : m_outputs) {
        bool any = false;
        if (output.is_object()) {
            for (auto it = output.begin(); it != output.end(); ++it) {
                if (isMetadataKey(it.key()))
                    continue;
                const bool secret = containsSecret(it.value());
                m_secretCount += secret ? 1 : 0;
                m_rows.push_back({fqn, it.key(), &it.value(), secret});
                any = true;
            }
        } else if (!output.is_null()) {
            const bool secret = containsSecret(output);
            m_secretCount += secret ? 1 : 0;
            m_rows.push_back({fqn, std::string(), &output, secret});
            any = true;
        }
        if (!any)
            m_rows.push_back({fqn, std::string(), nullptr, false});
    }
    endResetModel();
}

void OutputsModel::clear() {
    setOutputs({});
}

void OutputsModel::setRevealSecrets(bool reveal) {
    if (reveal == m_reveal)
        return;
    m_reveal = reveal;
    if (!m_rows.empty())
        emit dataChanged(index(0, ValueColumn), index(rowCount() - 1, ValueColumn));
}

athanor::Json OutputsModel::exportJson() const {
    athanor::Json out = athanor::Json::object();
    for (const auto& [fqn, output] : m_outputs) {
        athanor::Json clean = output;
        if (clean.is_object()) {
            for (auto it = clean.begin(); it != clean.end();) {
                if (isMetadataKey(it.key()))
                    it = clean.erase(it);
                else
                    ++it;
            }
        }
        out[fqn] = masked(clean);
    }
    return out;
}

} // namespace athanor::ui

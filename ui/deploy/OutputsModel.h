#pragma once

#include "json/Json.h"
#include <QAbstractTableModel>
#include <map>
#include <string>
#include <vector>

namespace athanor::ui {

// What Read found: one row per output property of every declared resource. Secret values are masked until
// the user reveals them; the export follows the same rule, so a file never holds a secret nobody chose to
// show.
class OutputsModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { ResourceColumn, PropertyColumn, ValueColumn, ColumnCount };
    enum Role { SecretRole = Qt::UserRole + 1, FqnRole };

    explicit OutputsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setOutputs(std::map<std::string, athanor::Json> outputs);
    void clear();
    bool revealSecrets() const { return m_reveal; }
    void setRevealSecrets(bool reveal);
    int secretCount() const { return m_secretCount; }
    int resourceCount() const { return int(m_outputs.size()); }

    // {fqn: output} with secrets as {"@secret": "••••••"} unless revealed.
    athanor::Json exportJson() const;

    static bool isSecret(const athanor::Json& value);
    static QString maskedText();

private:
    struct Row {
        std::string fqn;
        std::string property; // empty: the resource has no output properties
        const athanor::Json* value = nullptr;
        bool secret = false; // the value is or contains a secret
    };
    QString valueText(const Row& row) const;
    athanor::Json masked(const athanor::Json& value) const;

    std::map<std::string, athanor::Json> m_outputs;
    std::vector<Row> m_rows;
    bool m_reveal = false;
    int m_secretCount = 0;
};

} // namespace athanor::ui

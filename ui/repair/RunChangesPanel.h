#pragma once

#include "lifecycle/Phase.h"

#include <QDateTime>
#include <QStandardItemModel>
#include <QWidget>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class QLabel;
class QPushButton;
class QTreeView;

namespace athanor {
struct OperationChange;
}

namespace athanor::ui {

class JsonDiffModel;
class SecretVault;

// "What did this run change?": the records one up or destroy changed (from the before-images it kept,
// versions/RunBeforeImages), and for the selected one the diff of the whole record before -> after in the
// Changes tab's diff view (secrets masked until the vault opens them). "Restore before this run" writes the
// record's before-image back through `state restore`'s plan, after saying exactly what it writes. Loading and
// restoring run off the GUI thread.
class RunChangesPanel : public QWidget {
    Q_OBJECT
public:
    explicit RunChangesPanel(SecretVault* vault = nullptr, QWidget* parent = nullptr);
    ~RunChangesPanel() override;

    // The source (SourceSpec text) and the run (as run history lists it). Empty spec: nothing is shown.
    void showRun(const QString& sourceSpec, athanor::Phase phase, const QString& app, const QString& stage,
                 const QDateTime& startedAt, qint64 durationMs);
    void clear();

    // Asks before restoring; returns true to write. Default: a QMessageBox. Tests answer it themselves.
    using Confirm = std::function<bool(const QString& title, const QString& details)>;
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    QAbstractItemModel* recordsModel() const { return m_records; }
    JsonDiffModel* diffModel() const { return m_diff; }
    QTreeView* recordsView() const { return m_recordsView; }
    QPushButton* restoreButton() const { return m_restore; }
    QString statusText() const;

signals:
    void loaded(int records);
    // A record was restored (its FQN); the caller reloads the state.
    void restored(const QString& fqn);
    void failed(const QString& message);

private:
    void onCurrentRecordChanged();
    void restoreCurrent();
    void setStatus(const QString& text);

    struct Loaded;
    SecretVault* m_vault;
    QStandardItemModel* m_records;
    JsonDiffModel* m_diff;
    QTreeView* m_recordsView;
    QTreeView* m_diffView;
    QLabel* m_status;
    QPushButton* m_restore;
    Confirm m_confirm;
    QString m_spec;
    std::string m_operationId;
    std::string m_operationTitle;
    std::shared_ptr<std::vector<athanor::OperationChange>> m_changes;
    quint64 m_generation = 0; // results of an older showRun() are dropped
};

} // namespace athanor::ui

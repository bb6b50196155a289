#pragma once

#include "inspector/JsonTreeView.h"
#include "state/RecordDocument.h"
#include "state/StateIndex.h"

#include <QList>
#include <QThreadPool>
#include <QWidget>
#include <memory>

class QAction;
class QLabel;
class QToolBar;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace athanor::ui {

class JsonDiffModel;
class JsonTreeModel;
class RunActivity;
class RecordHeader;
class ScopeSummaryView;
class SecretVault;

// The right-hand side: the selected resource (header, Props / Output / Data / Changes / Raw JSON tabs and the
// secrets bar) or, for an app, stage or scope, its summary, from which the stage's or scope's own record
// opens like any record. A pending deletion shows the old copy's output and props from the record that holds
// it. The record file is read on a worker thread; a newer selection drops an older read. A live reload of the
// same record keeps the tab, expansion and scroll.
class DetailsPane : public QWidget {
    Q_OBJECT
public:
    enum Tab { PropsTab, OutputTab, DataTab, ChangesTab, RawTab };

    DetailsPane(SecretVault* vault, QWidget* parent = nullptr);
    ~DetailsPane() override;

    void setRunActivity(RunActivity* activity);
    // Shows a node of the index (0 or -1: nothing). Called on selection and after every reload.
    void showNode(std::shared_ptr<const StateIndex> index, int32_t node);
    // Entry `entry` of the data.pendingDeletions in the record of node `holder`.
    void showPendingDeletion(std::shared_ptr<const StateIndex> index, int32_t holder, int entry);
    // The shown stage's or scope's own record instead of its summary, and back.
    void showScopeRecord();
    void showScopeSummary();
    void clear();
    // The repairs of the shown node (RepairMenu::actionsFor: the tree menu's actions, enabled where they
    // apply), as buttons above the page. The pane takes the actions over and deletes the previous set.
    void setRepairActions(const QList<QAction*>& actions);
    QList<QAction*> repairActions() const { return m_repairActions; }

    QString currentFqn() const { return m_fqn; }
    std::shared_ptr<const RecordDocument> document() const { return m_document; }
    QTabWidget* tabs() const { return m_tabs; }
    JsonTreeView* view(Tab tab) const;
    JsonDiffModel* diffModel() const { return m_diffModel; }
    ScopeSummaryView* summaryView() const { return m_summary; }
    RecordHeader* header() const { return m_header; }
    bool isShowingSummary() const;
    // The selected record is still being read by a staged load (its details follow once it is).
    bool isWaitingForRecord() const;
    // Copies the value under the cursor of the visible JSON view; false when no value is current.
    bool copyCurrentValue();

signals:
    void fqnActivated(const QString& fqn); // a reference or a summary link
    void unlockRequested();
    void lockRequested();
    void statusMessage(const QString& message);
    void documentLoaded(const QString& fqn);
    void runLogRequested(const QString& logFile); // open a run's log from run history

private:
    void showRecordPage(const SnapshotRecord* record, bool sameNode);
    void loadDocument(const SnapshotRecord& record, bool keepViewState);
    void applyDocument(std::shared_ptr<const RecordDocument> document, bool keepViewState);
    void updateSecretsBar();
    void expandDiff(const QModelIndex& parent);

    SecretVault* m_vault;
    std::shared_ptr<const StateIndex> m_index;
    std::shared_ptr<const RecordDocument> m_document;
    QString m_fqn; // the node's, or the pending deletion's key
    int32_t m_node = -1;
    int m_pendingEntry = -1;         // >= 0: showing that pending deletion of m_node's record
    bool m_scopeRecordShown = false; // a stage / scope node shows its record, not its summary
    int64_t m_loadedModified = -1;
    quint64 m_generation = 0;

    QToolBar* m_repairBar;
    QList<QAction*> m_repairActions;
    QStackedWidget* m_pages;
    QLabel* m_nothing;
    QLabel* m_waiting; // "Reading <file>…": a staged load has not read the selected record yet
    QWidget* m_recordPage;
    RecordHeader* m_header;
    QWidget* m_secretsBar;
    QLabel* m_secretsText;
    QPushButton* m_unlockButton;
    QPushButton* m_revealButton;
    QPushButton* m_lockButton;
    QTabWidget* m_tabs;
    JsonTreeModel* m_models[3];
    JsonTreeView* m_views[3];
    QLabel* m_emptyNotes[3];
    QStackedWidget* m_partStacks[3];
    QStackedWidget* m_changesStack;
    QLabel* m_changesSummary;
    QLabel* m_noChanges;
    JsonDiffModel* m_diffModel;
    QTreeView* m_diffView;
    QPlainTextEdit* m_raw;
    ScopeSummaryView* m_summary;
    QThreadPool m_pool; // last: destroyed first, waiting for a read in flight
};

} // namespace athanor::ui

#pragma once

#include <QObject>
#include <QString>

class QLabel;
class QStatusBar;

namespace athanor::ui {

class RunActivity;
class SecretVault;
struct StateIndex;
class StateSession;
class StateTreeModel;

// The status line's lasting part: what the shown tree holds (apps, stages, scopes, resources; running,
// failed, interrupted, unreadable, pending), how many of its secrets are open, and how the load went (its
// progress, its time, its failure with the reason as tool tip). It follows the session, the vault and the
// run activity by itself; the window calls showCounts() when it shows another tree. Passing messages
// go through QStatusBar::showMessage() wherever they arise.
class StatusBarPresenter : public QObject {
    Q_OBJECT
public:
    StatusBarPresenter(QStatusBar* bar, StateSession* session, StateTreeModel* model, SecretVault* vault,
                       RunActivity* activity);

    void showCounts();
    // A staged load filling in the tree: "Loading records 1,000 / 2,005".
    void showRecordCount(const StateIndex& index);
    void showLoadCancelled();

private:
    static QString loadingRecordsText(qint64 loaded, qint64 total); // as the banner says it (1,000s grouped)

    QStatusBar* m_bar;
    StateSession* m_session;
    StateTreeModel* m_model;
    SecretVault* m_vault;
    QLabel* m_countsLabel;
    QLabel* m_secretsLabel;
    QLabel* m_loadLabel;
};

} // namespace athanor::ui

#pragma once

#include <QSet>
#include <QString>
#include <QTreeView>

namespace athanor::ui {

class StateTreeModel;
class StateFilterProxyModel;

// The scope tree on the left. It keeps what the user was looking at (selection, expanded nodes, scroll
// position, all by FQN) across model resets, which happen on every live reload.
class ScopeTreeView : public QTreeView {
    Q_OBJECT
public:
    struct ViewState {
        QString current;
        QSet<QString> expanded;
        int scroll = 0;
        bool valid = false;
    };

    ScopeTreeView(StateTreeModel* model, StateFilterProxyModel* proxy, QWidget* parent = nullptr);

    ViewState saveViewState() const;
    void restoreViewState(const ViewState& state);

    QString currentFqn() const;
    // Selects (and reveals) a node; false when the FQN is not in the tree or filtered out.
    bool selectFqn(const QString& fqn);
    // Moves to the next / previous node that matches the filter (wrapping around).
    bool selectNextMatch(bool forward);
    // Expands apps and stages, the usual first view of a project.
    void expandTopLevels();
    // Opens the parents of every filter match (up to a limit), so "8 matches" shows eight rows.
    void expandToMatches();

signals:
    void currentFqnChanged(const QString& fqn);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void dataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight,
                     const QList<int>& roles = QList<int>()) override;

private:
    // Kind and Status give up width (down to a floor) before the Name column gets too narrow to read, and
    // return to the widths the user chose when there is room again.
    void fitColumns();
    void collectExpanded(const QModelIndex& parent, QSet<QString>& out) const;
    QModelIndex proxyIndexFor(const QString& fqn) const;

    StateTreeModel* m_model;
    StateFilterProxyModel* m_proxy;
    int m_preferredKindWidth = 140;
    int m_preferredStatusWidth = 230; // "1 interrupted · 1 pending deletion" without eliding
    bool m_fitting = false;
};

} // namespace athanor::ui

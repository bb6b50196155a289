#pragma once

#include <QSet>
#include <QTreeView>

namespace athanor::ui {

class JsonTreeModel;

// A JSON part of a record (JsonTreeModel). Context menu: copy value, copy JSON path / pointer, reveal and
// copy a secret, follow a reference. A click on a reference follows it; a double-click reveals a secret.
class JsonTreeView : public QTreeView {
    Q_OBJECT
public:
    explicit JsonTreeView(JsonTreeModel* model, QWidget* parent = nullptr);

    JsonTreeModel* jsonModel() const { return m_model; }

    // Expansion and scroll by JSON pointer, kept across a reload of the same record.
    struct ViewState {
        QSet<QString> expanded;
        int scroll = 0;
    };
    ViewState saveViewState() const;
    void restoreViewState(const ViewState& state);
    // The first levels open, as a starting point for a record shown for the first time.
    void expandSmallBranches();

    void copyCurrentValue();

signals:
    void referenceActivated(const QString& fqn);
    void statusMessage(const QString& message);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void showMenu(const QPoint& pos);
    void collectExpanded(const QModelIndex& parent, QSet<QString>& out) const;

    JsonTreeModel* m_model;
};

} // namespace athanor::ui

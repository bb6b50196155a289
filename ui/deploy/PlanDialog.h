#pragma once

#include "lifecycle/RunApi.h"

#include <QDialog>
#include <vector>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace athanor::ui {

// Shows what Up would do, resource by resource with each props diff (changes first, unchanged last). In
// Confirm mode it is the gate in front of Up: nothing is applied unless the user presses "Apply".
class PlanDialog : public QDialog {
    Q_OBJECT

public:
    enum class Mode { Review, Confirm };

    PlanDialog(Mode mode, const QString& app, const QString& stage,
               const std::vector<athanor::PlannedChange>& plan, QWidget* parent = nullptr);

    int changeCount() const { return m_changes; }
    QTreeWidget* tree() const { return m_tree; }
    QPushButton* applyButton() const { return m_apply; }

    static QString actionText(athanor::PlannedChange::Action action);
    // One line per JSON-Patch operation ("~ /content: \"new\""), secrets masked.
    static QStringList diffLines(const athanor::Json& diff);

private:
    QTreeWidget* m_tree;
    QPushButton* m_apply = nullptr;
    int m_changes = 0;
};

} // namespace athanor::ui

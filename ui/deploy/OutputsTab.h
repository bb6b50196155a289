#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeView;

namespace athanor::ui {

class OutputsModel;
struct RunOutcome;

// The Outputs tab: what Read found for every declared resource, secrets masked unless revealed, exportable as
// JSON (masked or, when revealed, in plain text, as the dialog title warns).
class OutputsTab : public QWidget {
    Q_OBJECT

public:
    OutputsTab(OutputsModel* model, QWidget* parent = nullptr);

    void setProjectRoot(const QString& root) { m_root = root; } // where the export is offered
    // A Read ended: its outputs and when they were read.
    void showRead(const RunOutcome& outcome);
    void exportOutputs();

private:
    OutputsModel* m_model;
    QString m_root;
    QLabel* m_label;
    QCheckBox* m_reveal;
    QPushButton* m_export;
    QTreeView* m_view;
};

} // namespace athanor::ui

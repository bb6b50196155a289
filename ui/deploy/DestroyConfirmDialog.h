#pragma once

#include <QDialog>
#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace athanor::ui {

// The gate in front of Destroy: lists every resource that will be deleted (in the order the engine deletes
// them) and only lets the user proceed after typing the stage name exactly. Production-like stage names get
// the danger colour so a wrong window or a wrong stage is hard to miss.
class DestroyConfirmDialog : public QDialog {
    Q_OBJECT

public:
    struct Item {
        QString fqn;
        QString kind;
        QString status;
    };

    DestroyConfirmDialog(const QString& app, const QString& stage, const std::vector<Item>& items,
                         QWidget* parent = nullptr);

    QLineEdit* nameEdit() const { return m_name; }
    QPushButton* destroyButton() const { return m_destroy; }
    QTreeWidget* list() const { return m_list; }
    bool isProductionWarningShown() const { return m_production; }

    // Refuses (stays open, says why) unless the typed name matches the stage.
    void accept() override;

protected:
    // Enter in the name field confirms (the typed name is the confirmation); it never cancels silently.
    void keyPressEvent(QKeyEvent* event) override;

private:
    void updateState();

    QString m_stage;
    QLineEdit* m_name;
    QPushButton* m_destroy;
    QLabel* m_hint;
    QTreeWidget* m_list;
    bool m_production = false;
};

} // namespace athanor::ui

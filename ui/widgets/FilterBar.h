#pragma once

#include "models/StateFilterProxyModel.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace athanor::ui {

// Text (with optional regex), status and kind filters over the scope tree. Typing is debounced so a 10,000
// resource tree is filtered once per pause, not once per key; the number of matches is shown beside it.
class FilterBar : public QWidget {
    Q_OBJECT
public:
    explicit FilterBar(StateFilterProxyModel* proxy, QWidget* parent = nullptr);

    void setKinds(const QStringList& kinds);
    void focusSearch();
    void clear();
    QLineEdit* searchEdit() const { return m_text; }
    QCheckBox* regexBox() const { return m_regex; }
    QComboBox* statusBox() const { return m_status; }
    QComboBox* kindBox() const { return m_kind; }
    // Applies a pending text change now (tests, Enter key).
    void applyNow();

signals:
    void nextMatchRequested();
    void previousMatchRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateCount(int count);
    void colourText();

    StateFilterProxyModel* m_proxy;
    QLineEdit* m_text;
    QCheckBox* m_regex;
    QComboBox* m_status;
    QComboBox* m_kind;
    QLabel* m_count;
    QToolButton* m_previous;
    QToolButton* m_next;
    QTimer m_debounce;
};

} // namespace athanor::ui

#pragma once

#include <QListView>

namespace athanor::ui {

// The log list: one-line rows of uniform height, Ctrl+C copies the selected lines, and "follow tail"
// keeps the newest line in view until the user scrolls up (and resumes when they scroll back down).
class LogListView : public QListView {
    Q_OBJECT

public:
    explicit LogListView(QWidget* parent = nullptr);

    void setModel(QAbstractItemModel* model) override;

    bool followTail() const { return m_follow; }
    void setFollowTail(bool follow);

    void setCopyWithTimestamps(bool with) { m_copyWithTimestamps = with; }
    QString selectedText() const;
    // Every row the view currently shows (filter applied), in order.
    QString allText() const;
    void copySelection() const;

signals:
    void followTailChanged(bool follow);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    QString lineFor(const QModelIndex& index) const;
    void scrollToEnd();
    void onScrollValueChanged(int value);

    bool m_follow = true;
    bool m_copyWithTimestamps = true;
    bool m_autoScrolling = false;
};

} // namespace athanor::ui

#pragma once

#include "log/LogEntry.h"

#include <QWidget>
#include <vector>

class QFrame;
class QLabel;
class QLineEdit;
class QTimer;
class QToolButton;

namespace athanor::ui {

class LogModel;
class LogFilterProxyModel;
class LogItemDelegate;
class LogListView;

// The log pane: level toggles, a debounced text filter (substring or regex) with highlighted matches,
// timestamps toggle, follow-tail, copy and save, over a ring-buffer model. It shows the live run's log, or
// a past run's log reopened from history until "Back to live".
class LogPane : public QWidget {
    Q_OBJECT

public:
    explicit LogPane(LogModel* liveModel, QWidget* parent = nullptr);

    LogFilterProxyModel* proxy() const { return m_proxy; }
    LogListView* view() const { return m_view; }
    LogModel* liveModel() const { return m_live; }
    LogModel* shownModel() const;
    bool showingArchive() const;

    void showArchive(const QString& title, std::vector<LogEntry> entries);
    void showLive();

    // Applies the text filter now (the line edit debounces).
    void setFilterText(const QString& text, bool regularExpression = false);
    void setShowTimestamps(bool show);
    bool saveTo(const QString& fileName, QString* error = nullptr) const;

signals:
    // The pane went back to the live log (its "Back to live log" button, or showLive()).
    void liveShown();

private:
    QToolButton* makeToggle(const QString& text, const QString& tip, bool checked);
    void applyFilterText();
    void updateCount();
    void saveInteractively();

    LogModel* m_live;
    LogModel* m_archive;
    LogFilterProxyModel* m_proxy;
    LogItemDelegate* m_delegate;
    LogListView* m_view;
    QLineEdit* m_filterEdit;
    QToolButton* m_regexButton;
    QToolButton* m_timeButton;
    QToolButton* m_followButton;
    QLabel* m_countLabel;
    QFrame* m_archiveBar;
    QLabel* m_archiveLabel;
    QTimer* m_filterDebounce;
    QTimer* m_countThrottle;
};

} // namespace athanor::ui

#include "log/LogListView.h"

#include "log/LogEntry.h"
#include "log/LogModel.h"

#include <QApplication>
#include <QClipboard>
#include <QKeyEvent>
#include <QScrollBar>
#include <algorithm>

namespace athanor::ui {

LogListView::LogListView(QWidget* parent) : QListView(parent) {
    setUniformItemSizes(true); // the whole point: layout never asks 100,000 rows for their size
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setTextElideMode(Qt::ElideNone);
    setWordWrap(false);
    // The range grows after the (delayed) layout, not at rowsInserted; following the range is what keeps
    // the newest line in view reliably.
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (m_follow)
            scrollToEnd();
    });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &LogListView::onScrollValueChanged);
}

void LogListView::setModel(QAbstractItemModel* model) {
    QListView::setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this, [this] {
            if (m_follow)
                scrollToEnd();
        });
        connect(model, &QAbstractItemModel::modelReset, this, [this] {
            if (m_follow)
                scrollToEnd();
        });
    }
}

void LogListView::setFollowTail(bool follow) {
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (m_follow)
        scrollToEnd();
    emit followTailChanged(m_follow);
}

void LogListView::scrollToEnd() {
    m_autoScrolling = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_autoScrolling = false;
}

void LogListView::onScrollValueChanged(int value) {
    if (m_autoScrolling)
        return;
    // Scrolling up pauses following; scrolling back to the very end resumes it.
    const bool atEnd = value >= verticalScrollBar()->maximum();
    if (atEnd != m_follow) {
        m_follow = atEnd;
        emit followTailChanged(m_follow);
    }
}

QString LogListView::lineFor(const QModelIndex& index) const {
    LogEntry e;
    e.timeMs = index.data(LogModel::TimeRole).toLongLong();
    e.level = athanor::LogLevel(index.data(LogModel::LevelRole).toInt());
    e.message = index.data(LogModel::MessageRole).toString();
    return LogModel::formatLine(e, m_copyWithTimestamps);
}

QString LogListView::selectedText() const {
    QModelIndexList rows = selectionModel() ? selectionModel()->selectedRows() : QModelIndexList{};
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QString text;
    for (const QModelIndex& i : rows)
        text += lineFor(i) + QLatin1Char('\n');
    return text;
}

QString LogListView::allText() const {
    QString text;
    if (!model())
        return text;
    const int n = model()->rowCount();
    for (int r = 0; r < n; ++r)
        text += lineFor(model()->index(r, 0)) + QLatin1Char('\n');
    return text;
}

void LogListView::copySelection() const {
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void LogListView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

} // namespace athanor::ui

#pragma once

#include <QStyledItemDelegate>

namespace athanor::ui {

class LogFilterProxyModel;

// Paints one log line: optional muted timestamp, then the message in its level's colour with every match
// of the active text filter highlighted. Painting (not the model) owns the timestamp toggle, so flipping
// it never touches 100,000 rows of data.
class LogItemDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit LogItemDelegate(const LogFilterProxyModel* filter, QObject* parent = nullptr);

    void setShowTimestamps(bool show) { m_showTimestamps = show; }
    bool showTimestamps() const { return m_showTimestamps; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    const LogFilterProxyModel* m_filter;
    bool m_showTimestamps = true;
};

} // namespace athanor::ui

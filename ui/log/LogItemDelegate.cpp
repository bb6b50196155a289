#include "log/LogItemDelegate.h"

#include "log/LogFilterProxyModel.h"
#include "log/LogLevelStyle.h"
#include "log/LogModel.h"

#include <QApplication>
#include <QDateTime>
#include <QPainter>

namespace athanor::ui {

namespace {
// Painting stops here; the full text is in the tooltip, copy and save.
constexpr int kMaxPaintedChars = 1500;
constexpr int kMaxHighlights = 64;
constexpr int kPadding = 4;
} // namespace

LogItemDelegate::LogItemDelegate(const LogFilterProxyModel* filter, QObject* parent)
    : QStyledItemDelegate(parent), m_filter(filter) {}

QSize LogItemDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    // Every row is one line of the same height: the view can then use uniform item sizes and lay out
    // 100,000 rows without asking for each one.
    return {option.fontMetrics.averageCharWidth() * 80, option.fontMetrics.height() + 2};
}

void LogItemDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                            const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString message = opt.text.left(kMaxPaintedChars);
    opt.text.clear();
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection, focus

    const bool selected = opt.state.testFlag(QStyle::State_Selected);
    const QPalette& pal = opt.palette;
    const auto level = athanor::LogLevel(index.data(LogModel::LevelRole).toInt());
    const QFontMetrics& fm = opt.fontMetrics;
    QRect r = opt.rect.adjusted(kPadding, 0, -kPadding, 0);
    const int baseline = r.top() + (r.height() - fm.height()) / 2 + fm.ascent();

    painter->save();
    painter->setClipRect(opt.rect);
    painter->setFont(opt.font);

    int x = r.left();
    if (m_showTimestamps) {
        const qint64 ms = index.data(LogModel::TimeRole).toLongLong();
        const QString time =
            QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
        painter->setPen(selected ? pal.color(QPalette::HighlightedText) : LogLevelStyle::mutedColor(pal));
        painter->drawText(x, baseline, time);
        x += fm.horizontalAdvance(time) + fm.averageCharWidth() * 2;
    }

    if (m_filter && !m_filter->highlightPattern().pattern().isEmpty()) {
        const QColor mark = LogLevelStyle::isDark(pal) ? QColor(0x80, 0x66, 0x00) : QColor(0xff, 0xe0, 0x66);
        auto it = m_filter->highlightPattern().globalMatch(message);
        for (int n = 0; it.hasNext() && n < kMaxHighlights; ++n) {
            const auto match = it.next();
            if (match.capturedLength() == 0)
                continue;
            const int left = x + fm.horizontalAdvance(message.left(match.capturedStart()));
            const int width = fm.horizontalAdvance(match.captured());
            if (left > r.right())
                break;
            painter->fillRect(QRect(left, r.top() + 1, width, r.height() - 2), mark);
        }
    }

    painter->setPen(selected ? pal.color(QPalette::HighlightedText) : LogLevelStyle::color(level, pal));
    painter->drawText(x, baseline, message);
    painter->restore();
}

} // namespace athanor::ui

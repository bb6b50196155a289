#include "widgets/StatusBadgeDelegate.h"

#include "models/StateTreeModel.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QPainter>

namespace athanor::ui {

namespace {
constexpr int kPadX = 7;
constexpr int kPadY = 1;
} // namespace

void StatusBadgeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const {
    const QString text = index.data(Qt::DisplayRole).toString();
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);
    if (text.isEmpty())
        return;

    const ThemeColors colors(option.palette);
    // The model says which status colours the badge (a container's: the most serious thing below it).
    const auto status = static_cast<StatusCategory>(index.data(StateTreeModel::ShownStatusRole).toInt());
    const QColor fg = colors.forStatus(status);
    const QColor bg = colors.badgeBackground(fg);

    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * 0.9);
    const QFontMetrics fm(font);
    // +2: the painter's text width rounds differently from the metrics', and an exact fit would elide.
    const int w = std::min(fm.horizontalAdvance(text) + 2 + 2 * kPadX, option.rect.width() - 4);
    const int h = std::min(fm.height() + 2 * kPadY, option.rect.height() - 2);
    const QRect pill(option.rect.left() + 4, option.rect.center().y() - h / 2, w, h);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(bg);
    painter->drawRoundedRect(pill, h / 2.0, h / 2.0);
    painter->setFont(font);
    painter->setPen(fg);
    painter->drawText(pill.adjusted(kPadX, 0, -kPadX, 0), Qt::AlignCenter,
                      fm.elidedText(text, Qt::ElideRight, pill.width() - 2 * kPadX));
    painter->restore();
}

QSize StatusBadgeDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setWidth(size.width() + 2 * kPadX + 8);
    return size;
}

} // namespace athanor::ui

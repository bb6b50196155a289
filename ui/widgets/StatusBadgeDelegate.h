#pragma once

#include <QStyledItemDelegate>

namespace athanor::ui {

// Paints the status column of the scope tree as a small coloured pill ("created", "running", "failed",
// "pending deletion", or a scope's "1 failed · 2 interrupted") in the colour of the model's ShownStatusRole,
// taken from the current palette.
class StatusBadgeDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace athanor::ui

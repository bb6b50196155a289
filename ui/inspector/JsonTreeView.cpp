#include "inspector/JsonTreeView.h"

#include "models/JsonTreeModel.h"
#include "secrets/SecretVault.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QScrollBar>
#include <algorithm>

namespace athanor::ui {

namespace {
constexpr int kSmallBranch = 24; // children shown open on first display
}

JsonTreeView::JsonTreeView(JsonTreeModel* model, QWidget* parent) : QTreeView(parent), m_model(model) {
    setModel(model);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    setContextMenuPolicy(Qt::CustomContextMenu);
    setTextElideMode(Qt::ElideMiddle);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(JsonTreeModel::KeyColumn, QHeaderView::Interactive);
    header()->setSectionResizeMode(JsonTreeModel::ValueColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(JsonTreeModel::TypeColumn, QHeaderView::Interactive);
    header()->resizeSection(JsonTreeModel::KeyColumn, 230);
    header()->resizeSection(JsonTreeModel::TypeColumn, 90);
    connect(this, &QWidget::customContextMenuRequested, this, &JsonTreeView::showMenu);
    connect(this, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
        if (index.data(JsonTreeModel::SecretOpenRole).toBool())
            m_model->setRevealed(index, !index.data(JsonTreeModel::RevealedRole).toBool());
    });
}

void JsonTreeView::mouseReleaseEvent(QMouseEvent* event) {
    QTreeView::mouseReleaseEvent(event);
    const QModelIndex index = indexAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && index.column() == JsonTreeModel::ValueColumn) {
        const QString target = index.data(JsonTreeModel::ReferenceRole).toString();
        if (!target.isEmpty())
            emit referenceActivated(target);
    }
}

void JsonTreeView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Copy)) {
        copyCurrentValue();
        return;
    }
    QTreeView::keyPressEvent(event);
}

void JsonTreeView::copyCurrentValue() {
    const QModelIndex index = currentIndex();
    if (!index.isValid())
        return;
    if (index.data(JsonTreeModel::SecretRole).toBool()) {
        if (!index.data(JsonTreeModel::SecretOpenRole).toBool() || !m_model->vault()) {
            emit statusMessage(tr("The secret is locked: unlock secrets to copy it."));
            return;
        }
        // Through the vault: marked sensitive, and taken off the clipboard after a while and at Lock.
        SecretVault* vault = m_model->vault();
        vault->copyToClipboard(index.data(JsonTreeModel::CopyValueRole).toString());
        emit statusMessage(tr("Copied the secret %1; the clipboard is cleared in %2 s or at Lock.")
                               .arg(index.data(JsonTreeModel::PathRole).toString())
                               .arg(vault->clipboard()->clearAfterMs() / 1000));
        return;
    }
    QApplication::clipboard()->setText(index.data(JsonTreeModel::CopyValueRole).toString());
    emit statusMessage(tr("Copied the value of %1").arg(index.data(JsonTreeModel::PathRole).toString()));
}

void JsonTreeView::showMenu(const QPoint& pos) {
    const QModelIndex index = indexAt(pos);
    if (!index.isValid())
        return;
    setCurrentIndex(index);
    QMenu menu(this);
    const bool secret = index.data(JsonTreeModel::SecretRole).toBool();
    const bool open = index.data(JsonTreeModel::SecretOpenRole).toBool();
    if (secret) {
        QAction* reveal =
            menu.addAction(QIcon(QStringLiteral(":/icons/eye.svg")),
                           index.data(JsonTreeModel::RevealedRole).toBool() ? tr("Hide") : tr("Reveal"));
        reveal->setEnabled(open);
        connect(reveal, &QAction::triggered, this, [this, index] {
            m_model->setRevealed(index, !index.data(JsonTreeModel::RevealedRole).toBool());
        });
        QAction* copySecret = menu.addAction(QIcon(QStringLiteral(":/icons/copy.svg")), tr("Copy Secret"));
        copySecret->setEnabled(open);
        connect(copySecret, &QAction::triggered, this, &JsonTreeView::copyCurrentValue);
    } else {
        QAction* copy = menu.addAction(QIcon(QStringLiteral(":/icons/copy.svg")), tr("Copy Value"));
        copy->setShortcut(QKeySequence::Copy);
        connect(copy, &QAction::triggered, this, &JsonTreeView::copyCurrentValue);
    }
    const QString path = index.data(JsonTreeModel::PathRole).toString();
    const QString pointer = index.data(JsonTreeModel::PointerRole).toString();
    connect(menu.addAction(tr("Copy JSON Path")), &QAction::triggered, this, [this, path] {
        QApplication::clipboard()->setText(path);
        emit statusMessage(tr("Copied %1").arg(path));
    });
    connect(menu.addAction(tr("Copy JSON Pointer")), &QAction::triggered, this, [this, pointer] {
        QApplication::clipboard()->setText(pointer);
        emit statusMessage(tr("Copied %1").arg(pointer));
    });
    const QString target = index.data(JsonTreeModel::ReferenceRole).toString();
    if (!target.isEmpty()) {
        menu.addSeparator();
        connect(menu.addAction(QIcon(QStringLiteral(":/icons/link.svg")), tr("Open %1").arg(target)),
                &QAction::triggered, this, [this, target] { emit referenceActivated(target); });
    }
    if (model()->hasChildren(index.siblingAtColumn(0))) {
        menu.addSeparator();
        connect(menu.addAction(tr("Expand All Below")), &QAction::triggered, this,
                [this, index] { expandRecursively(index.siblingAtColumn(0), 4); });
        connect(menu.addAction(tr("Collapse All")), &QAction::triggered, this, &QTreeView::collapseAll);
    }
    menu.exec(viewport()->mapToGlobal(pos));
}

void JsonTreeView::collectExpanded(const QModelIndex& parent, QSet<QString>& out) const {
    const int rows = m_model->rowCount(parent);
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = m_model->index(row, 0, parent);
        if (isExpanded(child)) {
            out.insert(child.data(JsonTreeModel::PointerRole).toString());
            collectExpanded(child, out);
        }
    }
}

JsonTreeView::ViewState JsonTreeView::saveViewState() const {
    ViewState state;
    collectExpanded({}, state.expanded);
    state.scroll = verticalScrollBar()->value();
    return state;
}

void JsonTreeView::restoreViewState(const ViewState& state) {
    QStringList pointers(state.expanded.begin(), state.expanded.end());
    // Parents before children, so each expansion finds its node already fetched.
    std::sort(pointers.begin(), pointers.end(),
              [](const QString& a, const QString& b) { return a.size() < b.size(); });
    for (const QString& p : pointers) {
        const QModelIndex index = m_model->indexForPointer(p.toStdString());
        if (index.isValid())
            expand(index);
    }
    verticalScrollBar()->setValue(state.scroll);
}

void JsonTreeView::expandSmallBranches() {
    const int rows = m_model->rowCount();
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = m_model->index(row, 0);
        if (m_model->hasChildren(child) && !child.data(JsonTreeModel::SecretRole).toBool()) {
            if (m_model->canFetchMore(child))
                m_model->fetchMore(child);
            if (m_model->rowCount(child) <= kSmallBranch)
                expand(child);
        }
    }
}

} // namespace athanor::ui

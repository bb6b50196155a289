#include "app/CopySelection.h"

#include "inspector/DetailsPane.h"
#include "inspector/ScopeTreeView.h"

#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QTextBrowser>

namespace athanor::ui {

void copySelection(DetailsPane* details, const ScopeTreeView* tree, QStatusBar* statusBar) {
    QWidget* focus = QApplication::focusWidget();
    if (auto* line = qobject_cast<QLineEdit*>(focus)) {
        line->copy();
        return;
    }
    if (auto* text = qobject_cast<QPlainTextEdit*>(focus)) {
        text->copy();
        return;
    }
    if (auto* browser = qobject_cast<QTextBrowser*>(focus)) {
        browser->copy();
        return;
    }
    if (focus && details->isAncestorOf(focus) && details->copyCurrentValue())
        return;
    const QString fqn = tree->currentFqn();
    if (!fqn.isEmpty()) {
        QApplication::clipboard()->setText(fqn);
        statusBar->showMessage(QObject::tr("Copied %1").arg(fqn), 3000);
    }
}

} // namespace athanor::ui

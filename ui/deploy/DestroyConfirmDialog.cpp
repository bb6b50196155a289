#include "deploy/DestroyConfirmDialog.h"

#include "deploy/EventLogFormat.h"
#include "deploy/RunOutcome.h"
#include "deploy/StageNames.h"
#include "widgets/ThemeColors.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace athanor::ui {

DestroyConfirmDialog::DestroyConfirmDialog(const QString& app, const QString& stage,
                                           const std::vector<Item>& items, QWidget* parent)
    : QDialog(parent), m_stage(stage), m_name(new QLineEdit(this)), m_destroy(nullptr),
      m_hint(new QLabel(this)), m_list(new QTreeWidget(this)), m_production(looksLikeProduction(stage)) {
    setObjectName(QStringLiteral("destroyDialog"));
    setWindowTitle(tr("Destroy stage %1?").arg(stage));
    const ThemeColors colors(palette());
    const QColor stageColor = m_production ? colors.danger() : palette().color(QPalette::Text);

    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(this);
    heading->setObjectName(QStringLiteral("destroyHeading"));
    heading->setTextFormat(Qt::RichText);
    heading->setWordWrap(true);
    heading->setText(
        tr("This deletes <b>%1</b> of app <b>%2</b>, stage <b><span style='color:%3'>%4</span></b>, "
           "and removes them from state. It cannot be undone.")
            .arg(countOf(int(items.size()), tr("resource"), tr("resources")), app.toHtmlEscaped(),
                 stageColor.name(), stage.toHtmlEscaped()));
    layout->addWidget(heading);

    if (m_production) {
        auto* warning = new QLabel(this);
        warning->setObjectName(QStringLiteral("productionWarning"));
        warning->setWordWrap(true);
        warning->setText(tr("⚠ “%1” looks like a production stage.").arg(stage));
        warning->setStyleSheet(
            QStringLiteral("QLabel { color: %1; background: %2; border: 1px solid %1; "
                           "border-radius: 4px; padding: 6px; font-weight: bold; }")
                .arg(colors.danger().name(), colors.badgeBackground(colors.danger()).name()));
        layout->addWidget(warning);
    }

    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Resource (deleted in this order)"), tr("Kind"), tr("Status")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    for (const Item& it : items) {
        auto* row = new QTreeWidgetItem(m_list);
        row->setText(0, stageRelativePath(it.fqn));
        row->setToolTip(0, it.fqn);
        row->setText(1, it.kind);
        row->setText(2, it.status);
        row->setForeground(0, colors.danger());
    }
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_list->resizeColumnToContents(1);
    m_list->resizeColumnToContents(2);
    layout->addWidget(m_list, 1);

    auto* prompt =
        new QLabel(tr("Type the stage name <b>%1</b> to confirm:").arg(stage.toHtmlEscaped()), this);
    prompt->setTextFormat(Qt::RichText);
    layout->addWidget(prompt);
    m_name->setObjectName(QStringLiteral("destroyStageName"));
    m_name->setPlaceholderText(stage);
    layout->addWidget(m_name);
    m_hint->setObjectName(QStringLiteral("destroyHint"));
    layout->addWidget(m_hint);

    auto* buttons = new QDialogButtonBox(this);
    m_destroy = buttons->addButton(
        tr("&Destroy %1").arg(QString(stage).replace(QLatin1Char('&'), QStringLiteral("&&"))),
        QDialogButtonBox::AcceptRole);
    m_destroy->setObjectName(QStringLiteral("destroyConfirm"));
    m_destroy->setAutoDefault(false);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setDefault(true);
    m_destroy->setStyleSheet(
        QStringLiteral("QPushButton:enabled { color: %1; font-weight: bold; }").arg(colors.danger().name()));
    connect(buttons, &QDialogButtonBox::accepted, this, &DestroyConfirmDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &DestroyConfirmDialog::updateState);
    updateState();
    m_name->setFocus();
    resize(620, 440);
}

void DestroyConfirmDialog::updateState() {
    const bool match = m_name->text() == m_stage;
    m_destroy->setEnabled(match);
    m_hint->setText(m_name->text().isEmpty() || match ? QString() : tr("That is not the stage name."));
    const ThemeColors colors(palette());
    m_hint->setStyleSheet(QStringLiteral("color: %1").arg(colors.danger().name()));
}

void DestroyConfirmDialog::keyPressEvent(QKeyEvent* event) {
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && (event->modifiers() & ~Qt::KeypadModifier) == Qt::NoModifier && focusWidget() == m_name) {
        accept(); // destroys with the right name, says what is wrong otherwise
        return;
    }
    QDialog::keyPressEvent(event);
}

void DestroyConfirmDialog::accept() {
    if (m_name->text() != m_stage) {
        m_hint->setText(tr("Type “%1” exactly to destroy it.").arg(m_stage));
        return;
    }
    QDialog::accept();
}

} // namespace athanor::ui

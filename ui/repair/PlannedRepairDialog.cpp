#include "repair/PlannedRepairDialog.h"

#include "repair/RepairMenu.h"
#include "repair/RepairPlan.h"
#include "repair/RepairPreview.h"
#include "state/StateSession.h"
#include "widgets/Plural.h"
#include "widgets/ThemeColors.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace athanor::ui {

PlannedRepairDialog::PlannedRepairDialog(StateSession* session, RepairMenu* repairs,
                                         const QString& writeLabel, QWidget* parent)
    : QDialog(parent), m_session(session), m_repairs(repairs) {
    m_input = new QVBoxLayout;
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("repairStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview = new QPlainTextEdit;
    m_preview->setObjectName(QStringLiteral("repairPreview"));
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setMinimumHeight(140);
    m_typePrompt = new QLabel;
    m_typePrompt->setWordWrap(true);
    m_typePrompt->hide();
    m_typedName = new QLineEdit;
    m_typedName->setObjectName(QStringLiteral("typedStageName"));
    m_typedName->hide();
    connect(m_typedName, &QLineEdit::textChanged, this, &PlannedRepairDialog::updateWriteButton);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    m_write = buttons->addButton(writeLabel, QDialogButtonBox::AcceptRole);
    m_write->setEnabled(false);
    connect(m_write, &QPushButton::clicked, this, &PlannedRepairDialog::write);
    connect(buttons, &QDialogButtonBox::rejected, this, &PlannedRepairDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(m_input);
    layout->addWidget(m_status);
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_typePrompt);
    layout->addWidget(m_typedName);
    layout->addWidget(buttons);
    resize(720, 480);
}

PlannedRepairDialog::~PlannedRepairDialog() = default;

QString PlannedRepairDialog::errorText() const {
    return m_status->property("error").toBool() ? m_status->text() : QString();
}

QString PlannedRepairDialog::nameToType(const athanor::RepairPlan&) const {
    return {};
}

void PlannedRepairDialog::refuse(const QString& message) {
    m_planning.discard(); // a plan still under way is for older input
    m_plan.reset();
    m_preview->clear();
    m_status->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).danger().name()));
    m_status->setText(message);
    m_status->setProperty("error", true);
    m_typePrompt->hide();
    m_typedName->hide();
    updateWriteButton();
    emit planFailed();
}

void PlannedRepairDialog::replan(Planner planner) {
    if (!m_session || !m_session->source()) {
        refuse(tr("No state is open."));
        return;
    }
    m_plan.reset();
    m_status->setStyleSheet(
        QStringLiteral("QLabel { color: %1; }").arg(ThemeColors(palette()).muted().name()));
    m_status->setText(tr("Planning…"));
    m_status->setProperty("error", false);
    const std::shared_ptr<athanor::StateSource> stateSource = m_session->source();
    m_planning.start(
        [stateSource, planner]() -> Planned {
            Planned out;
            try {
                athanor::RepairSource source(stateSource);
                out.plan = std::make_shared<athanor::RepairPlan>(planner(source));
                std::string text = athanor::previewText(*out.plan);
                if (!out.plan->changes.empty()) {
                    text += "\nwhere:\n";
                    for (const auto& change : out.plan->changes)
                        text += "  " + source.location(change.key) + "\n";
                }
                out.text = QString::fromStdString(text);
            } catch (const std::exception& e) {
                out.error = QString::fromStdString(e.what());
            }
            return out;
        },
        [this](const Planned& planned) {
            if (!planned.error.isEmpty())
                refuse(planned.error);
            else
                showPlan(planned.plan, planned.text);
        });
    updateWriteButton();
}

void PlannedRepairDialog::showPlan(const std::shared_ptr<athanor::RepairPlan>& plan, const QString& text) {
    m_plan = plan;
    m_preview->setPlainText(text);
    m_status->setStyleSheet(QString());
    m_status->setProperty("error", false);
    if (plan->empty())
        m_status->setText(tr("Nothing to write."));
    else
        m_status->setText(
            tr("<b>%1</b> — %2; Undo Last Repair takes it back.")
                .arg(QString::fromStdString(plan->title).toHtmlEscaped(),
                     plural(qint64(plan->changes.size()), tr("writes 1 record"), tr("writes %1 records"))));
    m_requiredName = nameToType(*plan);
    m_typePrompt->setVisible(!m_requiredName.isEmpty());
    m_typedName->setVisible(!m_requiredName.isEmpty());
    if (!m_requiredName.isEmpty())
        m_typePrompt->setText(tr("This forgets %1. Type the stage name <b>%2</b> to confirm:")
                                  .arg(plural(qint64(plan->removals()), tr("1 record"), tr("%1 records")),
                                       m_requiredName.toHtmlEscaped()));
    updateWriteButton();
    emit planReady();
}

void PlannedRepairDialog::updateWriteButton() {
    const bool typed = m_requiredName.isEmpty() || m_typedName->text() == m_requiredName;
    m_write->setEnabled(!m_writing && !m_planning.isRunning() && m_plan && !m_plan->empty() && typed);
}

void PlannedRepairDialog::write() {
    if (!m_plan || !m_repairs || m_writing || !m_write->isEnabled())
        return;
    m_writing = true;
    updateWriteButton();
    m_status->setText(tr("Writing…"));
    m_repairs->applyThen(
        *m_plan, this,
        [this] {
            m_writing = false;
            emit written();
            QDialog::accept();
        },
        [this](const QString& message) {
            m_writing = false;
            refuse(message);
            emit writeFailed(message);
        });
}

void PlannedRepairDialog::reject() {
    if (m_writing)
        return; // answered in a moment
    m_planning.discard();
    QDialog::reject();
}

} // namespace athanor::ui

#include "deploy/OutputsTab.h"

#include "deploy/OutputsModel.h"
#include "deploy/RunOutcome.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTreeView>
#include <QVBoxLayout>

namespace athanor::ui {

OutputsTab::OutputsTab(OutputsModel* model, QWidget* parent) : QWidget(parent), m_model(model) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* bar = new QHBoxLayout;
    m_label = new QLabel(tr("Press Read to fetch every declared resource's outputs from state."), this);
    m_label->setObjectName(QStringLiteral("outputsLabel"));
    bar->addWidget(m_label, 1);
    m_reveal = new QCheckBox(tr("Reveal secrets"), this);
    m_reveal->setObjectName(QStringLiteral("revealSecrets"));
    m_reveal->setToolTip(tr("Show secret values in plain text (they are masked otherwise, also in exports)"));
    connect(m_reveal, &QCheckBox::toggled, m_model, &OutputsModel::setRevealSecrets);
    bar->addWidget(m_reveal);
    m_export = new QPushButton(tr("Export JSON…"), this);
    m_export->setObjectName(QStringLiteral("exportOutputs"));
    m_export->setEnabled(false);
    connect(m_export, &QPushButton::clicked, this, &OutputsTab::exportOutputs);
    bar->addWidget(m_export);
    layout->addLayout(bar);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("outputsView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->resizeSection(OutputsModel::ResourceColumn, 220);
    m_view->header()->resizeSection(OutputsModel::PropertyColumn, 140);
    layout->addWidget(m_view, 1);
}

void OutputsTab::showRead(const RunOutcome& outcome) {
    m_model->setOutputs(outcome.report.outputs);
    m_export->setEnabled(m_model->resourceCount() > 0);
    m_label->setText(tr("Outputs of %1 on stage %2, read %3.")
                         .arg(countOf(m_model->resourceCount(), tr("resource"), tr("resources")),
                              outcome.request.stage,
                              QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
}

void OutputsTab::exportOutputs() {
    const bool revealed = m_model->revealSecrets();
    const QString title =
        revealed ? tr("Export outputs (secrets in plain text!)") : tr("Export outputs (secrets masked)");
    const QString name = QFileDialog::getSaveFileName(
        this, title, QDir(m_root).filePath(QStringLiteral("outputs.json")), tr("JSON (*.json)"));
    if (name.isEmpty())
        return;
    QSaveFile file(name);
    const std::string text =
        m_model->exportJson().dump(2, ' ', false, athanor::Json::error_handler_t::replace) + "\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) < 0 ||
        !file.commit())
        QMessageBox::warning(this, tr("Export outputs"),
                             tr("Could not write %1: %2").arg(name, file.errorString()));
}

} // namespace athanor::ui

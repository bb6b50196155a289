#include "deploy/RunHistoryTab.h"

#include "deploy/RunHistoryModel.h"
#include "deploy/RunHistoryStore.h"
#include "repair/RunChangesPanel.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace athanor::ui {

RunHistoryTab::RunHistoryTab(RunHistoryModel* model, QWidget* parent) : QWidget(parent), m_model(model) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    auto* bar = new QHBoxLayout;
    auto* hint =
        new QLabel(tr("Every run of this project, newest first. Double-click one to reopen its log."), this);
    bar->addWidget(hint, 1);
    auto* open = new QPushButton(tr("Open log"), this);
    open->setObjectName(QStringLiteral("openHistoryLog"));
    auto* refresh = new QPushButton(tr("Refresh"), this);
    auto* folder = new QPushButton(tr("Show folder"), this);
    bar->addWidget(open);
    bar->addWidget(refresh);
    bar->addWidget(folder);
    layout->addLayout(bar);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("historyView"));
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->resizeSection(RunHistoryModel::StartedColumn, 150);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    m_runChanges = new RunChangesPanel(nullptr, split);
    split->addWidget(m_runChanges);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({100, 300});
    layout->addWidget(split, 1);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!current.isValid() || current.row() >= m_model->rowCount()) {
                    m_runChanges->clear();
                    return;
                }
                const RunHistoryEntry& entry = m_model->entry(current.row());
                m_runChanges->showRun(m_stateSpec, entry.phase, entry.app, entry.stage, entry.startedAt,
                                      entry.durationMs);
            });
    connect(m_runChanges, &RunChangesPanel::restored, this, &RunHistoryTab::restored);
    connect(m_view, &QTreeView::doubleClicked, this,
            [this](const QModelIndex& index) { openLog(index.row()); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            openLog(current.row());
    });
    connect(refresh, &QPushButton::clicked, this, &RunHistoryTab::reload);
    connect(folder, &QPushButton::clicked, this, [this] {
        if (!m_athanorHome.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(RunHistoryStore::runsDir(m_athanorHome)));
    });
}

void RunHistoryTab::reload() {
    m_model->reload(m_athanorHome);
}

void RunHistoryTab::openLog(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return;
    const RunHistoryEntry& e = m_model->entry(row);
    QString error;
    const auto events = RunHistoryStore::readEvents(e.logFile, &error);
    if (events.empty() && !error.isEmpty()) {
        QMessageBox::warning(this, tr("Run history"), tr("Cannot open the log %1: %2").arg(e.logFile, error));
        return;
    }
    const QString title = tr("Log of %1 on %2, %3 — %4")
                              .arg(phaseTitle(e.phase), e.stage,
                                   e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                   runEndText(e.end));
    emit pastRunOpened(title, events);
}

bool RunHistoryTab::openRunLog(const QString& logFile) {
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (QFileInfo(m_model->entry(row).logFile) == QFileInfo(logFile)) {
            openLog(row);
            return true;
        }
    return false;
}

} // namespace athanor::ui

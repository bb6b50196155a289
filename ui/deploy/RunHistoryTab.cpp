#include "deploy/RunHistoryTab.h"

#include "deploy/RunHistoryModel.h"
#include "deploy/RunHistoryStore.h"
#include "history/RunHistory.h"
#include "repair/RunChangesPanel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
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
        new QLabel(tr("Runs of this project, newest first. Double-click one to reopen its log."), this);
    bar->addWidget(hint, 1);
    auto* keepLabel = new QLabel(tr("Runs kept per stage:"), this);
    m_keep = new QSpinBox(this);
    m_keep->setObjectName(QStringLiteral("historyKeep"));
    m_keep->setRange(1, 100000);
    m_keep->setValue(athanor::RunHistorySettings::kDefaultKeep);
    m_keep->setToolTip(tr("Older runs of a stage (their summaries and logs) are removed as new ones are "
                          "recorded. athanorctl keeps the same setting."));
    m_keep->setKeyboardTracking(false); // typing "250" writes once, not 2, 25 and 250
    keepLabel->setBuddy(m_keep);
    bar->addWidget(keepLabel);
    bar->addWidget(m_keep);
    auto* open = new QPushButton(tr("Open log"), this);
    open->setObjectName(QStringLiteral("openHistoryLog"));
    auto* refresh = new QPushButton(tr("Refresh"), this);
    auto* folder = new QPushButton(tr("Show folder"), this);
    bar->addWidget(open);
    bar->addWidget(refresh);
    bar->addWidget(folder);
    layout->addLayout(bar);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
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
    connect(m_keep, &QSpinBox::valueChanged, this, &RunHistoryTab::applyKeep);
    connect(folder, &QPushButton::clicked, this, [this] {
        if (!m_athanorHome.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(RunHistoryStore::runsDir(m_athanorHome)));
    });
}

void RunHistoryTab::reload() {
    m_listing.start(
        [home = m_athanorHome]() {
            Listing listing;
            try {
                if (!home.isEmpty()) {
                    listing.entries = RunHistoryStore::list(home);
                    listing.keep = RunHistoryStore::keepPerStage(home);
                }
            } catch (const std::exception& e) { // a folder that fails mid-listing
                listing.error = QString::fromStdString(e.what());
            }
            return listing;
        },
        [this](Listing listing) { showListing(std::move(listing)); });
}

void RunHistoryTab::showListing(Listing listing) {
    const QModelIndex current = m_view->currentIndex();
    const QString selected = current.isValid() ? m_model->entry(current.row()).summaryFile : QString();
    const size_t runs = listing.entries.size();
    m_model->setEntries(std::move(listing.entries));
    for (int row = 0; row < m_model->rowCount() && !selected.isEmpty(); ++row)
        if (m_model->entry(row).summaryFile == selected) {
            m_view->setCurrentIndex(m_model->index(row, 0));
            break;
        }
    if (listing.keep > 0 && !m_keepWriter.isRunning()) { // a setting being written is newer than this one
        m_shownKeep = listing.keep;
        const QSignalBlocker quiet(m_keep);
        m_keep->setValue(listing.keep);
    }
    m_keep->setEnabled(!m_athanorHome.isEmpty());
    QString status = m_athanorHome.isEmpty()
                         ? tr("No project open.")
                         : tr("%1 kept in %2")
                               .arg(countOf(int(runs), tr("run"), tr("runs")),
                                    QDir::toNativeSeparators(RunHistoryStore::runsDir(m_athanorHome)));
    if (!listing.error.isEmpty())
        status += QStringLiteral("\n") + tr("Cannot list the run history: %1").arg(listing.error);
    if (!m_keepError.isEmpty())
        status += QStringLiteral("\n") + m_keepError;
    m_status->setText(status);
    emit loaded();
}

void RunHistoryTab::applyKeep() {
    const int keep = m_keep->value();
    if (m_athanorHome.isEmpty() || keep == m_shownKeep)
        return;
    m_shownKeep = keep;
    m_keepWriter.start(
        [home = m_athanorHome, keep]() {
            QString error;
            RunHistoryStore::setKeepPerStage(home, keep, &error);
            return error;
        },
        [this](const QString& error) {
            m_keepError =
                error.isEmpty() ? QString() : tr("Cannot change how many runs are kept: %1").arg(error);
            reload(); // what the setting removed, and what it now says
        });
}

QString RunHistoryTab::statusText() const {
    return m_status->text();
}

void RunHistoryTab::openLog(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return;
    const RunHistoryEntry& e = m_model->entry(row);
    const QString title = tr("Log of %1 on %2, %3 — %4")
                              .arg(phaseTitle(e.phase), e.stage,
                                   e.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                   runEndText(e.end));
    m_logReader.start(
        [file = e.logFile]() {
            OpenedLog log;
            log.events = RunHistoryStore::readEvents(file, &log.error);
            return log;
        },
        [this, title, file = e.logFile](OpenedLog log) {
            if (log.events.empty() && !log.error.isEmpty()) {
                QMessageBox::warning(this, tr("Run history"),
                                     tr("Cannot open the log %1: %2").arg(file, log.error));
                return;
            }
            emit pastRunOpened(title, log.events);
        });
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

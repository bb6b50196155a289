#include "repair/RunChangesPanel.h"

#include "models/JsonDiffModel.h"
#include "repair/RepairPlan.h"
#include "repair/RepairWrite.h"
#include "repair/VersionRepairs.h"
#include "store/RecordParse.h"

#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace athanor::ui {

namespace {

// A record's text as a document for the diff; an absent or unparsable record is an empty object.
Json documentOf(const std::optional<std::string>& text) {
    if (!text)
        return Json::object();
    try {
        return parseRecordText(*text);
    } catch (const std::exception&) {
        return Json::object({{"unparsable text", *text}});
    }
}

QString changeWord(const athanor::OperationChange& change) {
    if (!change.before)
        return QObject::tr("created");
    if (!change.after)
        return QObject::tr("removed");
    return change.before == change.after ? QObject::tr("unchanged") : QObject::tr("changed");
}

} // namespace

struct RunChangesPanel::Loaded {
    std::string operationId;
    std::string title;
    std::vector<athanor::OperationChange> changes;
    std::string error;
};

RunChangesPanel::RunChangesPanel(SecretVault* vault, QWidget* parent)
    : QWidget(parent), m_vault(vault), m_records(new QStandardItemModel(this)),
      m_diff(new JsonDiffModel(vault, this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("runChangesStatus"));
    m_status->setWordWrap(true);
    bar->addWidget(m_status, 1);
    m_restore = new QPushButton(tr("Restore before this run…"), this);
    m_restore->setObjectName(QStringLiteral("restoreRecord"));
    m_restore->setToolTip(tr("Write the selected record back as it was before this run (state restore); "
                             "state undo takes it back"));
    m_restore->setEnabled(false);
    bar->addWidget(m_restore);
    layout->addLayout(bar);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_records->setHorizontalHeaderLabels({tr("Record"), tr("Change")});
    m_recordsView = new QTreeView(split);
    m_recordsView->setObjectName(QStringLiteral("runChangedRecords"));
    m_recordsView->setModel(m_records);
    m_recordsView->setRootIsDecorated(false);
    m_recordsView->setUniformRowHeights(true);
    m_recordsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_recordsView->header()->setStretchLastSection(false);
    m_recordsView->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_diffView = new QTreeView(split);
    m_diffView->setObjectName(QStringLiteral("runRecordDiff"));
    m_diffView->setModel(m_diff);
    m_diff->setColumnTitles(tr("Before this run"), tr("After it"));
    m_diffView->setUniformRowHeights(true);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_recordsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &RunChangesPanel::onCurrentRecordChanged);
    connect(m_restore, &QPushButton::clicked, this, &RunChangesPanel::restoreCurrent);
    connect(m_diff, &QAbstractItemModel::modelReset, this, [this] {
        // Expand what differs, as the Changes tab does.
        std::function<void(const QModelIndex&)> expand = [&](const QModelIndex& node) {
            for (int r = 0; r < m_diff->rowCount(node); ++r) {
                const QModelIndex i = m_diff->index(r, 0, node);
                if (i.data(JsonDiffModel::HasChangesRole).toBool()) {
                    m_diffView->expand(i);
                    expand(i);
                }
            }
        };
        expand({});
        m_diffView->resizeColumnToContents(JsonDiffModel::KeyColumn);
        m_diffView->resizeColumnToContents(JsonDiffModel::BeforeColumn);
        // The first change in view: unchanged fields (kind, id, fqn) come first in a record.
        std::function<QModelIndex(const QModelIndex&)> firstChange = [&](const QModelIndex& node) {
            for (int r = 0; r < m_diff->rowCount(node); ++r) {
                const QModelIndex i = m_diff->index(r, 0, node);
                if (!i.data(JsonDiffModel::HasChangesRole).toBool())
                    continue;
                const QModelIndex deeper = firstChange(i);
                return deeper.isValid() ? deeper : i;
            }
            return QModelIndex();
        };
        if (const QModelIndex change = firstChange({}); change.isValid())
            m_diffView->scrollTo(change, QAbstractItemView::PositionAtCenter);
    });
    m_confirm = [this](const QString& title, const QString& details) {
        QMessageBox box(QMessageBox::Question, tr("Restore record"), title, QMessageBox::Cancel, this);
        box.setInformativeText(details);
        box.addButton(tr("Restore"), QMessageBox::AcceptRole);
        return box.exec() == QMessageBox::AcceptRole;
    };
    clear();
}

RunChangesPanel::~RunChangesPanel() = default;

QString RunChangesPanel::statusText() const {
    return m_status->text();
}

void RunChangesPanel::setStatus(const QString& text) {
    m_status->setText(text);
}

void RunChangesPanel::clear() {
    ++m_generation;
    m_spec.clear();
    m_operationId.clear();
    m_changes.reset();
    m_records->removeRows(0, m_records->rowCount());
    m_diff->clear();
    m_restore->setEnabled(false);
    setStatus(tr("Select an Up or Destroy above to see what it changed."));
}

void RunChangesPanel::showRun(const QString& sourceSpec, athanor::Phase phase, const QString& app,
                              const QString& stage, const QDateTime& startedAt, qint64 durationMs) {
    clear();
    if (sourceSpec.isEmpty())
        return;
    if (phase != athanor::Phase::Up && phase != athanor::Phase::Destroy) {
        setStatus(tr("%1 changes no record.").arg(QString::fromUtf8(toString(phase).data())));
        return;
    }
    m_spec = sourceSpec;
    setStatus(tr("Reading what this run changed…"));
    const quint64 generation = m_generation;
    const std::string spec = sourceSpec.toStdString(), phaseName(toString(phase));
    const std::string appName = app.toStdString(), stageName = stage.toStdString();
    const auto start =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(startedAt.toMSecsSinceEpoch()));
    const auto duration = std::chrono::milliseconds(durationMs);
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // another run was selected meanwhile
        Loaded result = watcher->result();
        if (!result.error.empty()) {
            setStatus(QString::fromStdString(result.error));
            emit failed(QString::fromStdString(result.error));
            return;
        }
        m_operationId = result.operationId;
        m_operationTitle = result.title;
        m_changes = std::make_shared<std::vector<athanor::OperationChange>>(std::move(result.changes));
        for (const auto& change : *m_changes) {
            auto* name = new QStandardItem(QString::fromStdString(change.key.path()));
            name->setToolTip(QString::fromStdString(change.key.path()));
            m_records->appendRow({name, new QStandardItem(changeWord(change))});
        }
        setStatus(m_changes->empty() ? tr("This run changed no record.")
                                     : tr("%n record(s) changed by this run; select one for its diff.",
                                          nullptr, int(m_changes->size())));
        if (!m_changes->empty())
            m_recordsView->setCurrentIndex(m_records->index(0, 0));
        emit loaded(int(m_changes->size()));
    });
    watcher->setFuture(QtConcurrent::run([spec, phaseName, appName, stageName, start, duration]() -> Loaded {
        Loaded out;
        try {
            const auto source = athanor::RepairSource::open(athanor::SourceSpec::parse(spec));
            const auto op = athanor::runOperation(athanor::versionStoreOf(*source), phaseName, appName,
                                                  stageName, start, duration);
            if (!op)
                return out; // changed nothing (or pruned): an empty list
            out.operationId = op->id;
            out.title = op->title;
            out.changes = athanor::operationChanges(*source, op->id);
        } catch (const std::exception& e) {
            out.error = e.what();
        }
        return out;
    }));
}

void RunChangesPanel::onCurrentRecordChanged() {
    const int row = m_recordsView->currentIndex().row();
    if (!m_changes || row < 0 || row >= int(m_changes->size())) {
        m_diff->clear();
        m_restore->setEnabled(false);
        return;
    }
    const athanor::OperationChange& change = (*m_changes)[size_t(row)];
    auto both = std::make_shared<Json>(Json::object());
    (*both)["oldProps"] = documentOf(change.before);
    (*both)["props"] = documentOf(change.after);
    m_diff->setRecord(both);
    m_restore->setEnabled(change.current && change.before != change.after);
    m_restore->setToolTip(
        change.current
            ? tr("Write %1 back as it was before this run").arg(QString::fromStdString(change.key.path()))
            : tr("A later operation changed this record: restore it from "
                 "that operation's versions (athanorctl state history)"));
}

void RunChangesPanel::restoreCurrent() {
    const int row = m_recordsView->currentIndex().row();
    if (!m_changes || row < 0 || row >= int(m_changes->size()))
        return;
    const athanor::OperationChange change = (*m_changes)[size_t(row)];
    const QString fqn = QString::fromStdString(change.key.path());
    const QString what =
        change.before
            ? tr("Write %1 back as it was before %2 (%3 bytes).")
                  .arg(fqn, QString::fromStdString(m_operationTitle))
                  .arg(change.before->size())
            : tr("Remove %1: it did not exist before %2.").arg(fqn, QString::fromStdString(m_operationTitle));
    if (!m_confirm(what, tr("Only this record is written, under the stage lock; its current version is "
                            "kept, so Undo Last Repair (the tree's menu) takes the restore back. The real "
                            "resource is not touched.")))
        return;
    m_restore->setEnabled(false);
    setStatus(tr("Restoring %1…").arg(fqn));
    const std::string spec = m_spec.toStdString(), version = m_operationId;
    const std::string path = change.key.path();
    writeRepair(
        this, this, [spec] { return athanor::RepairSource::open(athanor::SourceSpec::parse(spec)); },
        [path, version](athanor::RepairSource& source) {
            return athanor::planRestore(source, path, version);
        },
        [this, fqn](const RepairWriteResult& result) {
            if (result.end != RepairWriteResult::End::Written) {
                setStatus(result.message);
                if (result.end == RepairWriteResult::End::Declined) {
                    m_restore->setEnabled(true); // nothing changed: the restore can be asked again
                    return;
                }
                emit failed(result.message);
                return;
            }
            setStatus(tr("Restored %1 to its version before this run.").arg(fqn));
            emit restored(fqn);
        });
}

} // namespace athanor::ui

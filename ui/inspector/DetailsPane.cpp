#include "inspector/DetailsPane.h"

#include "inspector/RecordHeader.h"
#include "inspector/ScopeSummaryView.h"
#include "models/JsonDiffModel.h"
#include "models/JsonTreeModel.h"
#include "models/StateTreeModel.h"
#include "secrets/SecretVault.h"
#include "secrets/SecretWalker.h"
#include "widgets/JsonHighlighter.h"
#include "widgets/Plural.h"
#include "widgets/ThemeColors.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace athanor::ui {

namespace {
QLabel* makeNote(const QString& text) {
    auto* label = new QLabel(text);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(24);
    label->setEnabled(false); // drawn in the palette's disabled text colour: readable, clearly secondary
    return label;
}
} // namespace

DetailsPane::DetailsPane(SecretVault* vault, QWidget* parent) : QWidget(parent), m_vault(vault) {
    setObjectName(QStringLiteral("DetailsPane"));
    m_pool.setMaxThreadCount(1);

    m_nothing = makeNote(tr("Select a resource to see its props, output and changes,\n"
                            "or a stage or scope to see its summary."));

    m_waiting = makeNote(QString());
    m_waiting->setObjectName(QStringLiteral("waitingForRecord"));

    m_header = new RecordHeader;
    connect(m_header, &RecordHeader::statusMessage, this, &DetailsPane::statusMessage);
    connect(m_header, &RecordHeader::runLogRequested, this, &DetailsPane::runLogRequested);
    connect(m_header, &RecordHeader::summaryRequested, this, &DetailsPane::showScopeSummary);

    // Secrets bar: what is locked and what to do about it.
    m_secretsBar = new QWidget;
    m_secretsBar->setObjectName(QStringLiteral("secretsBar"));
    m_secretsText = new QLabel;
    m_secretsText->setObjectName(QStringLiteral("secretsText"));
    m_unlockButton = new QPushButton(QIcon(QStringLiteral(":/icons/unlock.svg")), tr("Unlock Secrets…"));
    m_unlockButton->setObjectName(QStringLiteral("unlockButton"));
    m_revealButton = new QPushButton(QIcon(QStringLiteral(":/icons/eye.svg")), tr("Reveal All"));
    m_revealButton->setObjectName(QStringLiteral("revealAllButton"));
    m_revealButton->setCheckable(true);
    m_lockButton = new QPushButton(QIcon(QStringLiteral(":/icons/lock.svg")), tr("Lock"));
    m_lockButton->setObjectName(QStringLiteral("lockButton"));
    auto* barIcon = new QLabel;
    barIcon->setPixmap(QIcon(QStringLiteral(":/icons/lock.svg")).pixmap(16, 16));
    auto* bar = new QHBoxLayout(m_secretsBar);
    bar->setContentsMargins(10, 2, 10, 2);
    bar->addWidget(barIcon);
    bar->addWidget(m_secretsText, 1);
    bar->addWidget(m_revealButton);
    bar->addWidget(m_unlockButton);
    bar->addWidget(m_lockButton);
    connect(m_unlockButton, &QPushButton::clicked, this, &DetailsPane::unlockRequested);
    connect(m_lockButton, &QPushButton::clicked, this, &DetailsPane::lockRequested);
    // Reveal All is for this record only (the vault keeps it per record and forgets it at Lock).
    connect(m_revealButton, &QPushButton::toggled, this, [this](bool on) {
        if (m_vault && m_document)
            m_vault->setRevealAll(m_document->key, on);
    });

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("detailTabs"));
    m_tabs->setDocumentMode(true);
    const QString names[3] = {tr("Props"), tr("Output"), tr("Data")};
    const QString empties[3] = {tr("This record has no props."), tr("This record has no output."),
                                tr("This record has no data.")};
    for (int i = 0; i < 3; ++i) {
        m_models[i] = new JsonTreeModel(vault, this);
        m_views[i] = new JsonTreeView(m_models[i]);
        m_views[i]->setObjectName(QStringLiteral("json") + names[i]);
        m_emptyNotes[i] = makeNote(empties[i]);
        m_partStacks[i] = new QStackedWidget;
        m_partStacks[i]->addWidget(m_views[i]);
        m_partStacks[i]->addWidget(m_emptyNotes[i]);
        m_tabs->addTab(m_partStacks[i], names[i]);
        connect(m_views[i], &JsonTreeView::referenceActivated, this, &DetailsPane::fqnActivated);
        connect(m_views[i], &JsonTreeView::statusMessage, this, &DetailsPane::statusMessage);
    }

    // Changes: oldProps -> props.
    m_diffModel = new JsonDiffModel(vault, this);
    m_diffView = new QTreeView;
    m_diffView->setObjectName(QStringLiteral("diffView"));
    m_diffView->setModel(m_diffModel);
    m_diffView->setUniformRowHeights(true);
    m_diffView->header()->setStretchLastSection(true);
    m_diffView->header()->resizeSection(JsonDiffModel::KeyColumn, 200);
    m_diffView->header()->resizeSection(JsonDiffModel::BeforeColumn, 260);
    connect(m_diffModel, &QAbstractItemModel::modelReset, this, [this] {
        expandDiff({});
        const auto s = m_diffModel->summary();
        QStringList parts;
        if (s.changed)
            parts << tr("%1 changed").arg(s.changed);
        if (s.added)
            parts << tr("%1 added").arg(s.added);
        if (s.removed)
            parts << tr("%1 removed").arg(s.removed);
        if (s.unknown)
            parts << plural(s.unknown, tr("1 secret unknown until unlocked"),
                            tr("%1 secrets unknown until unlocked"));
        m_changesSummary->setText(parts.isEmpty()
                                      ? tr("The pending props equal the previous props.")
                                      : tr("Pending change: ") + parts.join(QStringLiteral(", ")));
    });
    m_changesSummary = new QLabel;
    m_changesSummary->setObjectName(QStringLiteral("changesSummary"));
    m_changesSummary->setMargin(6);
    auto* diffPage = new QWidget;
    auto* diffLayout = new QVBoxLayout(diffPage);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->setSpacing(0);
    diffLayout->addWidget(m_changesSummary);
    diffLayout->addWidget(m_diffView, 1);
    m_noChanges =
        makeNote(tr("No pending change. A record carries oldProps only while a create or update is in "
                    "progress, or after one was interrupted; then this tab shows oldProps → props."));
    m_changesStack = new QStackedWidget;
    m_changesStack->addWidget(diffPage);
    m_changesStack->addWidget(m_noChanges);
    m_tabs->addTab(m_changesStack, tr("Changes"));

    m_raw = new QPlainTextEdit;
    m_raw->setObjectName(QStringLiteral("rawJson"));
    m_raw->setReadOnly(true);
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new JsonHighlighter(m_raw->document());
    m_tabs->addTab(m_raw, tr("Raw JSON"));

    m_recordPage = new QWidget;
    auto* recordLayout = new QVBoxLayout(m_recordPage);
    recordLayout->setContentsMargins(0, 0, 0, 0);
    recordLayout->setSpacing(2);
    recordLayout->addWidget(m_header);
    recordLayout->addWidget(m_secretsBar);
    recordLayout->addWidget(m_tabs, 1);

    m_summary = new ScopeSummaryView;
    connect(m_summary, &ScopeSummaryView::fqnActivated, this, &DetailsPane::fqnActivated);
    connect(m_summary, &ScopeSummaryView::recordRequested, this, &DetailsPane::showScopeRecord);
    connect(m_summary, &ScopeSummaryView::runLogRequested, this, &DetailsPane::runLogRequested);

    m_pages = new QStackedWidget;
    m_pages->addWidget(m_nothing);
    m_pages->addWidget(m_waiting);
    m_pages->addWidget(m_recordPage);
    m_pages->addWidget(m_summary);
    // The repairs of the shown node, the same actions as the tree's context menu (RepairMenu::actionsFor).
    m_repairBar = new QToolBar;
    m_repairBar->setObjectName(QStringLiteral("repairActions"));
    m_repairBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_repairBar->setIconSize(QSize(16, 16));
    m_repairBar->hide();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_repairBar);
    layout->addWidget(m_pages);

    if (m_vault) {
        connect(m_vault, &SecretVault::secretsChanged, this, &DetailsPane::updateSecretsBar);
        connect(m_vault, &SecretVault::passwordsChanged, this, &DetailsPane::updateSecretsBar);
        connect(m_vault, &SecretVault::revealsChanged, this, &DetailsPane::updateSecretsBar);
    }
}

DetailsPane::~DetailsPane() {
    ++m_generation;
    m_pool.waitForDone();
}

JsonTreeView* DetailsPane::view(Tab tab) const {
    return tab >= PropsTab && tab <= DataTab ? m_views[tab] : nullptr;
}

bool DetailsPane::isWaitingForRecord() const {
    return m_pages->currentWidget() == m_waiting;
}

bool DetailsPane::isShowingSummary() const {
    return m_pages->currentWidget() == m_summary;
}

bool DetailsPane::copyCurrentValue() {
    const int tab = m_tabs->currentIndex();
    if (m_pages->currentWidget() != m_recordPage || tab > DataTab || !m_views[tab]->currentIndex().isValid())
        return false;
    m_views[tab]->copyCurrentValue();
    return true;
}

void DetailsPane::setRunActivity(RunActivity* activity) {
    m_header->setRunActivity(activity);
    m_summary->setRunActivity(activity);
}

void DetailsPane::setRepairActions(const QList<QAction*>& actions) {
    m_repairBar->clear();
    qDeleteAll(m_repairActions);
    m_repairActions = actions;
    if (!actions.isEmpty()) {
        auto* label = new QLabel(tr("Repair:"));
        label->setStyleSheet(QStringLiteral("QLabel { color: %1; padding: 0 4px; }")
                                 .arg(ThemeColors(palette()).muted().name()));
        m_repairBar->addWidget(label);
    }
    for (QAction* action : actions) {
        action->setParent(this);
        m_repairBar->addAction(action);
    }
    m_repairBar->setVisible(!actions.isEmpty());
}

void DetailsPane::clear() {
    setRepairActions({});
    ++m_generation;
    m_index.reset();
    m_document.reset();
    m_fqn.clear();
    m_node = -1;
    m_pendingEntry = -1;
    m_scopeRecordShown = false;
    m_loadedModified = -1;
    for (JsonTreeModel* m : m_models)
        m->clear();
    m_diffModel->clear();
    m_raw->clear();
    m_pages->setCurrentWidget(m_nothing);
}

void DetailsPane::showNode(std::shared_ptr<const StateIndex> index, int32_t node) {
    if (!index || node <= 0) {
        clear();
        return;
    }
    const QString fqn = index->fqnOf(node);
    const SnapshotNodeKind kind = index->nodeKind(node);
    const SnapshotRecord* record = index->record(node);
    const bool sameNode = fqn == m_fqn;
    m_index = index;
    m_fqn = fqn;
    m_node = node;
    m_pendingEntry = -1;

    if (kind == SnapshotNodeKind::Resource && !index->isRecordLoaded(node)) {
        // Asked for first (StateSession::readRecordFirst); MainWindow shows it again once it is read.
        ++m_generation;
        m_document.reset();
        m_loadedModified = -1;
        m_scopeRecordShown = false;
        m_waiting->setText(tr("Reading %1…").arg(fqn));
        m_pages->setCurrentWidget(m_waiting);
        return;
    }

    // Apps, stages and scopes get the summary (or their own record, once opened from it); a resource (or a
    // resource owning nested ones) its record.
    if (kind != SnapshotNodeKind::Resource && !(sameNode && m_scopeRecordShown && record)) {
        m_scopeRecordShown = false;
        ++m_generation;
        m_document.reset();
        m_loadedModified = -1;
        m_summary->showNode(index, node);
        m_pages->setCurrentWidget(m_summary);
        return;
    }
    if (kind == SnapshotNodeKind::Resource)
        m_scopeRecordShown = false;
    m_header->showRecord(*index, node);
    showRecordPage(record, sameNode);
}

void DetailsPane::showScopeRecord() {
    if (!m_index || m_node <= 0 || !m_index->record(m_node))
        return;
    m_scopeRecordShown = true;
    m_header->showRecord(*m_index, m_node);
    showRecordPage(m_index->record(m_node), false);
}

void DetailsPane::showScopeSummary() {
    if (!m_index || m_node <= 0)
        return;
    m_scopeRecordShown = false;
    m_fqn.clear(); // a fresh summary, not a reload of the record
    showNode(m_index, m_node);
}

void DetailsPane::showPendingDeletion(std::shared_ptr<const StateIndex> index, int32_t holder, int entry) {
    const SnapshotRecord* record = index && holder > 0 ? index->record(holder) : nullptr;
    if (!record || entry < 0 || static_cast<size_t>(entry) >= record->pendingDeletions.size()) {
        clear();
        return;
    }
    const QString key = StateTreeModel::pendingKey(index->fqnOf(holder), entry);
    const bool sameNode = key == m_fqn;
    m_index = index;
    m_fqn = key;
    m_node = holder;
    m_pendingEntry = entry;
    m_scopeRecordShown = false;
    m_header->showPendingDeletion(*index, holder, entry);
    showRecordPage(record, sameNode);
}

void DetailsPane::showRecordPage(const SnapshotRecord* record, bool sameNode) {
    m_pages->setCurrentWidget(m_recordPage);
    if (!record) {
        clear();
        return;
    }
    if (m_vault)
        m_vault->prioritize(QString::fromStdString(record->key()));
    if (sameNode && record->modifiedNs == m_loadedModified && m_document)
        return; // unchanged by this reload
    loadDocument(*record, sameNode && m_document != nullptr);
}

void DetailsPane::loadDocument(const SnapshotRecord& record, bool keepViewState) {
    const quint64 generation = ++m_generation;
    m_loadedModified = record.modifiedNs;
    std::shared_ptr<const StateIndex> index = m_index;
    const SnapshotRecord copy = record;
    m_pool.start([this, generation, index, copy, keepViewState] {
        std::shared_ptr<const RecordDocument> doc = RecordDocument::load(*index->snapshot, copy);
        QMetaObject::invokeMethod(
            this,
            [this, generation, doc, keepViewState] {
                if (generation == m_generation)
                    applyDocument(doc, keepViewState);
            },
            Qt::QueuedConnection);
    });
}

void DetailsPane::applyDocument(std::shared_ptr<const RecordDocument> document, bool keepViewState) {
    JsonTreeView::ViewState states[3];
    const int rawScroll = m_raw->verticalScrollBar()->value();
    if (keepViewState)
        for (int i = 0; i < 3; ++i)
            states[i] = m_views[i]->saveViewState();
    m_document = std::move(document);
    static const char* const partPointers[3] = {"/props", "/output", "/data"};
    static const char* const partNames[3] = {"props", "output", "data"};
    const QString tabNames[3] = {tr("Props"), tr("Output"), tr("Data")};
    const QString empties[3] = {tr("This record has no props."), tr("This record has no output."),
                                tr("This record has no data.")};
    // A pending deletion shows the old copy: its output and props as the holder's record keeps them.
    const std::string entry = "/data/pendingDeletions/" + std::to_string(m_pendingEntry);
    for (int i = 0; i < 3; ++i) {
        std::string pointer = partPointers[i];
        QString name = QString::fromLatin1(partNames[i]);
        QString tab = tabNames[i];
        const bool oldCopy = m_pendingEntry >= 0;
        if (oldCopy && i != DataTab) {
            const char* const part = i == PropsTab ? "oldProps" : "resource";
            pointer = entry + "/" + part;
            name =
                QStringLiteral("data.pendingDeletions[%1].%2").arg(m_pendingEntry).arg(QLatin1String(part));
            tab = i == PropsTab ? tr("Old props") : tr("Old output");
        }
        m_tabs->setTabText(i, tab);
        m_tabs->setTabEnabled(i, !oldCopy || i != DataTab); // an old copy has no data of its own
        if (oldCopy && i == DataTab)
            m_models[i]->clear();
        else
            m_models[i]->setDocument(m_document->json, pointer, name, m_document->key);
        m_partStacks[i]->setCurrentIndex(m_models[i]->isEmpty() ? 1 : 0);
        m_emptyNotes[i]->setText(m_document->json
                                     ? empties[i]
                                     : tr("The record cannot be shown as JSON: %1").arg(m_document->error));
        if (keepViewState)
            m_views[i]->restoreViewState(states[i]);
        else
            m_views[i]->expandSmallBranches();
    }
    if (m_pendingEntry >= 0 && m_tabs->currentIndex() >= DataTab && m_tabs->currentIndex() != RawTab)
        m_tabs->setCurrentIndex(OutputTab);
    m_diffModel->setRecord(m_pendingEntry >= 0 ? nullptr : m_document->json);
    m_tabs->setTabEnabled(ChangesTab, m_pendingEntry < 0);
    m_changesStack->setCurrentIndex(m_diffModel->hasDiff() ? 0 : 1);
    m_tabs->setTabText(ChangesTab, m_diffModel->hasDiff() ? tr("Changes •") : tr("Changes"));
    m_raw->setPlainText(m_document->text.isEmpty() && !m_document->error.isEmpty() ? m_document->error
                                                                                   : m_document->text);
    if (keepViewState)
        m_raw->verticalScrollBar()->setValue(rawScroll);
    else if (!m_document->json)
        m_tabs->setCurrentIndex(RawTab);
    updateSecretsBar();
    emit documentLoaded(m_document->fqn);
}

void DetailsPane::updateSecretsBar() {
    int total = 0, open = 0, wrong = 0, pending = 0;
    if (m_document && m_document->json) {
        try {
            for (const SecretSite& site : findSecrets(*m_document->json)) {
                ++total;
                const Json& object = m_document->json->at(Json::json_pointer(site.pointer));
                switch (m_vault ? m_vault->state(object) : SecretVault::State::Locked) {
                case SecretVault::State::Open:
                    ++open;
                    break;
                case SecretVault::State::WrongPassword:
                case SecretVault::State::Malformed:
                    ++wrong;
                    break;
                case SecretVault::State::Pending:
                    ++pending;
                    break;
                case SecretVault::State::Locked:
                    break;
                }
            }
        } catch (const std::exception& e) {
            m_secretsText->setText(tr("Malformed secret: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    m_secretsBar->setVisible(total > 0);
    if (total == 0)
        return;
    const bool hasPasswords = m_vault && m_vault->hasPasswords();
    QString text;
    if (!hasPasswords)
        text = plural(total, tr("1 encrypted secret in this record."),
                      tr("%1 encrypted secrets in this record."));
    else if (pending > 0)
        text = tr("Decrypting… %1 of %2 open.").arg(open).arg(total);
    else if (wrong > 0)
        text = tr("%1 of %2 secrets open; %3 stay locked — a child scope may use its own password.")
                   .arg(open)
                   .arg(total)
                   .arg(wrong);
    else
        text = plural(total, tr("The secret is decrypted. Double-click a value to reveal it."),
                      tr("All %1 secrets decrypted. Double-click a value to reveal it."));
    m_secretsText->setText(text);
    m_unlockButton->setVisible(!hasPasswords || wrong > 0);
    m_unlockButton->setText(hasPasswords ? tr("Add Password…") : tr("Unlock Secrets…"));
    m_revealButton->setVisible(open > 0);
    m_lockButton->setVisible(hasPasswords);
    const QSignalBlocker block(m_revealButton);
    m_revealButton->setChecked(m_vault && m_vault->revealsAll(m_document->key));
}

void DetailsPane::expandDiff(const QModelIndex& parent) {
    const int rows = m_diffModel->rowCount(parent);
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = m_diffModel->index(row, 0, parent);
        if (child.data(JsonDiffModel::HasChangesRole).toBool() && m_diffModel->rowCount(child) > 0) {
            m_diffView->expand(child);
            expandDiff(child);
        }
    }
}

} // namespace athanor::ui

#include "inspector/RecordHeader.h"

#include "models/RunActivity.h"
#include "models/StateTreeModel.h"
#include "state/StateRecord.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLocale>
#include <QTextDocumentFragment>
#include <QToolButton>
#include <QUrl>

namespace athanor::ui {

namespace {
const QString kRunLogScheme = QStringLiteral("athanor-runlog");

QString phaseTitleForNote(athanor::Phase phase) {
    return phase == athanor::Phase::Destroy ? RecordHeader::tr("Destroy") : RecordHeader::tr("Up");
}
} // namespace

RecordHeader::RecordHeader(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("RecordHeader"));
    m_kind = new QLabel;
    m_kind->setObjectName(QStringLiteral("headerKind"));
    QFont big = m_kind->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_kind->setFont(big);
    m_badge = new QLabel;
    m_badge->setObjectName(QStringLiteral("headerStatus"));
    m_fqn = new QLabel;
    m_fqn->setObjectName(QStringLiteral("headerFqn"));
    m_fqn->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_fqn->setFont(mono);
    m_meta = new QLabel;
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("headerNote"));
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::RichText);
    m_note->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_note->hide();
    connect(m_note, &QLabel::linkActivated, this, [this](const QString& link) {
        const QUrl url(link);
        if (url.scheme() == kRunLogScheme)
            emit runLogRequested(url.path(QUrl::FullyDecoded));
    });
    m_file = new QLabel;
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setMinimumWidth(80);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("headerError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary = new QToolButton;
    m_summary->setObjectName(QStringLiteral("headerSummary"));
    m_summary->setText(tr("‹ Summary"));
    m_summary->setToolTip(tr("Back to the summary of this stage or scope"));
    m_summary->setAutoRaise(true);
    m_summary->hide();
    connect(m_summary, &QToolButton::clicked, this, &RecordHeader::summaryRequested);
    m_copyPath = new QToolButton;
    m_copyPath->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
    m_copyPath->setToolTip(tr("Copy the file path"));
    m_copyPath->setAutoRaise(true);
    m_openFolder = new QToolButton;
    m_openFolder->setIcon(QIcon(QStringLiteral(":/icons/folder-open.svg")));
    m_openFolder->setToolTip(tr("Open the folder holding this record"));
    m_openFolder->setAutoRaise(true);
    connect(m_copyPath, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(m_path);
        emit statusMessage(tr("Copied %1").arg(m_path));
    });
    connect(m_openFolder, &QToolButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(m_path).absolutePath())); });

    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(m_summary);
    titleRow->addWidget(m_kind);
    titleRow->addWidget(m_badge);
    titleRow->addStretch(1);
    titleRow->addWidget(m_meta);
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(m_copyPath);
    fileRow->addWidget(m_openFolder);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 8, 10, 4);
    layout->setSpacing(3);
    layout->addLayout(titleRow);
    layout->addWidget(m_fqn);
    layout->addWidget(m_note);
    layout->addLayout(fileRow);
    layout->addWidget(m_error);
}

void RecordHeader::setRunActivity(RunActivity* activity) {
    if (m_activity)
        disconnect(m_activity, nullptr, this, nullptr);
    m_activity = activity;
    if (m_activity)
        connect(m_activity, &RunActivity::changed, this, &RecordHeader::updateRunState);
}

void RecordHeader::showFile(const StateIndex& index, const SnapshotRecord* r) {
    m_path = r ? QString::fromStdString(index.snapshot->absolutePath(*r).string()) : QString();
    m_file->setText(QDir::toNativeSeparators(m_path));
    m_file->setToolTip(m_file->text());
    m_error->setVisible(r && !r->ok());
    if (r && !r->ok())
        m_error->setText(tr("Cannot use this record: %1").arg(QString::fromStdString(r->error)));
}

void RecordHeader::showRecord(const StateIndex& index, int32_t node) {
    const auto& n = index.nodes[static_cast<size_t>(node)];
    const SnapshotRecord* r = index.record(node);
    const SnapshotNodeKind kind = index.nodeKind(node);
    m_kind->setText(n.kind.isEmpty() ? tr("Unreadable record") : n.kind);
    const QString fqn = index.fqnOf(node);
    m_fqn->setText(fqn);
    m_status = n.status;
    m_shownFqn = kind == SnapshotNodeKind::Resource ? fqn : QString();
    m_summary->setVisible(kind == SnapshotNodeKind::Stage || kind == SnapshotNodeKind::Scope);
    QStringList meta;
    if (r && r->ok()) {
        meta << tr("seq %1").arg(r->seq);
        if (r->secretCount > 0)
            meta << (r->secretCount == 1 ? tr("1 secret") : tr("%1 secrets").arg(r->secretCount));
        if (r->legacyShape)
            meta << tr("older “provider” shape");
        if (!r->recordFqn.empty() && QString::fromStdString(r->recordFqn) != fqn &&
            n.kind != QLatin1String(kScopeKind))
            meta << tr("fqn field: %1").arg(QString::fromStdString(r->recordFqn));
        if (!r->pendingDeletions.empty())
            meta << (r->pendingDeletions.size() == 1
                         ? tr("1 pending deletion")
                         : tr("%1 pending deletions").arg(r->pendingDeletions.size()));
    }
    if (r)
        meta << QLocale().formattedDataSize(static_cast<qint64>(r->fileSize), 1,
                                            QLocale::DataSizeTraditionalFormat);
    m_meta->setText(meta.join(QStringLiteral("  ·  ")));
    showFile(index, r);
    updateRunState();
}

void RecordHeader::showPendingDeletion(const StateIndex& index, int32_t holder, int entry) {
    const SnapshotRecord* r = index.record(holder);
    if (!r || entry < 0 || static_cast<size_t>(entry) >= r->pendingDeletions.size())
        return;
    const PendingDeletion& p = r->pendingDeletions[static_cast<size_t>(entry)];
    const QString holderFqn = index.fqnOf(holder);
    m_kind->setText(p.kind.empty() ? tr("Unknown kind") : QString::fromStdString(p.kind));
    m_fqn->setText(p.fqn.empty() ? tr("%1 (no id)").arg(holderFqn) : QString::fromStdString(p.fqn));
    m_status = StatusCategory::PendingDeletion;
    m_shownFqn.clear();
    m_summary->hide();
    m_meta->setText(tr("data.pendingDeletions[%1] of %2").arg(entry).arg(StateTreeModel::placeText(*r)));
    showFile(index, r);
    const QString scope = holderFqn.toHtmlEscaped();
    m_noteHtml = p.id.empty()
                     ? tr("A corrupted entry without an id: Alchemy will drop it without deleting anything.")
                     : tr("The old copy of <b>%1</b>, replaced without force. It stays in the data of "
                          "<b>%2</b> until a run finishes that scope without errors; then Alchemy deletes it "
                          "(logged as cleanup). Its old output and props are below.")
                           .arg(QString::fromStdString(p.id).toHtmlEscaped(), scope);
    m_noteIsWarning = true;
    m_shown = StatusCategory::PendingDeletion;
    updateBadge();
}

void RecordHeader::updateRunState() {
    if (m_status == StatusCategory::PendingDeletion)
        return;
    const ResourceRun* run = m_activity && !m_shownFqn.isEmpty() ? m_activity->find(m_shownFqn) : nullptr;
    m_shown = m_shownFqn.isEmpty() ? m_status : shownStatus(m_status, run);
    m_noteHtml.clear();
    m_noteIsWarning = false;
    const QString when =
        run ? QLocale().toString(run->startedAt.toLocalTime(), QLocale::ShortFormat) : QString();
    switch (m_shown) {
    case StatusCategory::Running:
        m_noteHtml = tr("A run is applying this resource now.");
        break;
    case StatusCategory::Failed: {
        QString link;
        if (!run->logFile.isEmpty()) {
            QUrl url;
            url.setScheme(kRunLogScheme);
            url.setPath(run->logFile);
            link = QStringLiteral(" <a href=\"%1\">%2</a>")
                       .arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), tr("Open that run's log"));
        }
        m_noteHtml = tr("Failed in the last run (%1 of %2): %3")
                         .arg(phaseTitleForNote(run->phase), when.toHtmlEscaped(),
                              run->errorLine(600).toHtmlEscaped()) +
                     link;
        m_noteIsWarning = true;
        break;
    }
    case StatusCategory::Interrupted:
        m_noteHtml = tr("A run started this change and stopped before recording its end (its process was "
                        "killed or crashed). The next deploy retries it.");
        m_noteIsWarning = true;
        break;
    default:
        break;
    }
    updateBadge();
}

QString RecordHeader::badgeText() const {
    return m_badge->text();
}

QString RecordHeader::noteText() const {
    return m_note->isHidden() ? QString() : QTextDocumentFragment::fromHtml(m_note->text()).toPlainText();
}

void RecordHeader::updateBadge() {
    const ThemeColors colors(palette());
    const QColor fg = colors.forStatus(m_shown);
    const QColor bg = colors.badgeBackground(fg);
    QString text = statusBadgeText(m_status);
    // An in-flight record says which of the three it is.
    if (isInterrupted(m_status)) {
        switch (m_shown) {
        case StatusCategory::Running:
            text += tr(" — running now");
            break;
        case StatusCategory::Failed:
            text += tr(" — failed in the last run");
            break;
        default:
            text += tr(" — interrupted");
            break;
        }
    } else if (m_shown == StatusCategory::Running) {
        text += tr(" — running now");
    }
    m_badge->setText(text);
    m_badge->setToolTip(statusExplanation(m_shown));
    m_badge->setVisible(!text.isEmpty());
    m_badge->setStyleSheet(
        QStringLiteral("QLabel { color: %1; background: %2; border-radius: 8px; padding: 1px 8px; }")
            .arg(fg.name(), bg.name()));
    m_note->setText(m_noteHtml);
    m_note->setVisible(!m_noteHtml.isEmpty());
    m_note->setStyleSheet(QStringLiteral("QLabel { color: %1; }")
                              .arg((m_noteIsWarning && m_shown == StatusCategory::Failed ? colors.danger()
                                    : m_noteIsWarning                                    ? colors.warning()
                                                                                         : colors.info())
                                       .name()));
    m_error->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(colors.danger().name()));
    m_meta->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(colors.muted().name()));
    m_file->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(colors.muted().name()));
}

void RecordHeader::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        updateBadge();
}

} // namespace athanor::ui

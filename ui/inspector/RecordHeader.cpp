#include "inspector/RecordHeader.h"

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
#include <QToolButton>
#include <QUrl>

namespace athanor::ui {

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
    m_file = new QLabel;
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setMinimumWidth(80);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("headerError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
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
    layout->addLayout(fileRow);
    layout->addWidget(m_error);
}

void RecordHeader::showRecord(const StateIndex& index, int32_t node) {
    const auto& n = index.nodes[static_cast<size_t>(node)];
    const SnapshotRecord* r = index.record(node);
    m_kind->setText(n.kind.isEmpty() ? tr("Unreadable record") : n.kind);
    m_fqn->setText(n.fqn);
    m_status = n.status;
    updateBadge();
    QStringList meta;
    if (r && r->ok()) {
        meta << tr("seq %1").arg(r->seq);
        if (r->secretCount > 0)
            meta << (r->secretCount == 1 ? tr("1 secret") : tr("%1 secrets").arg(r->secretCount));
        if (r->legacyShape)
            meta << tr("older “provider” shape");
        if (!r->recordFqn.empty() && QString::fromStdString(r->recordFqn) != n.fqn &&
            n.kind != QLatin1String(kScopeKind))
            meta << tr("fqn field: %1").arg(QString::fromStdString(r->recordFqn));
    }
    if (r)
        meta << QLocale().formattedDataSize(static_cast<qint64>(r->fileSize), 1,
                                            QLocale::DataSizeTraditionalFormat);
    m_meta->setText(meta.join(QStringLiteral("  ·  ")));
    m_path = r ? QString::fromStdString(index.snapshot->absolutePath(*r).string()) : QString();
    m_file->setText(QDir::toNativeSeparators(m_path));
    m_file->setToolTip(m_file->text());
    m_error->setVisible(r && !r->ok());
    if (r && !r->ok())
        m_error->setText(tr("Cannot use this record: %1").arg(QString::fromStdString(r->error)));
}

void RecordHeader::updateBadge() {
    const ThemeColors colors(palette());
    const QColor fg = colors.forStatus(m_status);
    const QColor bg = colors.badgeBackground(fg);
    QString text = statusBadgeText(m_status);
    if (isInterrupted(m_status))
        text += tr(" — interrupted or in progress");
    m_badge->setText(text);
    m_badge->setToolTip(statusExplanation(m_status));
    m_badge->setVisible(!text.isEmpty());
    m_badge->setStyleSheet(
        QStringLiteral("QLabel { color: %1; background: %2; border-radius: 8px; padding: 1px 8px; }")
            .arg(fg.name(), bg.name()));
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

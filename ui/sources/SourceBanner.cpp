#include "sources/SourceBanner.h"

#include "snapshot/StateSnapshot.h"
#include "state/StateSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace athanor::ui {

namespace {

// Whether any stage holds child scopes or nested resources: where Alchemy's own S3 finalize fails.
bool hasNestedScopes(const StateSnapshot& snap) {
    for (const SnapshotRecord& r : snap.records)
        if (r.chain.size() > 2)
            return true;
    return false;
}

QString reasonText(const QString& reason) {
    if (reason == QLatin1String("offline"))
        return QObject::tr("the server does not answer");
    if (reason == QLatin1String("timeout"))
        return QObject::tr("the server did not answer in time");
    if (reason == QLatin1String("unauthorized"))
        return QObject::tr("the server refused the credentials");
    if (reason == QLatin1String("server error"))
        return QObject::tr("the server failed");
    if (reason == QLatin1String("missing secret"))
        return QObject::tr("no token or key to open it");
    return QObject::tr("it cannot be read");
}

} // namespace

SourceBanner::SourceBanner(StateSession* session, QWidget* parent) : QFrame(parent), m_session(session) {
    setObjectName(QStringLiteral("sourceBanner"));
    m_status = new QFrame;
    m_status->setObjectName(QStringLiteral("sourceStatus"));
    m_status->setFrameShape(QFrame::StyledPanel);
    m_status->setAutoFillBackground(true);
    m_message = new QLabel;
    m_message->setObjectName(QStringLiteral("sourceMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("sourceProgress"));
    m_progress->setMaximumWidth(260);
    m_progress->setTextVisible(false);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("sourceCancel"));
    m_retry = new QPushButton(tr("Retry"));
    m_retry->setObjectName(QStringLiteral("sourceRetry"));
    m_credentials = new QPushButton(tr("Enter Token or Key…"));
    m_credentials->setObjectName(QStringLiteral("sourceCredentials"));
    auto* row = new QHBoxLayout(m_status);
    row->setContentsMargins(10, 6, 10, 6);
    row->addWidget(m_message, 1);
    row->addWidget(m_progress);
    row->addWidget(m_cancel);
    row->addWidget(m_credentials);
    row->addWidget(m_retry);

    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("sourceNote"));
    m_note->setWordWrap(true);
    m_note->setContentsMargins(10, 4, 10, 4);
    m_note->setForegroundRole(QPalette::PlaceholderText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_status);
    layout->addWidget(m_note);
    m_status->hide();
    m_note->hide();
    hide();

    connect(m_cancel, &QPushButton::clicked, m_session, &StateSession::cancelLoad);
    connect(m_retry, &QPushButton::clicked, m_session, &StateSession::reload);
    connect(m_credentials, &QPushButton::clicked, this, &SourceBanner::credentialsRequested);
    connect(m_session, &StateSession::loadStarted, this, [this] {
        if (!m_session->index()) // opening: a refresh of a shown tree keeps quiet unless it fails
            showProgress(0, 0);
    });
    connect(m_session, &StateSession::loadProgress, this, [this](qint64 loaded, qint64 total) {
        if (!m_session->index() && !m_session->loadingIndex()) // a walked tree counts what is shown (below)
            showProgress(loaded, total);
    });
    // A folder's walked tree gives the total at once; each batch applied is the count on screen.
    const auto showIndexProgress = [this](const std::shared_ptr<const StateIndex>& index) {
        if (!m_session->index())
            showProgress(static_cast<qint64>(index->loadedRecords()),
                         static_cast<qint64>(index->snapshot->records.size()));
    };
    connect(m_session, &StateSession::treeWalked, this, showIndexProgress);
    connect(
        m_session, &StateSession::recordsLoaded, this,
        [showIndexProgress](const std::shared_ptr<const StateIndex>& index) { showIndexProgress(index); });
    connect(m_session, &StateSession::loadFinished, this, [this] {
        hideStatus();
        updateNote();
    });
    connect(m_session, &StateSession::indexChanged, this, &SourceBanner::updateNote);
    connect(m_session, &StateSession::loadFailedBecause, this, &SourceBanner::showFailure);
    connect(m_session, &StateSession::loadCancelled, this, [this] {
        hideStatus();
        if (!m_session->index()) {
            m_message->setText(tr("Loading %1 was cancelled.").arg(m_session->specText()));
            m_retry->setText(tr("Load Again"));
            m_retry->show();
            m_progress->hide();
            m_cancel->hide();
            m_credentials->hide();
            m_status->show();
            show();
        }
    });
    connect(m_session, &StateSession::projectOpened, this, [this] {
        hideStatus();
        updateNote();
    });
    connect(m_session, &StateSession::projectClosed, this, [this] {
        hideStatus();
        m_note->hide();
        hide();
    });
}

void SourceBanner::showProgress(qint64 loaded, qint64 total) {
    const QLocale locale;
    m_message->setText(
        total > 0 ? tr("Loading records %1 / %2 from %3")
                        .arg(locale.toString(loaded), locale.toString(total), m_session->specText())
        : loaded > 0 ? tr("Loading records %1 from %2").arg(locale.toString(loaded), m_session->specText())
                     : tr("Loading %1…").arg(m_session->specText()));
    // Busy until the total is known and the first records are in (an empty bar looks stuck).
    const bool measured = total > 0 && loaded > 0;
    m_progress->setRange(0, measured ? 1000 : 0);
    if (measured)
        m_progress->setValue(int(1000 * std::min(loaded, total) / total));
    m_progress->show();
    m_cancel->show();
    m_retry->hide();
    m_credentials->hide();
    m_status->setBackgroundRole(QPalette::AlternateBase);
    m_status->show();
    show();
}

void SourceBanner::showFailure(const QString& reason, const QString& message) {
    const bool shown = m_session->index() != nullptr;
    QString text = (shown ? tr("Cannot refresh from %1: %2.") : tr("Cannot open %1: %2."))
                       .arg(m_session->specText(), reasonText(reason));
    if (shown)
        text += QLatin1Char(' ') +
                tr("Showing the snapshot loaded at %1; Athanor tries again every %2 s.")
                    .arg(QLocale().toString(m_session->lastGoodLoad().time(), QLocale::ShortFormat))
                    .arg(m_session->pollIntervalSeconds());
    m_message->setText(text);
    m_message->setToolTip(message);
    m_status->setToolTip(message);
    m_progress->hide();
    m_cancel->hide();
    m_retry->setText(tr("Retry"));
    m_retry->show();
    m_credentials->setVisible(reason == QLatin1String("missing secret") ||
                              reason == QLatin1String("unauthorized"));
    m_status->setBackgroundRole(QPalette::ToolTipBase);
    m_status->show();
    show();
}

void SourceBanner::hideStatus() {
    m_status->hide();
    setVisible(m_note->isVisible());
}

void SourceBanner::updateNote() {
    const auto index = m_session->index();
    const bool s3 = m_session->isOpen() && m_session->spec().kind == SourceSpec::Kind::S3;
    if (s3 && index && hasNestedScopes(*index->snapshot)) {
        m_note->setText(tr(
            "Alchemy 0.94's S3StateStore lists a stage's objects recursively, so every up it runs on a stage "
            "with child scopes or nested resources ends in its finalize with “TypeError: Cannot read "
            "properties "
            "of undefined (reading 'output')” (exit 1) after writing every record: such a stage shows a "
            "failed "
            "last run. The records here are complete; each object is shown under its own scope."));
        m_note->show();
    } else {
        m_note->hide();
    }
    setVisible(m_status->isVisible() || m_note->isVisible());
}

} // namespace athanor::ui

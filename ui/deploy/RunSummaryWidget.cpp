#include "deploy/RunSummaryWidget.h"

#include "deploy/EventLogFormat.h"
#include "widgets/ThemeColors.h"

#include <QApplication>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextDocumentFragment>
#include <QUrl>

namespace athanor::ui {

RunSummaryWidget::RunSummaryWidget(QWidget* parent)
    : QFrame(parent), m_icon(new QLabel(this)), m_label(new QLabel(this)) {
    setObjectName(QStringLiteral("runSummary"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    QFont big = m_icon->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    m_icon->setFont(big);
    m_icon->setAlignment(Qt::AlignTop);
    layout->addWidget(m_icon);
    m_label->setWordWrap(true);
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_label->setOpenExternalLinks(false);
    layout->addWidget(m_label, 1);
    connect(m_label, &QLabel::linkActivated, this, [this](const QString& link) {
        const QUrl url(link);
        if (url.scheme() == QStringLiteral("resource"))
            emit resourceActivated(QUrl::fromPercentEncoding(url.path().toUtf8()));
    });
    hide();
}

QColor RunSummaryWidget::accent() const {
    // The application palette, not this widget's: its own style sheet paints the banner's background into
    // its palette, and mixing from that made every banner darker than the last.
    const ThemeColors colors(QApplication::palette());
    switch (m_tone) {
    case Tone::Success:
        return colors.success();
    case Tone::Warning:
        return colors.warning();
    case Tone::Danger:
        return colors.danger();
    case Tone::Muted:
        break;
    }
    return colors.muted();
}

void RunSummaryWidget::applyTone() {
    if (m_applying)
        return;
    m_applying = true;
    const ThemeColors colors(QApplication::palette());
    const QColor fg = accent();
    setStyleSheet(
        QStringLiteral("#runSummary { background: %1; border: 1px solid %2; border-left: 4px solid %2; "
                       "border-radius: 3px; }")
            .arg(colors.badgeBackground(fg).name(), fg.name()));
    m_icon->setStyleSheet(QStringLiteral("color: %1").arg(fg.name()));
    m_applying = false;
}

void RunSummaryWidget::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    // A theme switch while a banner is shown repaints it in the new palette.
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyTone();
}

void RunSummaryWidget::showMessage(const QString& html, Tone tone) {
    m_icon->clear();
    m_label->setText(html);
    m_tone = tone;
    applyTone();
    show();
}

void RunSummaryWidget::showOutcome(const RunOutcome& o) {
    const QString phase = phaseTitle(o.request.phase).toHtmlEscaped();
    const QString stage = o.request.stage.toHtmlEscaped();
    const QString took = durationText(o.durationMs);
    // A plan changes nothing: say what Up would do instead of "nothing changed".
    const QString counts =
        (o.request.phase == athanor::Phase::Plan ? plannedText(plannedCounts(o.report.plan))
                                                 : countsText(o.report.counts))
            .toHtmlEscaped();
    QString html;
    QString icon;
    Tone tone = Tone::Muted;
    switch (o.end) {
    case RunEnd::Succeeded:
        icon = QStringLiteral("✓");
        tone = Tone::Success;
        html = tr("<b>%1 succeeded</b> on stage <b>%2</b> in %3 — %4").arg(phase, stage, took, counts);
        break;
    case RunEnd::Cancelled:
        icon = QStringLiteral("■");
        tone = Tone::Warning;
        html = tr("<b>%1 cancelled</b> on stage <b>%2</b> after %3 — %4. Resources that had not started were "
                  "left untouched.")
                   .arg(phase, stage, took, counts);
        if (o.report.counts.failed > 0)
            html += QLatin1Char(' ') +
                    tr("A resource stopped mid-way stays interrupted; the next %1 resumes it.").arg(phase);
        break;
    case RunEnd::Failed: {
        icon = QStringLiteral("✗");
        tone = Tone::Danger;
        html = tr("<b>%1 failed</b> on stage <b>%2</b> after %3 — %4").arg(phase, stage, took, counts);
        if (!o.report.firstFailureFqn.empty()) {
            const QString fqn = QString::fromStdString(o.report.firstFailureFqn);
            html += QStringLiteral("<br>") +
                    tr("First failure: <a href='resource:%1'><b>%2</b></a>: %3")
                        .arg(QString::fromUtf8(QUrl::toPercentEncoding(fqn)),
                             stageRelativePath(fqn).toHtmlEscaped(),
                             QString::fromStdString(o.report.firstFailureMessage).toHtmlEscaped());
        }
        if (o.report.errors.size() > 1)
            html += QStringLiteral("<br>") +
                    tr("%1 more in the log.")
                        .arg(countOf(int(o.report.errors.size()) - 1, tr("error"), tr("errors")));
        break;
    }
    case RunEnd::LockHeld:
        icon = QStringLiteral("⊘");
        tone = Tone::Danger;
        html = tr("<b>%1 refused</b>: stage <b>%2</b> is locked by another run — %3. Nothing was changed.")
                   .arg(phase, stage,
                        o.lock ? lockHolderText(*o.lock).toHtmlEscaped() : o.error.toHtmlEscaped());
        break;
    case RunEnd::Error:
        icon = QStringLiteral("✗");
        tone = Tone::Danger;
        html = tr("<b>%1 refused</b> before changing anything: %2").arg(phase, o.error.toHtmlEscaped());
        break;
    }
    m_label->setText(html);
    m_icon->setText(icon);
    m_tone = tone;
    applyTone();
    show();
}

void RunSummaryWidget::clear() {
    m_label->clear();
    m_icon->clear();
    hide();
}

QString RunSummaryWidget::text() const {
    return QTextDocumentFragment::fromHtml(m_label->text()).toPlainText();
}

} // namespace athanor::ui

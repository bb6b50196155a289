#include "inspector/ScopeSummaryView.h"

#include "models/NaturalCollator.h"
#include "models/RunActivity.h"
#include "models/StateTreeModel.h"
#include "widgets/Plural.h"
#include "widgets/ThemeColors.h"

#include <QCollator>
#include <QEvent>
#include <QMap>
#include <QUrl>
#include <algorithm>

namespace athanor::ui {

namespace {
constexpr int kMaxListed = 200; // a broken 10k stage lists the first ones; the filter finds the rest
const QString kScheme = QStringLiteral("athanor-fqn");
const QString kRecordScheme = QStringLiteral("athanor-record");
const QString kRunLogScheme = QStringLiteral("athanor-runlog");
} // namespace

ScopeSummaryView::ScopeSummaryView(QWidget* parent) : QTextBrowser(parent) {
    setObjectName(QStringLiteral("scopeSummary"));
    setOpenLinks(false);
    setFrameShape(QFrame::NoFrame);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == kScheme)
            emit fqnActivated(url.path(QUrl::FullyDecoded));
        else if (url.scheme() == kRecordScheme)
            emit recordRequested();
        else if (url.scheme() == kRunLogScheme)
            emit runLogRequested(url.path(QUrl::FullyDecoded));
    });
}

void ScopeSummaryView::setRunActivity(RunActivity* activity) {
    if (m_activity)
        disconnect(m_activity, nullptr, this, nullptr);
    m_activity = activity;
    if (m_activity)
        connect(m_activity, &RunActivity::changed, this, [this] {
            if (m_index && isVisible())
                render();
        });
}

void ScopeSummaryView::showNode(std::shared_ptr<const StateIndex> index, int32_t node) {
    m_index = std::move(index);
    m_node = node;
    m_fqn = m_index->fqnOf(node);
    render();
}

void ScopeSummaryView::changeEvent(QEvent* event) {
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_index)
        render();
}

void ScopeSummaryView::render() {
    const StateIndex& index = *m_index;
    const auto& top = index.nodes[static_cast<size_t>(m_node)];
    const ThemeColors colors(palette());

    struct Pending {
        int32_t holder;
        int entry;
    };
    QMap<StatusCategory, int> byStatus;
    QMap<QString, int> byKind;
    QList<int32_t> failed, interrupted, unreadable, running;
    QList<Pending> pending;
    int scopes = 0;
    auto collectPending = [&](int32_t n) {
        if (const SnapshotRecord* r = index.record(n))
            for (size_t i = 0; i < r->pendingDeletions.size(); ++i)
                pending.push_back({n, static_cast<int>(i)});
    };
    collectPending(m_node); // a stage's or scope's own list
    std::vector<int32_t> stack(top.children.rbegin(), top.children.rend());
    while (!stack.empty()) {
        const int32_t n = stack.back();
        stack.pop_back();
        const auto& node = index.nodes[static_cast<size_t>(n)];
        const SnapshotNodeKind kind = index.nodeKind(n);
        if (kind == SnapshotNodeKind::Scope || kind == SnapshotNodeKind::Stage)
            ++scopes;
        if (kind == SnapshotNodeKind::Resource || node.status != StatusCategory::None) {
            const StatusCategory shown =
                kind == SnapshotNodeKind::Resource
                    ? shownStatus(node.status, m_activity ? m_activity->find(index.fqnOf(n)) : nullptr)
                    : node.status;
            if (kind == SnapshotNodeKind::Resource) {
                byStatus[shown] += 1;
                byKind[node.kind.isEmpty() ? tr("(unreadable)") : node.kind] += 1;
            }
            if (shown == StatusCategory::Failed)
                failed << n;
            else if (shown == StatusCategory::Interrupted || isInterrupted(shown))
                interrupted << n;
            else if (shown == StatusCategory::Unreadable)
                unreadable << n;
            else if (shown == StatusCategory::Running)
                running << n;
        }
        collectPending(n);
        for (auto it = node.children.rbegin(); it != node.children.rend(); ++it)
            stack.push_back(*it);
    }

    // Links carry a node's FQN or a pending deletion's key, percent-encoded whole ('#' included).
    auto anchor = [](const QString& scheme, const QString& target, const QString& text) {
        return QStringLiteral("<a href=\"%1:%2\">%3</a>")
            .arg(scheme, QString::fromLatin1(QUrl::toPercentEncoding(target)), text.toHtmlEscaped());
    };
    auto link = [&](int32_t n) {
        const QString fqn = index.fqnOf(n);
        return anchor(kScheme, fqn, fqn);
    };
    auto pill = [&](StatusCategory s, const QString& text) {
        const QColor fg = colors.forStatus(s);
        return QStringLiteral("<span style=\"color:%1; background-color:%2;\">&nbsp;%3&nbsp;</span>")
            .arg(fg.name(), colors.badgeBackground(fg).name(), text.toHtmlEscaped());
    };

    QString what;
    switch (index.nodeKind(m_node)) {
    case SnapshotNodeKind::App:
        what = tr("App");
        break;
    case SnapshotNodeKind::Stage:
        what = tr("Stage");
        break;
    default:
        what = tr("Scope");
        break;
    }
    const QString muted = colors.muted().name();
    QString html;
    html +=
        QStringLiteral("<h2 style=\"margin-bottom:0\">%1 <span style=\"font-weight:normal\">%2</span></h2>")
            .arg(what, index.fqnOf(m_node).toHtmlEscaped());
    html += QStringLiteral("<p style=\"color:%1; margin-top:2px\">%2</p>")
                .arg(muted, plural(top.resources, tr("1 resource"), tr("%1 resources")) +
                                (scopes > 0 ? QStringLiteral(" · ") +
                                                  plural(scopes, tr("1 child scope"), tr("%1 child scopes"))
                                            : QString()));
    // A stage's or naked scope's own record (its scope data) opens like any record.
    if (const SnapshotRecord* own = index.record(m_node);
        own && index.nodeKind(m_node) != SnapshotNodeKind::App)
        html +=
            QStringLiteral("<p style=\"color:%1\">%2 %3</p>")
                .arg(muted,
                     tr("Scope record: <code>%1</code>").arg(StateTreeModel::placeText(*own).toHtmlEscaped()),
                     anchor(kRecordScheme, QString(), tr("Open the record")));

    if (!failed.isEmpty() || !interrupted.isEmpty() || !unreadable.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">")
                    .arg(tr("Needs attention"));
        int listed = 0;
        for (int32_t n : failed + interrupted + unreadable) {
            if (++listed > kMaxListed)
                break;
            const auto& node = index.nodes[static_cast<size_t>(n)];
            StatusCategory shown = node.status;
            QString detail = node.kind.toHtmlEscaped();
            if (node.status == StatusCategory::Unreadable) {
                if (const SnapshotRecord* r = index.record(n))
                    detail = QString::fromStdString(r->error).toHtmlEscaped();
            } else if (const ResourceRun* run = m_activity ? m_activity->find(index.fqnOf(n)) : nullptr;
                       run && failed.contains(n)) {
                shown = StatusCategory::Failed;
                detail = run->errorLine().toHtmlEscaped();
                if (!run->logFile.isEmpty())
                    detail += QStringLiteral(" ") + anchor(kRunLogScheme, run->logFile, tr("run log"));
            } else {
                shown = StatusCategory::Interrupted;
            }
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td style=\"color:%3\">%4</td></tr>")
                        .arg(pill(shown, statusBadgeText(shown)), link(n), muted, detail);
        }
        html += QStringLiteral("</table>");
        const int total = static_cast<int>(failed.size() + interrupted.size() + unreadable.size());
        if (total > kMaxListed)
            html +=
                QStringLiteral("<p style=\"color:%1\">%2</p>")
                    .arg(muted,
                         tr("…and %1 more: use the status filter to list them all.").arg(total - kMaxListed));
        if (!failed.isEmpty())
            html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                        .arg(muted, statusExplanation(StatusCategory::Failed));
        if (!interrupted.isEmpty())
            html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                        .arg(muted, statusExplanation(StatusCategory::Interrupted));
    }

    if (!running.isEmpty()) {
        html +=
            QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">").arg(tr("Running now"));
        for (int32_t n : running.mid(0, kMaxListed))
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td style=\"color:%3\">%4</td></tr>")
                        .arg(pill(StatusCategory::Running, statusBadgeText(StatusCategory::Running)), link(n),
                             muted, index.nodes[static_cast<size_t>(n)].kind.toHtmlEscaped());
        html += QStringLiteral("</table>");
    }

    if (!pending.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">")
                    .arg(tr("Pending deletions"));
        for (const Pending& p : pending.mid(0, kMaxListed)) {
            const SnapshotRecord* r = index.record(p.holder);
            const PendingDeletion& d = r->pendingDeletions[static_cast<size_t>(p.entry)];
            const QString holderFqn = index.fqnOf(p.holder);
            const QString name = d.id.empty() ? tr("(no id)") : QString::fromStdString(d.id);
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td style=\"color:%3\">%4</td></tr>")
                        .arg(pill(StatusCategory::PendingDeletion,
                                  statusBadgeText(StatusCategory::PendingDeletion)),
                             anchor(kScheme, StateTreeModel::pendingKey(holderFqn, p.entry),
                                    tr("%1/%2 (old copy)").arg(holderFqn, name)),
                             muted,
                             tr("%1, old copy held in %2")
                                 .arg(QString::fromStdString(d.kind), StateTreeModel::placeText(*r))
                                 .toHtmlEscaped());
        }
        html += QStringLiteral("</table>");
        html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                    .arg(muted, statusExplanation(StatusCategory::PendingDeletion));
    }

    html += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">").arg(tr("By status"));
    for (auto it = byStatus.begin(); it != byStatus.end(); ++it)
        html += QStringLiteral("<tr><td>%1</td><td align=\"right\">%2</td></tr>")
                    .arg(pill(it.key(), statusBadgeText(it.key())))
                    .arg(it.value());
    if (byStatus.isEmpty())
        html += QStringLiteral("<tr><td style=\"color:%1\">%2</td></tr>").arg(muted, tr("No resources."));
    html += QStringLiteral("</table>");

    QStringList kinds = byKind.keys();
    const QCollator collator = naturalCollator();
    std::sort(kinds.begin(), kinds.end(), [&](const QString& a, const QString& b) {
        return byKind[a] != byKind[b] ? byKind[a] > byKind[b] : collator(a, b);
    });
    html += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">").arg(tr("By kind"));
    for (const QString& k : kinds)
        html += QStringLiteral("<tr><td><code>%1</code></td><td align=\"right\">%2</td></tr>")
                    .arg(k.toHtmlEscaped())
                    .arg(byKind[k]);
    html += QStringLiteral("</table>");
    setHtml(html);
}

} // namespace athanor::ui

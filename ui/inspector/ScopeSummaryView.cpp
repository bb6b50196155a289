#include "inspector/ScopeSummaryView.h"

#include "models/NaturalCollator.h"
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
} // namespace

ScopeSummaryView::ScopeSummaryView(QWidget* parent) : QTextBrowser(parent) {
    setObjectName(QStringLiteral("scopeSummary"));
    setOpenLinks(false);
    setFrameShape(QFrame::NoFrame);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == kScheme)
            emit fqnActivated(url.path().mid(1));
    });
}

void ScopeSummaryView::showNode(std::shared_ptr<const StateIndex> index, int32_t node) {
    m_index = std::move(index);
    m_node = node;
    m_fqn = m_index->nodes[static_cast<size_t>(node)].fqn;
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

    QMap<StatusCategory, int> byStatus;
    QMap<QString, int> byKind;
    QList<int32_t> interrupted, unreadable;
    int scopes = 0;
    std::vector<int32_t> stack(top.children.rbegin(), top.children.rend());
    while (!stack.empty()) {
        const int32_t n = stack.back();
        stack.pop_back();
        const auto& node = index.nodes[static_cast<size_t>(n)];
        const SnapshotNodeKind kind = index.nodeKind(n);
        if (kind == SnapshotNodeKind::Scope || kind == SnapshotNodeKind::Stage)
            ++scopes;
        if (kind == SnapshotNodeKind::Resource || node.status != StatusCategory::None) {
            if (kind == SnapshotNodeKind::Resource) {
                byStatus[node.status] += 1;
                byKind[node.kind.isEmpty() ? tr("(unreadable)") : node.kind] += 1;
            }
            if (isInterrupted(node.status))
                interrupted << n;
            else if (node.status == StatusCategory::Unreadable)
                unreadable << n;
        }
        for (auto it = node.children.rbegin(); it != node.children.rend(); ++it)
            stack.push_back(*it);
    }

    auto link = [&](int32_t n) {
        const auto& node = index.nodes[static_cast<size_t>(n)];
        QUrl url;
        url.setScheme(kScheme);
        url.setPath(QLatin1Char('/') + node.fqn);
        return QStringLiteral("<a href=\"%1\">%2</a>")
            .arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(), node.fqn.toHtmlEscaped());
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
            .arg(what, top.fqn.toHtmlEscaped());
    html += QStringLiteral("<p style=\"color:%1; margin-top:2px\">%2</p>")
                .arg(muted, plural(top.resources, tr("1 resource"), tr("%1 resources")) +
                                (scopes > 0 ? QStringLiteral(" · ") +
                                                  plural(scopes, tr("1 child scope"), tr("%1 child scopes"))
                                            : QString()));

    if (!interrupted.isEmpty() || !unreadable.isEmpty()) {
        html += QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">")
                    .arg(tr("Needs attention"));
        int listed = 0;
        for (int32_t n : interrupted + unreadable) {
            if (++listed > kMaxListed)
                break;
            const auto& node = index.nodes[static_cast<size_t>(n)];
            QString detail = node.kind.toHtmlEscaped();
            if (node.status == StatusCategory::Unreadable)
                if (const SnapshotRecord* r = index.record(n))
                    detail = QString::fromStdString(r->error).toHtmlEscaped();
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td style=\"color:%3\">%4</td></tr>")
                        .arg(pill(node.status, statusBadgeText(node.status)), link(n), muted, detail);
        }
        html += QStringLiteral("</table>");
        const int total = static_cast<int>(interrupted.size() + unreadable.size());
        if (total > kMaxListed)
            html +=
                QStringLiteral("<p style=\"color:%1\">%2</p>")
                    .arg(muted,
                         tr("…and %1 more: use the status filter to list them all.").arg(total - kMaxListed));
        if (!interrupted.isEmpty())
            html += QStringLiteral("<p style=\"color:%1\">%2</p>")
                        .arg(muted, statusExplanation(StatusCategory::Creating));
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

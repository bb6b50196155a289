#include "deploy/PlanDialog.h"

#include "deploy/EventLogFormat.h"
#include "deploy/StageNames.h"
#include "widgets/ThemeColors.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

namespace athanor::ui {

namespace {

using Action = athanor::PlannedChange::Action;

int order(Action a) {
    switch (a) {
    case Action::Delete:
        return 0;
    case Action::Replace:
        return 1;
    case Action::Update:
        return 2;
    case Action::Resume:
        return 3;
    case Action::Create:
        return 4;
    case Action::Skip:
        return 5;
    }
    return 5;
}

QColor actionColor(Action a, const ThemeColors& c) {
    switch (a) {
    case Action::Create:
        return c.success();
    case Action::Update:
        return c.info();
    case Action::Replace:
    case Action::Resume:
        return c.warning();
    case Action::Delete:
        return c.danger();
    case Action::Skip:
        return c.muted();
    }
    return c.muted();
}

// The engine already masks secrets in plan diffs ("(secret)", "(secret, changed)"); anything else under
// "@secret" is masked here too, so a plaintext can never reach the screen from a plan.
athanor::Json maskSecrets(const athanor::Json& v) {
    if (v.is_object()) {
        if (v.size() == 1 && v.contains("@secret")) {
            const auto& inner = v["@secret"];
            const bool engineMasked = inner.is_string() && inner.get<std::string>().rfind("(secret", 0) == 0;
            return athanor::Json{{"@secret", engineMasked ? inner : athanor::Json("••••••")}};
        }
        athanor::Json out = athanor::Json::object();
        for (auto it = v.begin(); it != v.end(); ++it)
            out[it.key()] = maskSecrets(it.value());
        return out;
    }
    if (v.is_array()) {
        athanor::Json out = athanor::Json::array();
        for (const auto& child : v)
            out.push_back(maskSecrets(child));
        return out;
    }
    return v;
}

} // namespace

QString PlanDialog::actionText(Action action) {
    switch (action) {
    case Action::Create:
        return tr("create");
    case Action::Update:
        return tr("update");
    case Action::Replace:
        return tr("replace");
    case Action::Skip:
        return tr("unchanged");
    case Action::Delete:
        return tr("delete");
    case Action::Resume:
        return tr("resume");
    }
    return {};
}

QStringList PlanDialog::diffLines(const athanor::Json& diff) {
    QStringList lines;
    if (!diff.is_array())
        return lines;
    for (const auto& op : diff) {
        if (!op.is_object())
            continue;
        const std::string kind = op.value("op", std::string());
        const QString path = QString::fromStdString(op.value("path", std::string()));
        const QString mark = kind == "add"      ? QStringLiteral("+")
                             : kind == "remove" ? QStringLiteral("−")
                                                : QStringLiteral("~");
        QString line = mark + QLatin1Char(' ') + (path.isEmpty() ? QStringLiteral("/") : path);
        if (op.contains("value")) {
            const auto& v = op["value"];
            QString text;
            if (path.endsWith(QStringLiteral("/@secret"))) {
                const bool engineMasked = v.is_string() && v.get<std::string>().rfind("(secret", 0) == 0;
                text = engineMasked ? QString::fromStdString(v.get<std::string>()) : tr("•••••• (secret)");
            } else {
                text = QString::fromStdString(
                    maskSecrets(v).dump(-1, ' ', false, athanor::Json::error_handler_t::replace));
            }
            if (text.size() > 160)
                text = text.left(157) + QStringLiteral("…");
            line += QStringLiteral(": ") + text;
        }
        lines << line;
    }
    return lines;
}

PlanDialog::PlanDialog(Mode mode, const QString& app, const QString& stage,
                       const std::vector<athanor::PlannedChange>& plan, QWidget* parent)
    : QDialog(parent), m_tree(new QTreeWidget(this)) {
    setObjectName(QStringLiteral("planDialog"));
    setWindowTitle(mode == Mode::Confirm ? tr("Apply these changes to %1?").arg(stage)
                                         : tr("Plan for %1").arg(stage));
    const ThemeColors colors(palette());

    std::map<Action, int> perAction;
    for (const auto& c : plan)
        ++perAction[c.action];
    m_changes = int(plan.size()) - perAction[Action::Skip];

    auto* layout = new QVBoxLayout(this);
    auto* heading = new QLabel(this);
    heading->setObjectName(QStringLiteral("planHeading"));
    heading->setTextFormat(Qt::RichText);
    QStringList parts;
    for (Action a :
         {Action::Create, Action::Update, Action::Replace, Action::Resume, Action::Delete, Action::Skip}) {
        if (perAction[a] > 0)
            parts << QStringLiteral("<span style='color:%1'><b>%2</b> %3</span>")
                         .arg(actionColor(a, colors).name())
                         .arg(perAction[a])
                         .arg(actionText(a).toHtmlEscaped());
    }
    // Review is what Plan shows (nothing will run); Confirm is the gate in front of Up.
    QString head =
        (mode == Mode::Confirm ? tr("<b>Up</b> on app <b>%1</b>, stage <b>%2</b>")
                               : tr("<b>Plan</b> for app <b>%1</b>, stage <b>%2</b>: what Up would do"))
            .arg(app.toHtmlEscaped(), stage.toHtmlEscaped());
    head += QStringLiteral("<br>") +
            (parts.isEmpty() ? tr("Nothing declared.") : parts.join(QStringLiteral(" · ")));
    if (m_changes == 0 && !plan.empty())
        head += QStringLiteral("<br>") + (mode == Mode::Confirm
                                              ? tr("Nothing to change: Up will skip every resource.")
                                              : tr("Nothing to change: Up would skip every resource."));
    heading->setText(head);
    layout->addWidget(heading);

    if (mode == Mode::Confirm && looksLikeProduction(stage)) {
        auto* warning = new QLabel(this);
        warning->setObjectName(QStringLiteral("productionWarning"));
        warning->setWordWrap(true);
        warning->setText(
            tr("⚠ “%1” looks like a production stage. Review every change before applying.").arg(stage));
        warning->setStyleSheet(
            QStringLiteral("QLabel { color: %1; background: %2; border: 1px solid %1; "
                           "border-radius: 4px; padding: 6px; font-weight: bold; }")
                .arg(colors.danger().name(), colors.badgeBackground(colors.danger()).name()));
        layout->addWidget(warning);
    }

    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Resource"), tr("Action"), tr("Why")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    std::vector<const athanor::PlannedChange*> sorted;
    for (const auto& c : plan)
        sorted.push_back(&c);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](auto* a, auto* b) { return order(a->action) < order(b->action); });
    for (const auto* c : sorted) {
        auto* item = new QTreeWidgetItem(m_tree);
        const QString fqn = QString::fromStdString(c->fqn);
        item->setText(0, stageRelativePath(fqn));
        item->setToolTip(0, fqn + QStringLiteral("\n") + QString::fromStdString(c->kind));
        item->setText(1, actionText(c->action));
        item->setForeground(1, actionColor(c->action, colors));
        item->setText(2, QString::fromStdString(c->reason));
        item->setData(0, Qt::UserRole, fqn);
        item->setData(1, Qt::UserRole, int(c->action));
        if (c->action == Action::Skip)
            item->setForeground(0, colors.muted());
        for (const QString& line : diffLines(c->diff)) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, line);
            child->setFirstColumnSpanned(true);
            child->setForeground(0, line.startsWith(QLatin1Char('+')) ? colors.success()
                                    : line.startsWith(QChar(0x2212))  ? colors.danger()
                                                                      : colors.info());
        }
        item->setExpanded(c->action != Action::Skip && item->childCount() <= 12);
    }
    m_tree->header()->setStretchLastSection(true);
    m_tree->resizeColumnToContents(0);
    m_tree->setColumnWidth(0, std::max(m_tree->columnWidth(0), 260));
    m_tree->resizeColumnToContents(1);
    layout->addWidget(m_tree, 1);

    auto* buttons = new QDialogButtonBox(this);
    if (mode == Mode::Confirm) {
        m_apply = buttons->addButton(tr("&Apply (Up)"), QDialogButtonBox::AcceptRole);
        m_apply->setObjectName(QStringLiteral("planApply"));
        buttons->addButton(QDialogButtonBox::Cancel);
        // The safe choice is the default: Enter does not deploy.
        buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    } else {
        buttons->addButton(QDialogButtonBox::Close);
    }
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 480);
}

} // namespace athanor::ui

#include "deploy/StageSelector.h"

#include "deploy/RunOutcome.h"
#include "deploy/StageNames.h"
#include "lifecycle/RunApi.h"
#include "widgets/ThemeColors.h"

#include <QComboBox>
#include <QInputDialog>
#include <QMessageBox>
#include <algorithm>
#include <map>

namespace athanor::ui {

namespace {

constexpr int kStageRole = Qt::UserRole;
constexpr int kAppRole = Qt::UserRole + 1;
constexpr int kNewStageRole = Qt::UserRole + 2;

int segments(const std::string& fqn) {
    return int(std::count(fqn.begin(), fqn.end(), '/')) + 1;
}

// Which records are a child scope's or a stage's own record (Alchemy writes one per naked scope): not
// resources anyone declared. One pass over the nodes, so a 10,000-record stage stays linear.
std::vector<bool> scopeRecordMask(const athanor::StateSnapshot& snapshot) {
    std::vector<bool> mask(snapshot.records.size(), false);
    for (const auto& node : snapshot.nodes)
        if (node.record >= 0 && node.kind != athanor::SnapshotNodeKind::Resource)
            mask[std::size_t(node.record)] = true;
    return mask;
}

} // namespace

StageSelector::StageSelector(QWidget* parent)
    : QObject(parent), m_parent(parent), m_combo(new QComboBox(parent)) {
    m_combo->setObjectName(QStringLiteral("stageSelector"));
    m_combo->setMinimumWidth(160);
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_combo->setToolTip(tr("The stage to run against: stages found in state, or a new one"));
    connect(m_combo, &QComboBox::activated, this, &StageSelector::onActivated);
}

void StageSelector::setProject(const QString& root) {
    m_root = root;
    m_snapshot.reset();
    m_stages.clear();
    m_newStages.clear();
    m_wantedStage.clear();
}

void StageSelector::setSnapshot(std::shared_ptr<const athanor::StateSnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    rebuild();
}

void StageSelector::rebuild() {
    m_stages.clear();
    if (m_snapshot) {
        std::map<std::pair<std::string, std::string>, Entry> found;
        for (const auto& node : m_snapshot->nodes) {
            if (node.kind != athanor::SnapshotNodeKind::Stage || node.parent < 0)
                continue;
            const auto& appNode = m_snapshot->nodes[std::size_t(node.parent)];
            auto& e = found[{appNode.name, node.name}];
            e.app = QString::fromStdString(appNode.name);
            e.stage = QString::fromStdString(node.name);
        }
        const std::vector<bool> scopeRecords = scopeRecordMask(*m_snapshot);
        for (std::size_t i = 0; i < m_snapshot->records.size(); ++i) {
            const auto& r = m_snapshot->records[i];
            if (segments(r.fqn) < 3 || scopeRecords[i])
                continue;
            const auto first = r.fqn.find('/');
            const auto second = r.fqn.find('/', first + 1);
            auto it = found.find({r.fqn.substr(0, first), r.fqn.substr(first + 1, second - first - 1)});
            if (it == found.end())
                continue;
            ++it->second.resources;
            it->second.secrets += int(r.secretCount);
        }
        for (auto& [key, e] : found)
            if (m_stackApp.isEmpty() || e.app == m_stackApp)
                m_stages.push_back(e);
    }

    QString current = m_wantedStage.isEmpty() ? stage() : m_wantedStage;
    QStringList apps;
    for (const auto& s : m_stages)
        if (!apps.contains(s.app))
            apps << s.app;
    const bool showApp = apps.size() > 1;

    const QSignalBlocker block(m_combo);
    m_combo->clear();
    QStringList names;
    for (const auto& s : m_stages) {
        const QString label =
            (showApp ? s.app + QStringLiteral(" / ") : QString()) + s.stage +
            QStringLiteral("  (%1)").arg(countOf(s.resources, tr("resource"), tr("resources")));
        m_combo->addItem(label);
        const int i = m_combo->count() - 1;
        m_combo->setItemData(i, s.stage, kStageRole);
        m_combo->setItemData(i, s.app, kAppRole);
        if (looksLikeProduction(s.stage))
            m_combo->setItemData(i, ThemeColors(m_parent->palette()).danger(), Qt::ForegroundRole);
        names << s.stage;
    }
    QStringList extra = m_newStages;
    if (m_stages.empty() && !m_root.isEmpty()) {
        // Nothing deployed yet: offer the stage the CLI would pick (ALCHEMY_STAGE, USER, dev).
        const QString fallback = QString::fromStdString(athanor::resolveStageName(std::string()));
        if (!extra.contains(fallback))
            extra.prepend(fallback);
    }
    // A stage picked automatically before the snapshot arrived (the fallback "dev") is not a choice: once
    // the tree shows stages, an existing one is preferred to offering a new one.
    if (m_wantedStage.isEmpty() && !names.contains(current) && !m_newStages.contains(current) &&
        !extra.contains(current))
        current.clear();
    if (!current.isEmpty() && !names.contains(current) && !extra.contains(current))
        extra << current;
    for (const QString& s : extra) {
        if (names.contains(s))
            continue;
        // While the first snapshot is read, the guessed stage may well exist: it is not called new.
        const bool guessed = m_loading && m_stages.empty() && !m_newStages.contains(s);
        m_combo->addItem(guessed ? tr("%1  (reading state…)").arg(s) : tr("%1  (new)").arg(s));
        const int i = m_combo->count() - 1;
        m_combo->setItemData(i, s, kStageRole);
        m_combo->setItemData(i, m_stackApp, kAppRole);
        names << s;
    }
    if (!m_root.isEmpty()) {
        m_combo->insertSeparator(m_combo->count());
        m_combo->addItem(tr("New stage…"));
        m_combo->setItemData(m_combo->count() - 1, true, kNewStageRole);
    }
    int select = -1;
    if (!current.isEmpty())
        select = m_combo->findData(current, kStageRole);
    if (select < 0)
        select = m_combo->findData(QStringLiteral("dev"), kStageRole);
    if (select < 0 && !names.isEmpty())
        select = 0;
    m_combo->setCurrentIndex(select);
    emit selectionChanged();
    emit stagesChanged();
}

void StageSelector::setLoading(bool loading) {
    if (loading == m_loading)
        return;
    m_loading = loading;
    rebuild();
}

void StageSelector::onActivated(int index) {
    if (m_combo->itemData(index, kNewStageRole).toBool()) {
        bool ok = false;
        const QString name =
            QInputDialog::getText(m_parent, tr("New stage"),
                                  tr("Name of the new stage (its state goes under .alchemy/%1/<stage>):")
                                      .arg(m_stackApp.isEmpty() ? tr("<app>") : m_stackApp),
                                  QLineEdit::Normal, QString(), &ok)
                .trimmed();
        QString why;
        if (ok && isValidStageName(name, &why)) {
            setStage(name);
        } else {
            if (ok)
                QMessageBox::warning(m_parent, tr("New stage"), why);
            rebuild(); // back to the previous selection
        }
        return;
    }
    m_wantedStage = m_combo->itemData(index, kStageRole).toString();
    emit selectionChanged();
}

void StageSelector::setStage(const QString& stageName) {
    if (stageName.isEmpty())
        return;
    bool known = false;
    for (const auto& s : m_stages)
        known = known || s.stage == stageName;
    if (!known && !m_newStages.contains(stageName))
        m_newStages << stageName;
    m_wantedStage = stageName;
    rebuild();
}

QString StageSelector::stage() const {
    return m_combo->currentData(kStageRole).toString();
}

QString StageSelector::app() const {
    if (!m_stackApp.isEmpty())
        return m_stackApp;
    return m_combo->currentData(kAppRole).toString();
}

const StageSelector::Entry* StageSelector::currentEntry() const {
    const QString s = stage();
    const QString a = app();
    for (const auto& e : m_stages)
        if (e.stage == s && (a.isEmpty() || e.app == a))
            return &e;
    return nullptr;
}

std::vector<const athanor::SnapshotRecord*>
StageSelector::stageResources(const athanor::StateSnapshot& snapshot, const QString& app,
                              const QString& stage) {
    std::vector<const athanor::SnapshotRecord*> records;
    const std::string prefix = (app + QLatin1Char('/') + stage + QLatin1Char('/')).toStdString();
    const std::vector<bool> scopeRecords = scopeRecordMask(snapshot);
    for (std::size_t i = 0; i < snapshot.records.size(); ++i)
        if (snapshot.records[i].fqn.rfind(prefix, 0) == 0 && !scopeRecords[i])
            records.push_back(&snapshot.records[i]);
    // The engine's order: highest seq first, nested children before their owner.
    std::stable_sort(records.begin(), records.end(), [](const auto* a, const auto* b) {
        if (a->seq != b->seq)
            return a->seq > b->seq;
        return segments(a->fqn) > segments(b->fqn);
    });
    return records;
}

} // namespace athanor::ui

#include "deploy/RunOutcome.h"

#include <QObject>
#include <QStringList>

namespace athanor::ui {

void RunOutcome::refuseUnknownKinds(const athanor::UnknownKindsError& refusal) {
    end = RunEnd::Error;
    error = QString::fromStdString(refusal.what());
    unknownKinds.clear();
    for (const auto& [kind, fqns] : refusal.fqnsByKind) {
        QStringList& list = unknownKinds[QString::fromStdString(kind)];
        for (const std::string& fqn : fqns)
            list << QString::fromStdString(fqn);
    }
}

QString runEndText(RunEnd end) {
    switch (end) {
    case RunEnd::Succeeded:
        return QStringLiteral("succeeded");
    case RunEnd::Failed:
        return QStringLiteral("failed");
    case RunEnd::Cancelled:
        return QStringLiteral("cancelled");
    case RunEnd::LockHeld:
        return QStringLiteral("locked");
    case RunEnd::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("error");
}

std::optional<RunEnd> parseRunEnd(const QString& text) {
    for (RunEnd e : {RunEnd::Succeeded, RunEnd::Failed, RunEnd::Cancelled, RunEnd::LockHeld, RunEnd::Error})
        if (runEndText(e) == text)
            return e;
    return std::nullopt;
}

QString phaseTitle(athanor::Phase phase) {
    switch (phase) {
    case athanor::Phase::Up:
        return QObject::tr("Up");
    case athanor::Phase::Read:
        return QObject::tr("Read");
    case athanor::Phase::Destroy:
        return QObject::tr("Destroy");
    case athanor::Phase::Plan:
        return QObject::tr("Plan");
    }
    return QObject::tr("Up");
}

PlannedCounts plannedCounts(const std::vector<athanor::PlannedChange>& plan) {
    PlannedCounts counts;
    for (const auto& change : plan)
        ++counts[change.action];
    return counts;
}

QString plannedText(const PlannedCounts& counts) {
    using Action = athanor::PlannedChange::Action;
    QStringList parts;
    const std::pair<Action, QString> order[] = {
        {Action::Create, QObject::tr("to create")},   {Action::Update, QObject::tr("to update")},
        {Action::Replace, QObject::tr("to replace")}, {Action::Resume, QObject::tr("to resume")},
        {Action::Delete, QObject::tr("to delete")},
    };
    for (const auto& [action, what] : order)
        if (auto it = counts.find(action); it != counts.end() && it->second > 0)
            parts << QStringLiteral("%1 %2").arg(it->second).arg(what);
    if (parts.isEmpty())
        return QObject::tr("no changes");
    if (auto it = counts.find(Action::Skip); it != counts.end() && it->second > 0)
        parts << QObject::tr("%1 unchanged").arg(it->second);
    return parts.join(QStringLiteral(", "));
}

QString countsText(const athanor::RunCounts& c) {
    QStringList parts;
    auto add = [&parts](int n, const QString& what) {
        if (n > 0)
            parts << QStringLiteral("%1 %2").arg(n).arg(what);
    };
    add(c.created, QObject::tr("created"));
    add(c.updated, QObject::tr("updated"));
    add(c.replaced, QObject::tr("replaced"));
    add(c.deleted, QObject::tr("deleted"));
    add(c.read, QObject::tr("read"));
    add(c.skipped, QObject::tr("skipped"));
    add(c.failed, QObject::tr("failed"));
    return parts.isEmpty() ? QObject::tr("nothing changed") : parts.join(QStringLiteral(", "));
}

QString countOf(int n, const QString& one, const QString& many) {
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

QString durationText(qint64 ms) {
    if (ms < 1000)
        return QObject::tr("%1 ms").arg(ms);
    if (ms < 60000)
        return QObject::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString lockHolderText(const LockHolder& h) {
    QString text = QObject::tr("pid %1").arg(h.pid);
    if (!h.host.isEmpty())
        text += QObject::tr(" on %1").arg(h.host);
    if (!h.since.isEmpty())
        text += QObject::tr(" since %1").arg(h.since);
    if (!h.operation.isEmpty())
        text += QStringLiteral(" (%1)").arg(h.operation);
    return text;
}

} // namespace athanor::ui

#include "deploy/EventLogFormat.h"

#include "deploy/RunOutcome.h"

#include <QStringList>
#include <chrono>

namespace athanor::ui {

namespace {

using athanor::EventType;

qint64 toMs(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Alchemy's prefix and message for each resource event (reference §10.2), plus Athanor's "failed".
struct Wording {
    const char* prefix;
    const char* message;
    athanor::LogLevel level;
};

Wording wordingFor(EventType type) {
    using L = athanor::LogLevel;
    switch (type) {
    case EventType::Skipped:
        return {"skipped", "Skipped Resource (no changes)", L::Info};
    case EventType::Creating:
        return {"creating", "Creating Resource...", L::Info};
    case EventType::Updating:
        return {"updating", "Updating Resource...", L::Info};
    case EventType::Created:
        return {"created", "Created Resource", L::Info};
    case EventType::Updated:
        return {"updated", "Updated Resource", L::Info};
    case EventType::Replaced:
        return {"replaced", "Replaced Resource", L::Info};
    case EventType::Deleting:
        return {"deleting", "Deleting Resource...", L::Info};
    case EventType::Deleted:
        return {"deleted", "Deleted Resource", L::Info};
    case EventType::Cleanup:
        return {"cleanup", "Cleaning Up Old Resource...", L::Info};
    case EventType::Cleaned:
        return {"cleaned", "Old Resource Cleanup Complete", L::Info};
    case EventType::Failed:
        return {"failed", "Failed", L::Error};
    default:
        return {"", "", L::Info};
    }
}

void appendLines(const QString& text, const LogEntry& base, const QString& firstPrefix,
                 std::vector<LogEntry>& out) {
    const QStringList lines = text.split(QLatin1Char('\n'));
    // A trailing newline is the end of the last line, not an empty line of its own.
    const qsizetype count = lines.size() > 1 && lines.back().isEmpty() ? lines.size() - 1 : lines.size();
    const QString indent(firstPrefix.size(), QLatin1Char(' '));
    for (qsizetype i = 0; i < count; ++i) {
        LogEntry e = base;
        QString line = lines[i];
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        e.message = (i == 0 ? firstPrefix : indent) + line;
        out.push_back(std::move(e));
    }
}

} // namespace

QString displayPath(const QString& fqn) {
    const QStringList parts = fqn.split(QLatin1Char('/'));
    return parts.size() > 2 ? parts.mid(2).join(QStringLiteral(" > ")) : QString();
}

QString stageRelativePath(const QString& fqn) {
    const QStringList parts = fqn.split(QLatin1Char('/'));
    return parts.size() > 2 ? parts.mid(2).join(QLatin1Char('/')) : fqn;
}

void appendLogEntries(const athanor::EngineEvent& event, std::vector<LogEntry>& out) {
    LogEntry base;
    base.timeMs = toMs(event.time);
    base.level = event.level;
    base.fqn = QString::fromStdString(event.fqn);
    switch (event.type) {
    case EventType::RunStarted: {
        base.level = athanor::LogLevel::Info;
        QString text = QObject::tr("%1 · app %2 · stage %3")
                           .arg(phaseTitle(event.phase), QString::fromStdString(event.app),
                                QString::fromStdString(event.stage));
        if (event.total > 0)
            text += QStringLiteral(" · ") +
                    countOf(event.total, QObject::tr("resource"), QObject::tr("resources"));
        base.message = QStringLiteral("── ") + text + QStringLiteral(" ──");
        out.push_back(std::move(base));
        return;
    }
    case EventType::RunFinished: {
        const bool ok = event.result == athanor::RunResult::Succeeded;
        base.level = ok ? athanor::LogLevel::Info
                        : (event.result == athanor::RunResult::Cancelled ? athanor::LogLevel::Warn
                                                                         : athanor::LogLevel::Error);
        const QString result = event.result == athanor::RunResult::Succeeded   ? QObject::tr("succeeded")
                               : event.result == athanor::RunResult::Cancelled ? QObject::tr("cancelled")
                                                                               : QObject::tr("failed");
        // A plan applies nothing, so its counts would only ever read "nothing changed".
        base.message =
            QStringLiteral("── ") +
            (event.phase == athanor::Phase::Plan
                 ? QObject::tr("%1 %2 in %3")
                       .arg(phaseTitle(event.phase), result, durationText(qint64(event.durationMs)))
                 : QObject::tr("%1 %2: %3 in %4")
                       .arg(phaseTitle(event.phase), result, countsText(event.counts),
                            durationText(qint64(event.durationMs)))) +
            QStringLiteral(" ──");
        out.push_back(std::move(base));
        return;
    }
    case EventType::Log: {
        const QString path = displayPath(base.fqn);
        const QString prefix = path.isEmpty() ? QString() : path + QStringLiteral(": ");
        appendLines(QString::fromStdString(event.message), base, prefix, out);
        return;
    }
    default:
        break;
    }

    const Wording w = wordingFor(event.type);
    base.level = event.type == EventType::Failed ? athanor::LogLevel::Error : w.level;
    const QString path = displayPath(base.fqn);
    const QString prefix = QStringLiteral("[%1]").arg(QLatin1String(w.prefix)).leftJustified(12) +
                           (path.isEmpty() ? QString() : path + QLatin1Char(' '));
    QString text = event.type == EventType::Failed && !event.message.empty()
                       ? QString::fromStdString(event.message)
                       : QString::fromLatin1(w.message);
    if (event.durationMs > 0 && event.type != EventType::Failed)
        text += QStringLiteral(" (%1)").arg(durationText(qint64(event.durationMs)));
    appendLines(text, base, prefix, out);
}

} // namespace athanor::ui

#include "deploy/RunHistoryStore.h"

#include "deploy/EventLogFormat.h"
#include "events/EventJson.h"
#include "history/RunHistory.h"

#include "json/JsonParse.h"
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <chrono>

namespace athanor::ui {

// The format itself lives in the engine (history/RunHistory), so athanorctl writes the same run history the
// History tab reads; this class converts between it and the GUI's types.
namespace {

std::filesystem::path toPath(const QString& s) {
    return std::filesystem::path(QFile::encodeName(s).toStdString());
}

QString fromPath(const std::filesystem::path& p) {
    return QFile::decodeName(QByteArray::fromStdString(p.string()));
}

// A damaged history line (cut short by a kill, too deeply nested) is skipped, never a crash.
athanor::Json parseOrNull(const QByteArray& bytes) {
    try {
        return athanor::parseJsonText(std::string_view(bytes.constData(), std::size_t(bytes.size())));
    } catch (const athanor::JsonParseError&) {
        return nullptr;
    }
}

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

std::chrono::system_clock::time_point toTimePoint(const QDateTime& t) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(t.toMSecsSinceEpoch()));
}

athanor::HistoryResult toHistory(RunEnd end) {
    switch (end) {
    case RunEnd::Succeeded:
        return athanor::HistoryResult::Succeeded;
    case RunEnd::Failed:
        return athanor::HistoryResult::Failed;
    case RunEnd::Cancelled:
        return athanor::HistoryResult::Cancelled;
    case RunEnd::LockHeld:
        return athanor::HistoryResult::Locked;
    case RunEnd::Error:
        return athanor::HistoryResult::Error;
    }
    return athanor::HistoryResult::Error;
}

RunEnd fromHistory(athanor::HistoryResult result) {
    switch (result) {
    case athanor::HistoryResult::Succeeded:
        return RunEnd::Succeeded;
    case athanor::HistoryResult::Failed:
        return RunEnd::Failed;
    case athanor::HistoryResult::Cancelled:
        return RunEnd::Cancelled;
    case athanor::HistoryResult::Locked:
        return RunEnd::LockHeld;
    case athanor::HistoryResult::Error:
        return RunEnd::Error;
    }
    return RunEnd::Error;
}

RunHistoryEntry toEntry(const athanor::RecordedRun& run) {
    const athanor::RunSummary& s = run.summary;
    RunHistoryEntry e;
    e.summaryFile = fromPath(run.summaryFile);
    e.logFile = run.logFile.empty() ? QString() : fromPath(run.logFile);
    e.phase = s.phase;
    e.app = qs(s.app);
    e.stage = qs(s.stage);
    e.startedAt = QDateTime::fromMSecsSinceEpoch(
        std::chrono::duration_cast<std::chrono::milliseconds>(s.startedAt.time_since_epoch()).count(),
        Qt::UTC);
    e.durationMs = s.durationMs;
    e.end = fromHistory(s.result);
    e.counts = s.counts;
    if (s.planned)
        e.planned = *s.planned;
    e.error = qs(s.error);
    e.firstFailureFqn = qs(s.firstFailureFqn);
    e.firstFailureMessage = qs(s.firstFailureMessage);
    for (const auto& error : s.errors)
        e.errors << qs(error);
    e.force = s.force;
    e.adopt = s.adopt;
    e.parallel = s.parallel;
    return e;
}

} // namespace

QString RunHistoryStore::runsDir(const QString& athanorHome) {
    if (athanorHome.isEmpty())
        return QString(); // no source: no folder (never "runs" in the current folder)
    return fromPath(athanor::runHistoryDirIn(toPath(athanorHome)));
}

bool RunHistoryStore::prepare(RunOutcome& outcome, QString* error) {
    if (outcome.request.athanorHome.isEmpty()) {
        if (error)
            *error = QObject::tr("the state source has no Athanor home for its run history");
        return false;
    }
    if (!athanor::keepsRunHistoryIn(toPath(outcome.request.athanorHome), outcome.request.phase)) {
        if (error)
            *error = QObject::tr("no state folder yet: a %1 run is not recorded")
                         .arg(QString::fromLatin1(athanor::toString(outcome.request.phase).data()));
        return false;
    }
    try {
        const auto files =
            athanor::prepareRunHistoryIn(toPath(outcome.request.athanorHome), outcome.request.phase,
                                         outcome.request.stage.toStdString(), toTimePoint(outcome.startedAt));
        outcome.summaryFile = fromPath(files.summary);
        outcome.logFile = fromPath(files.log);
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = qs(e.what());
        return false;
    }
}

bool RunHistoryStore::writeSummary(const RunOutcome& o, QString* error) {
    if (o.summaryFile.isEmpty())
        return false;
    athanor::RunSummary s;
    s.phase = o.request.phase;
    s.app = o.report.app.empty() ? o.request.app.toStdString() : o.report.app;
    s.stage = o.request.stage.toStdString();
    s.stackFile = o.request.stackFile.toStdString();
    s.program = o.request.program.toStdString();
    s.startedAt = toTimePoint(o.startedAt);
    s.durationMs = o.durationMs;
    s.result = toHistory(o.end);
    s.counts = o.report.counts;
    if (o.request.phase == athanor::Phase::Plan)
        s.planned = athanor::countPlanned(o.report.plan);
    s.force = o.request.force;
    s.adopt = o.request.adopt;
    s.parallel = o.request.parallel;
    s.error = o.error.toStdString();
    s.firstFailureFqn = o.report.firstFailureFqn;
    s.firstFailureMessage = o.report.firstFailureMessage;
    s.errors = o.report.errors;
    if (o.lock)
        s.lock = athanor::HistoryLockHolder{o.lock->pid, o.lock->host.toStdString(),
                                            o.lock->since.toStdString(), o.lock->operation.toStdString()};
    s.logFileName = QFileInfo(o.logFile).fileName().toStdString();
    try {
        athanor::writeRunSummary(toPath(o.summaryFile), s);
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = qs(e.what());
        return false;
    }
}

QStringList RunHistoryStore::prune(const QString& athanorHome, const QString& summaryFile) {
    QStringList errors;
    if (athanorHome.isEmpty())
        return errors;
    for (const std::string& error :
         athanor::pruneRunHistoryIn(toPath(athanorHome), toPath(summaryFile)).errors)
        errors << qs(error);
    return errors;
}

int RunHistoryStore::keepPerStage(const QString& athanorHome) {
    return athanorHome.isEmpty() ? athanor::RunHistorySettings::kDefaultKeep
                                 : athanor::runHistorySettingsIn(toPath(athanorHome)).keep;
}

bool RunHistoryStore::setKeepPerStage(const QString& athanorHome, int keep, QString* error) {
    try {
        if (athanorHome.isEmpty())
            throw std::runtime_error("the state source has no Athanor home for its run history");
        athanor::setRunHistorySettingsIn(toPath(athanorHome), {keep});
        const auto pruned = athanor::pruneRunHistoryIn(toPath(athanorHome));
        if (!pruned.errors.empty())
            throw std::runtime_error(pruned.errors.front());
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = qs(e.what());
        return false;
    }
}

std::optional<RunHistoryEntry> RunHistoryStore::readSummary(const QString& summaryFile) {
    const auto path = toPath(summaryFile);
    auto summary = athanor::readRunSummary(path);
    if (!summary)
        return std::nullopt;
    athanor::RecordedRun run;
    run.summaryFile = path;
    if (!summary->logFileName.empty())
        run.logFile = path.parent_path() / summary->logFileName;
    run.summary = std::move(*summary);
    return toEntry(run);
}

std::vector<RunHistoryEntry> RunHistoryStore::list(const QString& athanorHome) {
    std::vector<RunHistoryEntry> out;
    for (const auto& run : athanor::listRunHistoryIn(toPath(athanorHome)))
        out.push_back(toEntry(run));
    return out;
}

std::vector<athanor::EngineEvent> RunHistoryStore::readEvents(const QString& logFile, QString* error) {
    try {
        return athanor::readRunEvents(toPath(logFile));
    } catch (const std::exception& e) {
        if (error)
            *error = qs(e.what());
        return {};
    }
}

QHash<QString, ResourceRun> RunHistoryStore::lastRunFailures(const QString& athanorHome) {
    QHash<QString, ResourceRun> failures;
    if (athanorHome.isEmpty())
        return failures;
    const QDir dir(runsDir(athanorHome));
    // <stamp>-<phase>-<stage>.log.jsonl; the UTC stamp sorts by time, newest first here.
    const QStringList logs =
        dir.entryList({QStringLiteral("*.log.jsonl")}, QDir::Files, QDir::Name | QDir::Reversed);
    QSet<QString> decided;        // "app/stage" whose last writing run has been read
    constexpr int kMaxLogs = 200; // a long history is not read to its beginning for stages long gone
    int read = 0;
    for (const QString& name : logs) {
        const auto run = athanor::parseRunFileName(name.toStdString());
        if (!run || run->summary ||
            (run->phase != athanor::Phase::Up && run->phase != athanor::Phase::Destroy))
            continue; // plan and read write no records
        if (++read > kMaxLogs)
            break;
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QString stage;
        QDateTime startedAt;
        athanor::Phase phase = athanor::Phase::Up;
        bool touched = false;
        QHash<QString, ResourceRun> failed;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine();
            const auto event = eventFromJson(parseOrNull(line));
            if (!event)
                continue;
            if (stage.isEmpty()) {
                if (event->type == athanor::EventType::Log)
                    continue; // messages before the start (a refused run has only these)
                if (event->type != athanor::EventType::RunStarted)
                    break;
                stage = QString::fromStdString(event->app + "/" + event->stage);
                if (decided.contains(stage))
                    break;
                startedAt = QDateTime::fromMSecsSinceEpoch(
                    std::chrono::duration_cast<std::chrono::milliseconds>(event->time.time_since_epoch())
                        .count(),
                    Qt::UTC);
                phase = event->phase;
                continue;
            }
            // A --quiet run records no resource transitions, only their counts at the end (its failures are
            // recorded all the same).
            if (event->type == athanor::EventType::RunFinished && event->counts.total() > 0)
                touched = true;
            if (event->fqn.empty() || event->type == athanor::EventType::Log)
                continue;
            touched = true;
            if (event->type == athanor::EventType::Failed)
                failed.insert(QString::fromStdString(event->fqn),
                              ResourceRun{ResourceRun::State::Failed, StatusCategory::None,
                                          QString::fromStdString(event->message), file.fileName(), startedAt,
                                          phase});
        }
        if (stage.isEmpty() || decided.contains(stage) || !touched)
            continue; // a refused run (locked, bad stack file) changed nothing: the one before it decides
        decided.insert(stage);
        failures.insert(failed);
    }
    return failures;
}

std::vector<LogEntry> RunHistoryStore::readLog(const QString& logFile, QString* error) {
    std::vector<LogEntry> entries;
    for (const auto& event : readEvents(logFile, error))
        appendLogEntries(event, entries);
    return entries;
}

} // namespace athanor::ui

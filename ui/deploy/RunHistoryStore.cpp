#include "deploy/RunHistoryStore.h"

#include "deploy/EventLogFormat.h"
#include "events/EventJson.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <algorithm>

namespace athanor::ui {

namespace {

QString safeSegment(const QString& text) {
    QString out;
    for (QChar c : text)
        out +=
            (c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_')) ? c : QLatin1Char('_');
    return out.isEmpty() ? QStringLiteral("_") : out;
}

std::string utf8(const QString& s) {
    return s.toStdString();
}

QString qstr(const athanor::Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

} // namespace

QString RunHistoryStore::runsDir(const QString& athanorHome) {
    return QDir(athanorHome).filePath(QStringLiteral("runs"));
}

bool RunHistoryStore::prepare(RunOutcome& outcome, QString* error) {
    if (outcome.request.athanorHome.isEmpty()) {
        if (error)
            *error = QObject::tr("the state source has no Athanor home for its run history");
        return false;
    }
    const QString dir = runsDir(outcome.request.athanorHome);
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QObject::tr("cannot create %1").arg(dir);
        return false;
    }
    const QString stamp = outcome.startedAt.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    const QString base = QStringLiteral("%1-%2-%3")
                             .arg(stamp, QString::fromLatin1(athanor::toString(outcome.request.phase).data()),
                                  safeSegment(outcome.request.stage));
    outcome.summaryFile = QDir(dir).filePath(base + QStringLiteral(".json"));
    outcome.logFile = QDir(dir).filePath(base + QStringLiteral(".log.jsonl"));
    return true;
}

bool RunHistoryStore::writeSummary(const RunOutcome& o, QString* error) {
    if (o.summaryFile.isEmpty())
        return false;
    athanor::Json j;
    j["version"] = 1;
    j["phase"] = std::string(athanor::toString(o.request.phase));
    j["app"] = utf8(o.report.app.empty() ? o.request.app : QString::fromStdString(o.report.app));
    j["stage"] = utf8(o.request.stage);
    j["stackFile"] = utf8(o.request.stackFile);
    j["startedAt"] = utf8(o.startedAt.toUTC().toString(Qt::ISODateWithMs));
    j["durationMs"] = o.durationMs;
    j["result"] = utf8(runEndText(o.end));
    j["counts"] = countsToJson(o.report.counts);
    if (o.request.phase == athanor::Phase::Plan) {
        athanor::Json planned = athanor::Json::object();
        for (const auto& [action, n] : plannedCounts(o.report.plan))
            planned[std::string(athanor::toString(action))] = n;
        j["planned"] = std::move(planned);
    }
    j["options"] = {{"force", o.request.force}, {"adopt", o.request.adopt}, {"parallel", o.request.parallel}};
    if (!o.error.isEmpty())
        j["error"] = utf8(o.error);
    if (!o.report.firstFailureFqn.empty())
        j["firstFailure"] = {{"fqn", o.report.firstFailureFqn}, {"message", o.report.firstFailureMessage}};
    j["errors"] = o.report.errors;
    if (o.lock)
        j["lock"] = {{"pid", o.lock->pid},
                     {"host", utf8(o.lock->host)},
                     {"since", utf8(o.lock->since)},
                     {"operation", utf8(o.lock->operation)}};
    j["log"] = utf8(QFileInfo(o.logFile).fileName());

    QSaveFile file(o.summaryFile);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    const std::string text = j.dump(2, ' ', false, athanor::Json::error_handler_t::replace) + "\n";
    file.write(text.data(), qint64(text.size()));
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

std::optional<RunHistoryEntry> RunHistoryStore::readSummary(const QString& summaryFile) {
    QFile file(summaryFile);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    const athanor::Json j =
        athanor::Json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (!j.is_object() || !j.contains("phase"))
        return std::nullopt;
    RunHistoryEntry e;
    e.summaryFile = summaryFile;
    const QString log = qstr(j, "log");
    e.logFile = log.isEmpty() ? QString() : QFileInfo(summaryFile).dir().filePath(log);
    if (auto phase = athanor::parsePhase(qstr(j, "phase").toStdString()))
        e.phase = *phase;
    else
        return std::nullopt;
    e.app = qstr(j, "app");
    e.stage = qstr(j, "stage");
    e.startedAt = QDateTime::fromString(qstr(j, "startedAt"), Qt::ISODateWithMs);
    if (j.contains("durationMs") && j["durationMs"].is_number())
        e.durationMs = j["durationMs"].get<qint64>();
    e.end = parseRunEnd(qstr(j, "result")).value_or(RunEnd::Error);
    if (j.contains("counts"))
        e.counts = countsFromJson(j["counts"]);
    if (auto it = j.find("planned"); it != j.end() && it->is_object()) {
        using Action = athanor::PlannedChange::Action;
        for (Action action :
             {Action::Create, Action::Update, Action::Replace, Action::Skip, Action::Delete, Action::Resume})
            if (auto n = it->find(std::string(athanor::toString(action)));
                n != it->end() && n->is_number_integer())
                e.planned[action] = n->get<int>();
    }
    e.error = qstr(j, "error");
    if (j.contains("firstFailure") && j["firstFailure"].is_object()) {
        e.firstFailureFqn = qstr(j["firstFailure"], "fqn");
        e.firstFailureMessage = qstr(j["firstFailure"], "message");
    }
    if (j.contains("errors") && j["errors"].is_array())
        for (const auto& err : j["errors"])
            if (err.is_string())
                e.errors << QString::fromStdString(err.get<std::string>());
    if (j.contains("options") && j["options"].is_object()) {
        const auto& opt = j["options"];
        e.force = opt.value("force", false);
        e.adopt = opt.value("adopt", false);
        e.parallel = opt.value("parallel", 1);
    }
    return e;
}

std::vector<RunHistoryEntry> RunHistoryStore::list(const QString& athanorHome) {
    std::vector<RunHistoryEntry> out;
    const QDir dir(runsDir(athanorHome));
    const QStringList files =
        dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name | QDir::Reversed);
    for (const QString& f : files)
        if (auto e = readSummary(dir.filePath(f)))
            out.push_back(std::move(*e));
    std::stable_sort(out.begin(), out.end(), [](const RunHistoryEntry& a, const RunHistoryEntry& b) {
        return a.startedAt > b.startedAt;
    });
    return out;
}

std::vector<athanor::EngineEvent> RunHistoryStore::readEvents(const QString& logFile, QString* error) {
    std::vector<athanor::EngineEvent> events;
    QFile file(logFile);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return events;
    }
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        const athanor::Json j =
            athanor::Json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        if (auto event = eventFromJson(j))
            events.push_back(std::move(*event));
    }
    return events;
}

std::vector<LogEntry> RunHistoryStore::readLog(const QString& logFile, QString* error) {
    std::vector<LogEntry> entries;
    for (const auto& event : readEvents(logFile, error))
        appendLogEntries(event, entries);
    return entries;
}

} // namespace athanor::ui

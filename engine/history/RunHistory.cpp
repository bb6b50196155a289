#include "history/RunHistory.h"

#include "events/EventJson.h"
#include "state/UtcTime.h"
#include "store/AtomicFile.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace athanor {

namespace {

// A damaged history file (cut short, too deeply nested) is skipped, never a crash.
Json parseOrNull(std::string_view text) {
    try {
        return parseJsonText(text);
    } catch (const JsonParseError&) {
        return nullptr;
    }
}

constexpr PlannedChange::Action kActions[] = {
    PlannedChange::Action::Create, PlannedChange::Action::Update, PlannedChange::Action::Replace,
    PlannedChange::Action::Skip,   PlannedChange::Action::Delete, PlannedChange::Action::Resume,
};
constexpr HistoryResult kResults[] = {HistoryResult::Succeeded, HistoryResult::Failed,
                                      HistoryResult::Cancelled, HistoryResult::Locked, HistoryResult::Error};

// A stage name as a file-name part: letters, digits, '-' and '_' stay (UTF-8 sequences too), the rest
// becomes '_'.
std::string safeSegment(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                          c == '-' || c == '_' || u >= 0x80;
        out += keep ? c : '_';
    }
    return out.empty() ? "_" : out;
}

std::string fileStamp(std::chrono::system_clock::time_point time) {
    const UtcTime t = toUtcTime(time);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02d-%02d%02d%02d-%03d", t.fields.tm_year + 1900,
                  t.fields.tm_mon + 1, t.fields.tm_mday, t.fields.tm_hour, t.fields.tm_min, t.fields.tm_sec,
                  t.millis);
    return buffer;
}

constexpr const char* kSettingsFile = "settings.json";
constexpr const char* kSummarySuffix = ".json";
constexpr const char* kLogSuffix = ".log.jsonl";
// A log without summary this recent may belong to a run still going in another process.
constexpr auto kRunningGrace = std::chrono::hours(24);

bool endsWith(std::string_view text, std::string_view suffix) {
    return text.size() > suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string stringAt(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

// <yyyyMMdd-HHmmss-zzz>-<phase>-<stage part>(.json | .log.jsonl)
std::optional<RunFileName> parseRunFileName(std::string_view name) {
    RunFileName out;
    if (endsWith(name, kLogSuffix))
        name.remove_suffix(std::strlen(kLogSuffix));
    else if (endsWith(name, kSummarySuffix)) {
        name.remove_suffix(std::strlen(kSummarySuffix));
        out.summary = true;
    } else
        return std::nullopt;
    constexpr std::string_view kStampShape = "00000000-000000-000-";
    if (name.size() <= kStampShape.size())
        return std::nullopt;
    for (size_t i = 0; i < kStampShape.size(); ++i)
        if (kStampShape[i] == '0' ? (name[i] < '0' || name[i] > '9') : name[i] != kStampShape[i])
            return std::nullopt;
    const std::string_view rest = name.substr(kStampShape.size());
    const size_t dash = rest.find('-');
    if (dash == std::string_view::npos || dash + 1 >= rest.size())
        return std::nullopt;
    const std::optional<Phase> phase = parsePhase(rest.substr(0, dash));
    if (!phase)
        return std::nullopt;
    out.phase = *phase;
    out.base = std::string(name);
    out.stage = std::string(rest.substr(dash + 1));
    return out;
}

std::string_view toString(HistoryResult result) {
    switch (result) {
    case HistoryResult::Succeeded:
        return "succeeded";
    case HistoryResult::Failed:
        return "failed";
    case HistoryResult::Cancelled:
        return "cancelled";
    case HistoryResult::Locked:
        return "locked";
    case HistoryResult::Error:
        return "error";
    }
    return "error";
}

std::optional<HistoryResult> parseHistoryResult(std::string_view text) {
    for (HistoryResult r : kResults)
        if (toString(r) == text)
            return r;
    return std::nullopt;
}

HistoryResult historyResultOf(RunResult result) {
    switch (result) {
    case RunResult::Succeeded:
        return HistoryResult::Succeeded;
    case RunResult::Failed:
        return HistoryResult::Failed;
    case RunResult::Cancelled:
        return HistoryResult::Cancelled;
    }
    return HistoryResult::Failed;
}

fs::path folderAthanorHome(const fs::path& projectRoot) {
    return projectRoot / ".alchemy" / ".athanor";
}

fs::path runHistoryDirIn(const fs::path& athanorHome) {
    return athanorHome / "runs";
}

fs::path runHistoryDir(const fs::path& projectRoot) {
    return runHistoryDirIn(folderAthanorHome(projectRoot));
}

bool keepsRunHistoryIn(const fs::path& athanorHome, Phase phase) {
    if (phase != Phase::Plan && phase != Phase::Read)
        return true;
    // A folder source's home (.alchemy/.athanor) sits in its state folder: no state folder, no history. Other
    // sources keep their home apart (keyed by the source), so creating it changes nothing of theirs.
    if (athanorHome.filename() != ".athanor")
        return true;
    std::error_code ec;
    return fs::is_directory(athanorHome.parent_path(), ec);
}

bool keepsRunHistory(const fs::path& projectRoot, Phase phase) {
    return keepsRunHistoryIn(folderAthanorHome(projectRoot), phase);
}

RunHistoryFiles prepareRunHistory(const fs::path& projectRoot, Phase phase, const std::string& stage,
                                  std::chrono::system_clock::time_point startedAt) {
    return prepareRunHistoryIn(
        folderAthanorHome(projectRoot.empty() ? projectRoot : fs::absolute(projectRoot)), phase, stage,
        startedAt);
}

RunHistoryFiles prepareRunHistoryIn(const fs::path& athanorHome, Phase phase, const std::string& stage,
                                    std::chrono::system_clock::time_point startedAt) {
    // An empty or relative home would put the history wherever the process happens to run.
    if (!athanorHome.is_absolute())
        throw std::runtime_error("no run-history folder: the Athanor home '" + athanorHome.string() +
                                 "' is not an absolute path");
    const fs::path dir = runHistoryDirIn(athanorHome);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw std::runtime_error("cannot create the run-history folder " + dir.string() +
                                 (ec ? ": " + ec.message() : std::string()));
    const std::string base =
        fileStamp(startedAt) + "-" + std::string(toString(phase)) + "-" + safeSegment(stage);
    return {dir / (base + ".json"), dir / (base + ".log.jsonl")};
}

// nullopt when missing or unreadable (a folder in its place, no permission): history files are best effort,
// one bad file never hides the others.
namespace {
std::optional<std::string> readHistoryFile(const fs::path& file) {
    try {
        return readWholeFile(file);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}
} // namespace

RunHistorySettings runHistorySettingsIn(const fs::path& athanorHome) {
    RunHistorySettings settings;
    const auto text = readHistoryFile(runHistoryDirIn(athanorHome) / kSettingsFile);
    if (!text)
        return settings;
    const Json j = parseOrNull(*text);
    if (j.is_object())
        if (auto it = j.find("keep"); it != j.end() && it->is_number_integer() && it->get<int64_t>() >= 1 &&
                                      it->get<int64_t>() <= 1'000'000)
            settings.keep = static_cast<int>(it->get<int64_t>());
    return settings;
}

void setRunHistorySettingsIn(const fs::path& athanorHome, const RunHistorySettings& settings) {
    if (settings.keep < 1)
        throw std::invalid_argument("run history must keep at least one run per stage (asked to keep " +
                                    std::to_string(settings.keep) + ")");
    const fs::path dir = runHistoryDirIn(athanorHome);
    try {
        std::error_code ec;
        fs::create_directories(dir, ec);
        Json j = Json::object();
        j["keep"] = settings.keep;
        writeFileAtomically(dir, kSettingsFile, j.dump(2) + "\n", Durability::Fast);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write the run-history settings " + (dir / kSettingsFile).string() +
                                 ": " + e.what());
    }
}

PrunedRunHistory pruneRunHistoryIn(const fs::path& athanorHome, const fs::path& current) {
    PrunedRunHistory pruned;
    const fs::path dir = runHistoryDirIn(athanorHome);
    struct Run {
        bool summary = false;
        bool log = false;
    };
    std::map<std::string, std::map<std::string, Run, std::greater<>>> byStage; // stage part -> base -> run
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = parseRunFileName(it->path().filename().string());
        if (!name)
            continue;
        Run& run = byStage[name->stage][name->base];
        (name->summary ? run.summary : run.log) = true;
    }
    const int keep = runHistorySettingsIn(athanorHome).keep;
    const std::string currentBase =
        current.empty() ? std::string()
                        : parseRunFileName(current.filename().string()).value_or(RunFileName{}).base;
    const auto now = fs::file_time_type::clock::now();
    auto remove = [&](const fs::path& file) {
        std::error_code removeError;
        if (!fs::remove(file, removeError) && removeError)
            pruned.errors.push_back("cannot remove " + file.string() + ": " + removeError.message());
        return !removeError;
    };
    for (const auto& [stage, runs] : byStage) {
        int kept = 0;
        for (const auto& [base, run] : runs) { // newest first
            if (kept < keep || base == currentBase) {
                ++kept;
                continue;
            }
            const fs::path log = dir / (base + kLogSuffix);
            if (!run.summary) {
                std::error_code timeError;
                const auto written = fs::last_write_time(log, timeError);
                if (!timeError && now - written < kRunningGrace)
                    continue;
            }
            // The summary first: a run whose log is left is still one the next prune finds and removes.
            bool removed = !run.summary || remove(dir / (base + kSummarySuffix));
            if (removed && run.log)
                removed = remove(log);
            if (removed)
                ++pruned.runs;
        }
    }
    return pruned;
}

std::map<PlannedChange::Action, int> countPlanned(const std::vector<PlannedChange>& plan) {
    std::map<PlannedChange::Action, int> counts;
    for (const auto& change : plan)
        ++counts[change.action];
    return counts;
}

std::string runSummaryText(const RunSummary& s) {
    Json j = Json::object();
    j["version"] = 1;
    j["phase"] = std::string(toString(s.phase));
    j["app"] = s.app;
    j["stage"] = s.stage;
    j["stackFile"] = s.stackFile;
    if (!s.program.empty())
        j["program"] = s.program;
    j["startedAt"] = formatIsoTime(s.startedAt);
    j["durationMs"] = s.durationMs;
    j["result"] = std::string(toString(s.result));
    j["counts"] = countsToJson(s.counts);
    if (s.planned) {
        Json planned = Json::object();
        for (const auto& [action, n] : *s.planned)
            planned[std::string(toString(action))] = n;
        j["planned"] = std::move(planned);
    }
    j["options"] = {{"force", s.force}, {"adopt", s.adopt}, {"parallel", s.parallel}};
    if (!s.error.empty())
        j["error"] = s.error;
    if (!s.firstFailureFqn.empty())
        j["firstFailure"] = {{"fqn", s.firstFailureFqn}, {"message", s.firstFailureMessage}};
    j["errors"] = s.errors;
    if (s.lock)
        j["lock"] = {{"pid", s.lock->pid},
                     {"host", s.lock->host},
                     {"since", s.lock->since},
                     {"operation", s.lock->operation}};
    j["log"] = s.logFileName;
    return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

void writeRunSummary(const fs::path& file, const RunSummary& summary) {
    try {
        // Atomic, not synced: a power loss may lose the last run's summary (its log is not synced either),
        // never tear it; a no-change up pays no fsync for its history.
        writeFileAtomically(file.parent_path(), file.filename(), runSummaryText(summary), Durability::Fast);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write the run summary " + file.string() + ": " + e.what());
    }
}

std::optional<RunSummary> readRunSummary(const fs::path& file) {
    const auto text = readHistoryFile(file);
    if (!text)
        return std::nullopt;
    const Json j = parseOrNull(*text);
    if (!j.is_object())
        return std::nullopt;
    RunSummary s;
    const auto phase = parsePhase(stringAt(j, "phase"));
    if (!phase)
        return std::nullopt;
    s.phase = *phase;
    s.app = stringAt(j, "app");
    s.stage = stringAt(j, "stage");
    s.stackFile = stringAt(j, "stackFile");
    s.program = stringAt(j, "program");
    if (auto started = parseIsoTime(stringAt(j, "startedAt")))
        s.startedAt = *started;
    if (auto it = j.find("durationMs"); it != j.end() && it->is_number())
        s.durationMs = it->is_number_integer() ? it->get<int64_t>() : static_cast<int64_t>(it->get<double>());
    s.result = parseHistoryResult(stringAt(j, "result")).value_or(HistoryResult::Error);
    if (auto it = j.find("counts"); it != j.end())
        s.counts = countsFromJson(*it);
    if (auto it = j.find("planned"); it != j.end() && it->is_object()) {
        s.planned.emplace();
        for (PlannedChange::Action action : kActions)
            if (auto n = it->find(std::string(toString(action))); n != it->end() && n->is_number_integer())
                (*s.planned)[action] = n->get<int>();
    }
    s.error = stringAt(j, "error");
    if (auto it = j.find("firstFailure"); it != j.end() && it->is_object()) {
        s.firstFailureFqn = stringAt(*it, "fqn");
        s.firstFailureMessage = stringAt(*it, "message");
    }
    if (auto it = j.find("errors"); it != j.end() && it->is_array())
        for (const auto& error : *it)
            if (error.is_string())
                s.errors.push_back(error.get<std::string>());
    if (auto it = j.find("options"); it != j.end() && it->is_object()) {
        s.force = it->value("force", false);
        s.adopt = it->value("adopt", false);
        s.parallel = it->value("parallel", 1);
    }
    if (auto it = j.find("lock"); it != j.end() && it->is_object()) {
        HistoryLockHolder holder;
        if (auto pid = it->find("pid"); pid != it->end() && pid->is_number_integer())
            holder.pid = pid->get<long long>();
        holder.host = stringAt(*it, "host");
        holder.since = stringAt(*it, "since");
        holder.operation = stringAt(*it, "operation");
        s.lock = std::move(holder);
    }
    s.logFileName = stringAt(j, "log");
    return s;
}

std::vector<RecordedRun> listRunHistory(const fs::path& projectRoot) {
    return listRunHistoryIn(folderAthanorHome(projectRoot));
}

std::vector<RecordedRun> listRunHistoryIn(const fs::path& athanorHome) {
    std::vector<RecordedRun> runs;
    const fs::path dir = runHistoryDirIn(athanorHome);
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name != kSettingsFile && endsWith(name, kSummarySuffix) && entry.is_regular_file(ec))
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end(), std::greater<>());
    for (const auto& file : files) {
        auto summary = readRunSummary(file);
        if (!summary)
            continue;
        RecordedRun run;
        run.summaryFile = file;
        if (!summary->logFileName.empty())
            run.logFile = dir / summary->logFileName;
        run.summary = std::move(*summary);
        runs.push_back(std::move(run));
    }
    std::stable_sort(runs.begin(), runs.end(), [](const RecordedRun& a, const RecordedRun& b) {
        return a.summary.startedAt > b.summary.startedAt;
    });
    return runs;
}

std::vector<EngineEvent> readRunEvents(const fs::path& logFile) {
    std::ifstream in(logFile, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open the run log " + logFile.string());
    std::vector<EngineEvent> events;
    std::string line;
    while (std::getline(in, line)) {
        const Json j = parseOrNull(line);
        if (auto event = eventFromJson(j))
            events.push_back(std::move(*event));
    }
    return events;
}

} // namespace athanor

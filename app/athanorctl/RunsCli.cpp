#include "RunsCli.h"

#include "CommandLine.h"
#include "events/EventJson.h"
#include "history/RunHistory.h"
#include "store/StateSources.h"

#include "json/JsonParse.h"
#include <iomanip>
#include <iostream>
#include <sstream>

namespace athanor::cli {

const char* const kRunsUsage =
    "  athanorctl runs [--state SOURCE] [--stage S] [--limit N] [--json] [--keep N]\n"
    "    the recorded runs of the source (up, destroy, plan, read), newest first: start (UTC), phase,\n"
    "    stage, result, duration, changes, log file. --json: one summary a line, with its files.\n"
    "    --keep N: keep the last N runs of each stage (default 100); older ones are removed now and as\n"
    "    runs are recorded (the GUI's History tab shares the setting).\n";

namespace {

int positiveNumber(const CommandLine& cl, const std::string& option, const std::string& what) {
    const auto text = cl.value(option);
    if (!text || text->empty() || text->find_first_not_of("0123456789") != std::string::npos ||
        text->size() > 6 || std::stoi(*text) < 1)
        throw UsageError("--" + option + " needs a number of " + what + " (1 or more)");
    return std::stoi(*text);
}

std::string changesText(const RunSummary& s) {
    if (s.result == HistoryResult::Error || s.result == HistoryResult::Locked)
        return s.error;
    std::string out;
    auto add = [&out](int n, const char* what) {
        if (n > 0)
            out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    if (s.planned) {
        for (const auto& [action, n] : *s.planned)
            add(n, ("to " + std::string(toString(action))).c_str());
        return out.empty() ? "nothing to do" : out;
    }
    add(s.counts.created, "created");
    add(s.counts.updated, "updated");
    add(s.counts.replaced, "replaced");
    add(s.counts.deleted, "deleted");
    add(s.counts.read, "read");
    add(s.counts.skipped, "unchanged");
    add(s.counts.failed, "failed");
    return out.empty() ? "no resources" : out;
}

std::string durationText(int64_t ms) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(ms < 10'000 ? 2 : 1) << double(ms) / 1000.0 << " s";
    return out.str();
}

} // namespace

int runRunsCommand(const std::vector<std::string>& args) {
    const CommandLine cl(args, {"root", "state", "stage", "limit", "keep"}, {"json"});
    if (!cl.positionals().empty())
        throw UsageError("runs takes no arguments (did you mean --stage " + cl.positionals().front() + "?)");
    const SourceSpec spec = stateSourceOption(cl).value_or(SourceSpec::folder("."));
    const std::filesystem::path home = openStateSource(spec)->athanorHome();
    const std::filesystem::path dir = runHistoryDirIn(home);
    if (cl.value("keep")) {
        const int keep = positiveNumber(cl, "keep", "runs");
        // A folder's home sits in its state folder: a setting must not create .alchemy where there is none.
        std::error_code ec;
        if (home.filename() == ".athanor" && !std::filesystem::is_directory(home.parent_path(), ec))
            throw std::runtime_error("no Alchemy state here: " + home.parent_path().string() +
                                     " does not exist");
        setRunHistorySettingsIn(home, {keep});
        const PrunedRunHistory pruned = pruneRunHistoryIn(home);
        for (const std::string& error : pruned.errors)
            std::cerr << "athanorctl: warning: " << error << "\n";
        std::cout << "run history in " << dir.string() << " keeps the last " << keep
                  << " runs of each stage (" << pruned.runs << " older removed)\n";
        return pruned.errors.empty() ? 0 : 1;
    }
    const int limit = cl.value("limit") ? positiveNumber(cl, "limit", "runs") : 0;
    const std::string stage = cl.valueOr("stage", "");
    std::vector<RecordedRun> runs = listRunHistoryIn(home);
    std::erase_if(runs, [&](const RecordedRun& run) { return !stage.empty() && run.summary.stage != stage; });
    const size_t total = runs.size();
    if (limit > 0 && runs.size() > size_t(limit))
        runs.resize(size_t(limit));
    if (cl.flag("json")) {
        for (const RecordedRun& run : runs) {
            Json j = parseJsonText(runSummaryText(run.summary));
            j["summaryFile"] = run.summaryFile.string();
            j["logFile"] = run.logFile.string();
            std::cout << j.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
        }
        return 0;
    }
    if (total == 0) {
        std::cout << "no runs recorded" << (stage.empty() ? "" : " for stage " + stage) << " in "
                  << dir.string() << "\n";
        return 0;
    }
    std::cout << total << (total == 1 ? " run" : " runs") << (stage.empty() ? "" : " of stage " + stage)
              << " in " << dir.string() << " (the last " << runHistorySettingsIn(home).keep
              << " of each stage are kept)"
              << (runs.size() < total ? ", newest " + std::to_string(runs.size()) : "") << "\n";
    for (const RecordedRun& run : runs) {
        const RunSummary& s = run.summary;
        std::cout << "  " << formatIsoTime(s.startedAt) << "  " << std::left << std::setw(7)
                  << toString(s.phase) << " " << std::setw(12) << (s.app + "/" + s.stage) << " "
                  << std::setw(9) << toString(s.result) << " " << std::right << std::setw(8)
                  << durationText(s.durationMs) << "  " << changesText(s);
        if (!run.logFile.empty())
            std::cout << "  " << run.logFile.filename().string();
        std::cout << "\n";
    }
    return 0;
}

} // namespace athanor::cli

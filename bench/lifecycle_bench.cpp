// lifecycle_bench: runPhase() on N resources of a provider that does nothing, so what is measured is the
// engine plus the file store (durable writes as runs make them by default: batched syncs, WriteGroup.h).
// Issue 3 item 11; defaults (parallel, durability) as athanorctl's since issue 14.
//
//   lifecycle_bench [--parallel P] [--n N] [--layout flat|scopes] [--runs K] [--verbose] [--no-fsync]
//
// --runs K repeats each configuration K times (fresh state each time) and prints the median of each column;
// the machine is shared and noisy, single runs are not figures.
//
// Without --n/--layout it runs N = 1,000 and 10,000, flat and over 100 scopes, each configuration in its own
// child process (so peak RSS is per configuration), and prints a table with the ratios to real alchemy@0.94.0
// on this machine (node 20, 10k flat): create 32.2 s, no-change up 2.55 s, read 2.11 s, destroy 10.6 s,
// peak RSS 335 MB.
#include "lifecycle/RunApi.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace athanor;
namespace fs = std::filesystem;

namespace {

// --before-images-ratio: every configuration also run without keeping run before-images (the version
// store's hook at the store door), interleaved, and the ratio printed.
bool g_beforeImagesRatio = false;
bool g_verbose = false; // --verbose: wall, user and system time of every phase on stderr
// --no-fsync: the same runs without fsync (atomic renames only), to see how much of a figure durability
// costs.
Durability g_durability = Durability::Batched;

constexpr double kAlchemyCreate = 32.2, kAlchemyNoChange = 2.55, kAlchemyRead = 2.11, kAlchemyDestroy = 10.6,
                 kAlchemyRssMb = 335;

class NoopProvider final : public Provider {
public:
    std::string kind() const override { return "bench::Noop"; }
    Json apply(ProviderContext& ctx) override { return ctx.props(); }
    void remove(ProviderContext&) override {}
};

class CountingSink final : public EventSink {
public:
    void onEvent(const EngineEvent&) override {}
};

StackFile makeStack(const fs::path& folder, int n, bool scoped) {
    StackFile stack;
    stack.folder = folder;
    stack.file = folder / "alchemy.stack.json";
    stack.app = "bench";
    const int scopes = scoped ? 100 : 0;
    for (int s = 0; s < scopes; ++s) {
        DeclaredScope scope;
        scope.name = "scope" + std::to_string(s);
        scope.jsonPath = "/scopes/" + scope.name;
        stack.root.scopes.push_back(std::move(scope));
    }
    for (int i = 0; i < n; ++i) {
        DeclaredResource r;
        r.id = "r" + std::to_string(i);
        r.kind = "bench::Noop";
        r.props = Json::object();
        r.props["index"] = i;
        r.props["name"] = "resource number " + std::to_string(i);
        r.jsonPath = "/resources/" + r.id;
        if (scoped)
            stack.root.scopes[static_cast<size_t>(i % scopes)].resources.push_back(std::move(r));
        else
            stack.root.resources.push_back(std::move(r));
    }
    return stack;
}

struct Row {
    double create = 0, noChange = 0, read = 0, destroy = 0, rssMb = 0;
};

Row runConfiguration(int n, bool scoped, int parallel, bool beforeImages = true) {
    const fs::path dir = fs::temp_directory_path() / ("lifecycle_bench_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto registry = std::make_shared<ProviderRegistry>();
    registry->add(std::make_unique<NoopProvider>());
    const StackFile stack = makeStack(dir, n, scoped);
    CountingSink sink;
    CancellationToken cancel;
    const auto timed = [&](Phase phase, int expected, int RunCounts::*counter) {
        RunOptions options;
        options.phase = phase;
        options.root = dir;
        options.stage = "bench";
        options.app = "bench";
        options.parallel = parallel;
        options.providers = registry;
        options.durability = g_durability;
        options.keepBeforeImages = beforeImages;
        rusage before{};
        ::getrusage(RUSAGE_SELF, &before);
        const auto start = std::chrono::steady_clock::now();
        const RunReport report =
            runPhaseWithStack(options, phase == Phase::Destroy ? nullptr : &stack, sink, cancel);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (g_verbose) {
            rusage after{};
            ::getrusage(RUSAGE_SELF, &after);
            const auto cpu = [](const timeval& a, const timeval& b) {
                return static_cast<double>(b.tv_sec - a.tv_sec) +
                       static_cast<double>(b.tv_usec - a.tv_usec) / 1e6;
            };
            std::fprintf(stderr, "  %-8s wall %.3f s, user %.3f s, sys %.3f s\n",
                         std::string(toString(phase)).c_str(), seconds, cpu(before.ru_utime, after.ru_utime),
                         cpu(before.ru_stime, after.ru_stime));
        }
        if (report.result != RunResult::Succeeded || report.counts.*counter != expected) {
            std::fprintf(stderr, "%s: unexpected result (%d of %d; %s)\n",
                         std::string(toString(phase)).c_str(), report.counts.*counter, expected,
                         report.errors.empty() ? "" : report.errors.front().c_str());
            std::exit(1);
        }
        return seconds;
    };
    Row row;
    row.create = timed(Phase::Up, n, &RunCounts::created);
    row.noChange = timed(Phase::Up, n, &RunCounts::skipped);
    row.read = timed(Phase::Read, n, &RunCounts::read);
    row.destroy = timed(Phase::Destroy, n, &RunCounts::deleted);
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    row.rssMb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    fs::remove_all(dir);
    return row;
}

Row medianOf(std::vector<Row> rows) {
    const auto median = [&](double Row::*field) {
        std::vector<double> values;
        for (const Row& row : rows)
            values.push_back(row.*field);
        std::sort(values.begin(), values.end());
        const size_t n = values.size();
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    };
    Row out;
    out.create = median(&Row::create);
    out.noChange = median(&Row::noChange);
    out.read = median(&Row::read);
    out.destroy = median(&Row::destroy);
    out.rssMb = rows.back().rssMb; // peak of the process: the largest of all runs
    return out;
}

void printHeader() {
    std::printf("%-8s %-7s %4s | %9s %9s %9s %9s %8s | %8s %8s %8s %8s %8s\n", "N", "layout", "par",
                "create s", "nochg s", "read s", "destroy s", "RSS MB", "create", "nochg", "read", "destroy",
                "RSS");
}

void printRow(int n, bool scoped, int parallel, const Row& row) {
    // Ratios are to Alchemy's 10k-flat figures scaled linearly to N (Alchemy is linear in N for these).
    const double scale = n / 10000.0;
    std::printf("%-8d %-7s %4d | %9.3f %9.3f %9.3f %9.3f %8.1f | %7.1f%% %7.1f%% %7.1f%% %7.1f%% %7.1f%%\n",
                n, scoped ? "scopes" : "flat", parallel, row.create, row.noChange, row.read, row.destroy,
                row.rssMb, 100 * row.create / (kAlchemyCreate * scale),
                100 * row.noChange / (kAlchemyNoChange * scale), 100 * row.read / (kAlchemyRead * scale),
                100 * row.destroy / (kAlchemyDestroy * scale), 100 * row.rssMb / kAlchemyRssMb);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    int parallel = kDefaultParallel, onlyN = 0, runs = 1;
    std::string onlyLayout;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--verbose") {
            g_verbose = true;
            continue;
        }
        if (flag == "--before-images-ratio") {
            g_beforeImagesRatio = true;
            continue;
        }
        if (flag == "--no-fsync") {
            g_durability = Durability::Fast;
            continue;
        }
        if (flag == "--help" || flag == "-h" || i + 1 >= argc) {
            std::printf(
                "usage: lifecycle_bench [--parallel P] [--n 1000|10000] [--layout flat|scopes] "
                "[--runs K] [--verbose] [--no-fsync] [--before-images-ratio]\n"
                "  --parallel P  resources applied at once (default 10, as athanorctl)\n"
                "  --n N         only N resources (default: 1000 and 10000)\n"
                "  --layout L    only one flat scope or only 100 scopes (default: both)\n"
                "  --runs K      repeat each configuration K times, print medians (default 1)\n"
                "  --verbose     wall, user and system time of every phase on stderr\n"
                "  --no-fsync    atomic renames without fsync (to compare; the goals are for durable)\n"
                "  --before-images-ratio  each run also without run before-images; prints with/without\n");
            return flag == "--help" || flag == "-h" ? 0 : 2;
        }
        ++i;
        if (flag == "--runs")
            runs = std::max(1, std::atoi(argv[i]));
        else if (flag == "--parallel")
            parallel = std::atoi(argv[i]);
        else if (flag == "--n")
            onlyN = std::atoi(argv[i]);
        else if (flag == "--layout")
            onlyLayout = argv[i];
    }
    std::printf(
        "lifecycle_bench: no-op provider, %s writes, --parallel %d; ratios vs alchemy@0.94.0 "
        "(10k flat: create %.1f s, no-change %.2f s, read %.2f s, destroy %.1f s, %.0f MB), scaled to N;\n"
        "goals: no-change and read <= 5%%, create and destroy <= 25%%; median of %d run(s)\n",
        g_durability == Durability::Batched ? "durable (batched)" : "NON-DURABLE (--no-fsync)", parallel,
        kAlchemyCreate, kAlchemyNoChange, kAlchemyRead, kAlchemyDestroy, kAlchemyRssMb, runs);
    printHeader();
    for (int n : {1000, 10000}) {
        if (onlyN && n != onlyN)
            continue;
        for (bool scoped : {false, true}) {
            if (!onlyLayout.empty() && onlyLayout != (scoped ? "scopes" : "flat"))
                continue;
            // One child process per configuration: its peak RSS is its own.
            std::fflush(stdout);
            const pid_t child = ::fork();
            if (child == 0) {
                std::vector<Row> rows, without;
                for (int r = 0; r < runs; ++r) {
                    // Interleaved, so both see the same load.
                    if (g_beforeImagesRatio)
                        without.push_back(runConfiguration(n, scoped, parallel, false));
                    rows.push_back(runConfiguration(n, scoped, parallel));
                }
                const Row with = medianOf(std::move(rows));
                printRow(n, scoped, parallel, with);
                if (g_beforeImagesRatio) {
                    const Row base = medianOf(std::move(without));
                    std::printf("  without run before-images: create %.3f s, nochg %.3f s, destroy %.3f s; "
                                "with/without: create %.3f, nochg %.3f, destroy %.3f\n",
                                base.create, base.noChange, base.destroy, with.create / base.create,
                                with.noChange / base.noChange, with.destroy / base.destroy);
                    std::fflush(stdout); // _Exit does not flush
                }
                std::_Exit(0);
            }
            int status = 0;
            ::waitpid(child, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return 1;
        }
    }
    return 0;
}

// state_bench: how fast Athanor reads a large .alchemy tree compared with the physical floor (issue 2, item
// 9).
//
// Generates N-resource trees in Alchemy's exact file format (records of about 1.3 KB, a quarter of them with
// a v1 @secret), in two layouts: "flat" (one stage folder) and "spread" (100 naked scopes, each with its
// alchemy::Scope record). For each tree, in one run and with a warm page cache, it measures the median of
// several repetitions (wall time and process CPU time) of:
//   floor      open/fstat/read/close of every record file (paths known in advance), 1 and 2 threads
//   snapshot   loadSnapshot() with 1 thread and with the default thread count
//   list       stateList() (snapshot + sorted FQN output) into a discarding stream
//   check      stateCheck() (every record validated against Alchemy's schema) into a discarding stream;
//              issue 14's goal is at most 3× the floor with the same thread count
//   sqlite     the same records migrated into an Alchemy SQLite database, loadSnapshot() of it; its ratio is
//              to the folder's loadSnapshot() with the same thread count (issue 11: at most 2×)
// and prints ms, µs per record, the ratio to the floor with the same thread count, and the per-record cost
// ratio between the largest and the smallest N.
//
// usage: state_bench [--sizes 1000,10000,100000] [--dir /tmp] [--keep]
#include "commands/StateCommands.h"
#include "commands/StateMigration.h"
#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace athanor;

namespace {

constexpr int kScopes = 100;
const std::string kApp = "bench";
const std::string kStage = "prod";

std::string base64Of(std::mt19937_64& rng, size_t bytes) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < (bytes + 2) / 3 * 4; ++i)
        out.push_back(table[rng() % 64]);
    if (bytes % 3 != 0)
        out.replace(out.size() - (3 - bytes % 3), 3 - bytes % 3, 3 - bytes % 3, '=');
    return out;
}

std::string hexOf(std::mt19937_64& rng, size_t chars) {
    static constexpr char table[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < chars; ++i)
        out.push_back(table[rng() % 16]);
    return out;
}

// A v1 secret as Alchemy writes it (the bytes are random: the benchmark never decrypts).
Json fakeSecret(std::mt19937_64& rng, size_t plaintextBytes) {
    Json inner = Json::object();
    inner["version"] = "v1";
    inner["ciphertext"] = base64Of(rng, plaintextBytes);
    inner["iv"] = base64Of(rng, 12);
    inner["salt"] = base64Of(rng, 16);
    inner["tag"] = base64Of(rng, 16);
    return Json{{"@secret", inner}};
}

// A successful-apply record (reference §2.4 (C)): kind, id, fqn, seq, data, status, output, props.
std::string resourceText(const std::string& id, const std::string& fqn, int64_t seq, bool withSecret,
                         std::mt19937_64& rng) {
    const std::string kind = withSecret ? "cloudflare::Worker" : "fs::File";
    Json props = Json::object();
    props["name"] = id + "-" + hexOf(rng, 8);
    props["path"] = "dist/" + id + "/index.js";
    props["compatibilityDate"] = "2025-06-01";
    props["bindings"] = Json{{"KV", Json{{"namespaceId", hexOf(rng, 32)}, {"type", "kv_namespace"}}}};
    props["routes"] = Json::array({"https://" + id + ".example.com/*"});
    if (withSecret)
        props["apiToken"] = fakeSecret(rng, 40);

    Json output = Json::object();
    output["Symbol(alchemy::ResourceKind)"] = kind;
    output["Symbol(alchemy::ResourceID)"] = id;
    output["Symbol(alchemy::ResourceFQN)"] = fqn;
    output["Symbol(alchemy::ResourceScope)"] = Json{{"@scope", nullptr}};
    output["Symbol(alchemy::ResourceSeq)"] = seq;
    for (auto it = props.begin(); it != props.end(); ++it)
        output[it.key()] = it.value();
    output["id"] = hexOf(rng, 32);
    output["url"] = "https://" + id + ".bench.workers.dev";
    output["updatedAt"] = Json{{"@date", "2025-06-15T12:00:00.000Z"}};

    Json doc = Json::object();
    doc["kind"] = kind;
    doc["id"] = id;
    doc["fqn"] = fqn;
    doc["seq"] = seq;
    doc["data"] = Json::object();
    doc["status"] = "created";
    doc["output"] = output;
    doc["props"] = props;
    return stringifyJs(doc);
}

// A naked-scope record (reference §2.4 (D)).
std::string scopeText(const std::string& id, int64_t seq) {
    Json output = Json::object();
    output["Symbol(alchemy::ResourceID)"] = id;
    output["Symbol(alchemy::ResourceFQN)"] = "";
    output["Symbol(alchemy::ResourceKind)"] = "alchemy::Scope";
    output["Symbol(alchemy::ResourceScope)"] = Json{{"@scope", nullptr}};
    output["Symbol(alchemy::ResourceSeq)"] = seq;
    output["Symbol(alchemy::DestroyStrategy)"] = "sequential";
    Json doc = Json::object();
    doc["kind"] = "alchemy::Scope";
    doc["id"] = id;
    doc["seq"] = seq;
    doc["data"] = Json::object();
    doc["fqn"] = "";
    doc["props"] = Json::object();
    doc["status"] = "created";
    doc["output"] = output;
    return stringifyJs(doc);
}

void writeText(const fs::path& file, const std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        ::close(fd) != 0)
        throw std::runtime_error("cannot write " + file.string());
}

struct Tree {
    fs::path project;
    std::vector<fs::path> files; // every record file (for the floor)
    uint64_t bytes = 0;
};

Tree generate(const fs::path& project, size_t n, bool spread) {
    Tree tree{project, {}, 0};
    std::mt19937_64 rng(n * 2 + (spread ? 1 : 0));
    const fs::path stageDir = project / ".alchemy" / kApp / kStage;
    fs::create_directories(stageDir);
    auto add = [&](const fs::path& file, const std::string& text) {
        writeText(file, text);
        tree.files.push_back(file);
        tree.bytes += text.size();
    };
    if (spread)
        for (int s = 0; s < kScopes; ++s) {
            const std::string scope = "scope-" + std::to_string(s);
            fs::create_directories(stageDir / scope);
            add(stageDir / (scope + ".json"), scopeText(scope, 1));
        }
    for (size_t i = 0; i < n; ++i) {
        const std::string id = "worker-" + std::to_string(i);
        std::string dirFqn = kApp + "/" + kStage;
        fs::path dir = stageDir;
        if (spread) {
            const std::string scope = "scope-" + std::to_string(i % kScopes);
            dirFqn += "/" + scope;
            dir /= scope;
        }
        add(dir / (id + ".json"),
            resourceText(id, dirFqn + "/" + id, static_cast<int64_t>(i % 7), i % 4 == 0, rng));
    }
    return tree;
}

// The floor: what reading every file costs with no parsing and no walking.
uint64_t readRange(const std::vector<fs::path>& files, size_t begin, size_t end) {
    std::vector<char> buffer(1 << 16);
    uint64_t total = 0;
    for (size_t i = begin; i < end; ++i) {
        const int fd = ::open(files[i].c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw std::runtime_error("cannot open " + files[i].string());
        struct stat st {};
        ::fstat(fd, &st);
        if (buffer.size() < static_cast<size_t>(st.st_size) + 1)
            buffer.resize(static_cast<size_t>(st.st_size) + 1);
        ssize_t got = 0;
        while ((got = ::read(fd, buffer.data(), buffer.size())) > 0)
            total += static_cast<uint64_t>(got);
        ::close(fd);
    }
    return total;
}

uint64_t readAll(const std::vector<fs::path>& files, unsigned threads) {
    if (threads <= 1)
        return readRange(files, 0, files.size());
    std::vector<std::thread> pool;
    std::vector<uint64_t> totals(threads, 0);
    const size_t chunk = (files.size() + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const size_t begin = std::min(files.size(), t * chunk);
            totals[t] = readRange(files, begin, std::min(files.size(), begin + chunk));
        });
    for (auto& th : pool)
        th.join();
    uint64_t sum = 0;
    for (auto v : totals)
        sum += v;
    return sum;
}

// A stream that formats everything and throws it away (what `state list > /dev/null` costs minus the write).
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return c; }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

double processCpuMs() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Median wall time, and median CPU time of the whole process (all threads): on a shared machine the CPU time
// shows the cost even while other processes hold the cores.
struct Timing {
    double wallMs = 0;
    double cpuMs = 0;
};

Timing median(int repetitions, const std::function<void()>& work) {
    work(); // warm-up: page cache, allocator, simdjson's parser buffers
    std::vector<double> wall, cpu;
    for (int i = 0; i < repetitions; ++i) {
        const double cpuStart = processCpuMs();
        const auto start = std::chrono::steady_clock::now();
        work();
        wall.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(processCpuMs() - cpuStart);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

struct Row {
    std::string layout;
    size_t records = 0;
    std::string op;
    std::string threads;
    Timing t;
    Timing floor; // same thread count; zero for the floor rows themselves
};

std::vector<size_t> parseSizes(const std::string& text) {
    std::vector<size_t> out;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        out.push_back(static_cast<size_t>(std::stoull(part)));
    return out;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<size_t> sizes{1000, 10000, 100000};
    fs::path base = fs::temp_directory_path();
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--sizes" && i + 1 < argc)
            sizes = parseSizes(argv[++i]);
        else if (arg == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (arg == "--keep")
            keep = true;
        else {
            std::cerr << "usage: state_bench [--sizes 1000,10000,100000] [--dir /tmp] [--keep]\n";
            return 2;
        }
    }
    const unsigned defaultThreads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    const fs::path root = base / ("athanor-state-bench-" + std::to_string(::getpid()));
    std::vector<Row> rows;
    try {
        for (const bool spread : {false, true}) {
            for (const size_t n : sizes) {
                const std::string layout = spread ? "spread" : "flat";
                const Tree tree = generate(root / (layout + "-" + std::to_string(n)), n, spread);
                const size_t records = tree.files.size();
                const int reps = n >= 100000 ? 3 : n >= 10000 ? 7 : 21;
                std::cerr << "# " << layout << " N=" << n << ": " << records << " files, "
                          << tree.bytes / records << " B/file average, " << reps << " repetitions\n";

                const Timing floor1 = median(reps, [&] { readAll(tree.files, 1); });
                const Timing floor2 = median(reps, [&] { readAll(tree.files, 2); });
                size_t loaded = 0, errors = 0;
                const Timing snap1 = median(reps, [&] {
                    auto s = loadSnapshot(tree.project, {"", "", 1});
                    loaded = s->records.size();
                    errors = s->errorCount();
                });
                const Timing snapDefault = median(reps, [&] { loadSnapshot(tree.project); });
                NullBuffer nullBuffer;
                std::ostream null(&nullBuffer);
                const Timing list =
                    median(reps, [&] { stateList(SourceSpec::folder(tree.project), {}, null, null); });
                int checkExit = -1;
                const Timing check = median(
                    reps, [&] { checkExit = stateCheck(SourceSpec::folder(tree.project), null, null); });
                if (checkExit != 0)
                    throw std::runtime_error("state check of " + tree.project.string() + " found errors");
                if (loaded != records || errors != 0)
                    throw std::runtime_error("snapshot of " + tree.project.string() + " has " +
                                             std::to_string(loaded) + " records and " +
                                             std::to_string(errors) + " errors; expected " +
                                             std::to_string(records) + " and 0");

                const std::string dt = std::to_string(defaultThreads);
                const Timing floorDefault = defaultThreads >= 2 ? floor2 : floor1;
                rows.push_back({layout, records, "floor read", "1", floor1, {}});
                rows.push_back({layout, records, "floor read", "2", floor2, {}});
                rows.push_back({layout, records, "loadSnapshot", "1", snap1, floor1});
                rows.push_back(
                    {layout, records, "loadSnapshot", dt + " (default)", snapDefault, floorDefault});
                rows.push_back({layout, records, "state list", dt + " (default)", list, floorDefault});
                rows.push_back({layout, records, "state check", dt + " (default)", check, floorDefault});

                // The same records in Alchemy's SQLite store: migrated (ciphertexts as they are), then
                // loaded.
                const fs::path database = root / (layout + "-" + std::to_string(n) + ".sqlite");
                {
                    auto from = openStateSource(SourceSpec::folder(tree.project));
                    auto to = openStateSource(SourceSpec::sqlite(database));
                    const MigrationReport copied = migrateState(*from, *to, {});
                    if (!copied.succeeded() || copied.copied != records)
                        throw std::runtime_error(
                            "migrating " + tree.project.string() + " into " + database.string() + " copied " +
                            std::to_string(copied.copied) + " of " + std::to_string(records));
                }
                auto sqlite = openStateSource(SourceSpec::sqlite(database));
                size_t sqliteLoaded = 0;
                const Timing sqliteSnap = median(reps, [&] {
                    auto s = loadSnapshot(*sqlite);
                    sqliteLoaded = s->records.size();
                });
                if (sqliteLoaded != records)
                    throw std::runtime_error("snapshot of " + database.string() + " has " +
                                             std::to_string(sqliteLoaded) + " records; expected " +
                                             std::to_string(records));
                rows.push_back({layout, records, "loadSnapshot sqlite (× folder load)", dt + " (default)",
                                sqliteSnap, snapDefault});
                sqlite.reset();
                if (!keep)
                    for (const char* suffix : {"", "-wal", "-shm"})
                        fs::remove(database.string() + suffix);
                if (!keep)
                    fs::remove_all(tree.project);
            }
        }
    } catch (const std::exception& e) {
        std::cerr << "state_bench: " << e.what() << "\n";
        if (!keep)
            fs::remove_all(root);
        return 1;
    }
    if (!keep)
        fs::remove_all(root);

    std::printf("| layout | records | operation | threads | wall ms | µs/record | × floor | CPU ms | × floor "
                "(CPU) |\n");
    std::printf("|---|---:|---|---|---:|---:|---:|---:|---:|\n");
    for (const auto& r : rows) {
        const double us = r.t.wallMs * 1000.0 / static_cast<double>(r.records);
        char ratio[32] = "—", cpuRatio[32] = "—";
        if (r.floor.wallMs > 0) {
            std::snprintf(ratio, sizeof ratio, "%.2f", r.t.wallMs / r.floor.wallMs);
            std::snprintf(cpuRatio, sizeof cpuRatio, "%.2f", r.t.cpuMs / r.floor.cpuMs);
        }
        std::printf("| %s | %zu | %s | %s | %.1f | %.2f | %s | %.1f | %s |\n", r.layout.c_str(), r.records,
                    r.op.c_str(), r.threads.c_str(), r.t.wallMs, us, ratio, r.t.cpuMs, cpuRatio);
    }

    // Scaling: per-record cost at the largest N divided by the cost at the smallest N.
    if (sizes.size() >= 2) {
        std::printf("\n| layout | operation | threads | wall µs/record at %zu | at %zu | ratio |\n",
                    sizes.front(), sizes.back());
        std::printf("|---|---|---|---:|---:|---:|\n");
        std::map<std::string, std::pair<double, double>> scaling; // key -> (first, last)
        std::vector<std::string> order;
        for (const auto& r : rows) {
            const std::string key = r.layout + " | " + r.op + " | " + r.threads;
            const double us = r.t.wallMs * 1000.0 / static_cast<double>(r.records);
            if (!scaling.count(key)) {
                scaling[key] = {us, us};
                order.push_back(key);
            } else {
                scaling[key].second = us;
            }
        }
        for (const auto& key : order)
            std::printf("| %s | %.2f | %.2f | %.2f |\n", key.c_str(), scaling[key].first, scaling[key].second,
                        scaling[key].second / scaling[key].first);
    }
    return 0;
}

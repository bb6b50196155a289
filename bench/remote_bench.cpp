// remote_bench: opening N records (default 10,000) from the team stores, against the folder load of the same
// records. Starts the real servers on 127.0.0.1 (Alchemy's state worker under miniflare, s3rver; the node
// packages of tests/support/node-deps must be installed: the node_deps test does it), copies a generated tree
// into both with `state migrate`, then opens each source in a fresh process, --runs times, and prints the
// median time to tree, the requests made and the peak RSS of that process.
//
//   build/bin/remote_bench [--records N] [--runs R]
#include "StateServers.h"
#include "commands/StateMigration.h"
#include "snapshot/SnapshotLoader.h"
#include "store/StateSources.h"
#include "store/cloudflare/CloudflareSource.h"
#include "store/s3/S3Source.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace athanor;
namespace fs = std::filesystem;

namespace {

constexpr int kScopes = 10;

// A record as Alchemy's success write shapes it (reference §2.4 (C)), about 700 bytes.
std::string recordText(const std::string& id, const std::string& fqn, std::mt19937_64& rng) {
    auto hex = [&](int n) {
        std::string out;
        for (int i = 0; i < n; ++i)
            out += "0123456789abcdef"[rng() % 16];
        return out;
    };
    Json output = Json::object();
    output["Symbol(alchemy::ResourceKind)"] = "cloudflare::Worker";
    output["Symbol(alchemy::ResourceID)"] = id;
    output["Symbol(alchemy::ResourceFQN)"] = fqn;
    output["Symbol(alchemy::ResourceScope)"] = Json{{"@scope", nullptr}};
    output["Symbol(alchemy::ResourceSeq)"] = 1;
    output["name"] = id;
    output["id"] = hex(32);
    output["url"] = "https://" + id + ".bench.workers.dev";
    output["apiToken"] = Json{{"@secret", "v1:" + hex(96)}};
    Json props = Json::object();
    props["name"] = id;
    props["compatibilityDate"] = "2025-06-01";
    props["bindings"] = Json{{"KV", Json{{"type", "kv_namespace"}, {"id", hex(32)}}}};
    Json doc = Json::object();
    doc["kind"] = "cloudflare::Worker";
    doc["id"] = id;
    doc["fqn"] = fqn;
    doc["seq"] = 1;
    doc["data"] = Json::object();
    doc["status"] = "created";
    doc["output"] = output;
    doc["props"] = props;
    return stringifyJs(doc, 2);
}

// A naked scope's record in the stage (reference §2.4 (D)), as alchemy.run() writes one for each scope: the
// worker finds a scope only through a parent that holds a row, as Alchemy's own listScopes does.
std::string scopeText(const std::string& id) {
    Json output = Json::object();
    output["Symbol(alchemy::ResourceID)"] = id;
    output["Symbol(alchemy::ResourceFQN)"] = "";
    output["Symbol(alchemy::ResourceKind)"] = "alchemy::Scope";
    output["Symbol(alchemy::ResourceScope)"] = Json{{"@scope", nullptr}};
    output["Symbol(alchemy::ResourceSeq)"] = 0;
    output["Symbol(alchemy::DestroyStrategy)"] = "sequential";
    Json doc = Json::object();
    doc["kind"] = "alchemy::Scope";
    doc["id"] = id;
    doc["seq"] = 0;
    doc["data"] = Json::object();
    doc["fqn"] = "";
    doc["props"] = Json::object();
    doc["status"] = "created";
    doc["output"] = output;
    return stringifyJs(doc, 2);
}

void writeText(const fs::path& file, const std::string& text) {
    FILE* f = std::fopen(file.c_str(), "wb");
    if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0)
        throw std::runtime_error("cannot write " + file.string());
}

void generate(const fs::path& project, size_t n) {
    std::mt19937_64 rng(n);
    const fs::path stage = project / ".alchemy" / "bench" / "prod";
    fs::create_directories(stage);
    for (int s = 0; s < kScopes; ++s)
        writeText(stage / ("scope-" + std::to_string(s) + ".json"), scopeText("scope-" + std::to_string(s)));
    for (size_t i = 0; i < n; ++i) {
        const std::string scope = "scope-" + std::to_string(i % kScopes);
        const std::string id = "worker-" + std::to_string(i);
        const fs::path dir = stage / scope;
        fs::create_directories(dir);
        writeText(dir / (id + ".json"), recordText(id, "bench/prod/" + scope + "/" + id, rng));
    }
}

// In a child process: open `sourceText` and load it; prints "ms requests records peakKiB".
int measure(const std::string& sourceText) {
    const auto start = std::chrono::steady_clock::now();
    auto source = openStateSource(SourceSpec::parse(sourceText));
    SnapshotOptions options;
    if (!source->listsApps())
        options.knownApps = {"bench"};
    const auto snap = loadSnapshot(*source, options);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    uint64_t requests = 0;
    if (auto* cf = dynamic_cast<CloudflareSource*>(source.get()))
        requests = cf->requestCount();
    if (auto* s3 = dynamic_cast<S3Source*>(source.get()))
        requests = s3->requestCount();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    std::printf("%.1f %llu %zu %ld\n", ms, static_cast<unsigned long long>(requests), snap->records.size(),
                usage.ru_maxrss);
    return 0;
}

struct Figures {
    double ms = 0;
    unsigned long long requests = 0;
    size_t records = 0;
    long peakKiB = 0;
};

Figures runChild(const char* self, const std::string& source) {
    const std::string command = std::string(self) + " --measure '" + source + "'";
    FILE* pipe = ::popen(command.c_str(), "r");
    Figures f;
    if (!pipe || std::fscanf(pipe, "%lf %llu %zu %ld", &f.ms, &f.requests, &f.records, &f.peakKiB) != 4)
        throw std::runtime_error("measuring " + source + " failed");
    ::pclose(pipe);
    return f;
}

} // namespace

int main(int argc, char** argv) {
    size_t records = 10000;
    int runs = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--measure" && i + 1 < argc)
            return measure(argv[i + 1]);
        if (arg == "--records" && i + 1 < argc)
            records = std::stoul(argv[++i]);
        else if (arg == "--runs" && i + 1 < argc)
            runs = std::stoi(argv[++i]);
        else {
            std::cerr << "usage: remote_bench [--records N] [--runs R]\n";
            return 2;
        }
    }
    const fs::path nodeModules = fs::path(ATHANOR_NODE_DEPS_DIR) / "node_modules";
    char pattern[] = "/tmp/remote-bench-XXXXXX";
    const fs::path work = ::mkdtemp(pattern);
    generate(work / "folder", records);

    auto worker = state_servers::startCloudflareWorker(nodeModules, "bench-token");
    auto s3 = state_servers::startS3Server(nodeModules, work / "s3rver", {"bench-state"});
    ::setenv("ALCHEMY_STATE_TOKEN", "bench-token", 1);
    ::setenv("AWS_ENDPOINT_URL_S3", s3->url().c_str(), 1);
    ::setenv("AWS_REGION", "us-east-1", 1);
    ::setenv("AWS_ACCESS_KEY_ID", state_servers::kS3rverKey, 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", state_servers::kS3rverSecret, 1);

    const std::string folder = (work / "folder").string();
    const std::string cloudflare = "cloudflare:" + worker->url();
    const std::string bucket = "s3://bench-state";
    auto from = openStateSource(SourceSpec::parse(folder));
    for (const std::string& target : {cloudflare, bucket}) {
        const auto start = std::chrono::steady_clock::now();
        auto to = openStateSource(SourceSpec::parse(target));
        const MigrationReport report = migrateState(*from, *to, {});
        if (!report.succeeded())
            throw std::runtime_error("copying into " + target + " failed");
        std::cout << "copied " << report.copied << " records into " << target << " in "
                  << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                      start)
                         .count()
                  << " s (set-up, not measured)\n";
    }

    std::cout << "\nopening " << records << " records (+" << kScopes << " scope records), median of " << runs
              << " runs, each in a fresh process\n";
    std::printf("%-12s %12s %10s %10s %14s %10s\n", "source", "time to tree", "vs folder", "requests",
                "peak RSS", "records");
    double folderMs = 0;
    for (const auto& [name, source] : std::vector<std::pair<std::string, std::string>>{
             {"folder", folder}, {"cloudflare", cloudflare}, {"s3", bucket}}) {
        std::vector<Figures> all;
        for (int r = 0; r < runs; ++r)
            all.push_back(runChild(argv[0], source));
        std::sort(all.begin(), all.end(), [](const Figures& a, const Figures& b) { return a.ms < b.ms; });
        const Figures& median = all[all.size() / 2];
        if (name == "folder")
            folderMs = median.ms;
        std::printf("%-12s %9.0f ms %9.1fx %10llu %11.1f MiB %10zu\n", name.c_str(), median.ms,
                    median.ms / folderMs, median.requests, median.peakKiB / 1024.0, median.records);
    }
    std::error_code ec;
    worker.reset();
    s3.reset();
    fs::remove_all(work, ec);
    return 0;
}

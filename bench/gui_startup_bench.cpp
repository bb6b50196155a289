// GUI start-up benchmark (not a test): how long `athanor <tree>` takes from process start to the scope tree
// painted ("tree shown": the hierarchy of the folder walk) and to every record loaded (kinds, statuses and
// problems complete), and its peak resident memory, on a generated stage (10,000 resources by default) with
// realistic ~1.3 KB records.
//
//   gui_startup_bench [--runs N] [--resources N] [--keep DIR] [--athanor PATH]
//
// The GUI runs on the offscreen platform unless QT_QPA_PLATFORM is set. Each run is a fresh process; the time
// is measured here from fork() to the lines `athanor --exit-when-loaded` prints once the tree is painted and
// once every record is loaded.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string record(const std::string& fqn, const std::string& id, int seq, int n) {
    // Shaped like a real fs::File record (envelope, symbol metadata, props echoed in output): ~1.3 KB.
    const std::string content = "line " + std::to_string(n) + " of generated content for the benchmark " +
                                std::string(180, static_cast<char>('a' + n % 26));
    std::string s;
    s += "{\n  \"kind\": \"fs::File\",\n  \"id\": \"" + id + "\",\n  \"fqn\": \"" + fqn +
         "\",\n  \"seq\": " + std::to_string(seq) + ",\n  \"data\": {},\n  \"status\": \"" +
         (n % 97 == 0 ? "updated" : "created") + "\",\n  \"output\": {\n";
    s += "    \"Symbol(alchemy::ResourceKind)\": \"fs::File\",\n    \"Symbol(alchemy::ResourceID)\": \"" +
         id + "\",\n    \"Symbol(alchemy::ResourceFQN)\": \"" + fqn +
         "\",\n    \"Symbol(alchemy::ResourceScope)\": {\n      \"@scope\": null\n    },\n";
    s += "    \"Symbol(alchemy::ResourceSeq)\": " + std::to_string(seq) + ",\n    \"path\": \"out/" + id +
         ".txt\",\n    \"content\": \"" + content + "\",\n    \"hash\": \"sha256-" + std::string(64, 'f') +
         "\",\n    \"createdAt\": {\n      \"@date\": \"2024-05-01T12:00:00.000Z\"\n    }\n  },\n";
    s += "  \"props\": {\n    \"path\": \"out/" + id + ".txt\",\n    \"content\": \"" + content +
         "\",\n    \"tags\": [\n      \"bench\",\n      \"generated\",\n      \"item-" + std::to_string(n) +
         "\"\n    ]\n  }\n}";
    return s;
}

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// 80 % directly in the stage, the rest in 20 child scopes (each with its naked-scope record).
size_t generate(const fs::path& root, int resources) {
    const fs::path stage = root / ".alchemy" / "bench" / "dev";
    const int scopes = 20;
    const int direct = resources * 8 / 10;
    size_t bytes = 0;
    for (int i = 0; i < direct; ++i) {
        const std::string id = "file-" + std::to_string(i);
        const std::string text = record("bench/dev/" + id, id, i % 50, i);
        bytes += text.size();
        write(stage / (id + ".json"), text);
    }
    for (int s = 0; s < scopes; ++s) {
        const std::string scope = "scope-" + std::to_string(s);
        write(stage / (scope + ".json"), "{\n  \"kind\": \"alchemy::Scope\",\n  \"id\": \"" + scope +
                                             "\",\n  \"seq\": 1,\n  \"data\": {},\n  \"fqn\": \"\",\n  "
                                             "\"props\": {},\n  \"status\": \"created\",\n"
                                             "  \"output\": {}\n}");
        for (int i = direct + s; i < resources; i += scopes) {
            const std::string id = "file-" + std::to_string(i);
            const std::string text = record("bench/dev/" + scope + "/" + id, id, i % 50, i);
            bytes += text.size();
            write(stage / scope / (id + ".json"), text);
        }
    }
    return bytes;
}

struct Run {
    double shownMs = 0;  // the tree on screen
    double loadedMs = 0; // every record loaded
    long maxRssKb = 0;
    std::string lines;
};

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

Run runOnce(const std::string& athanor, const fs::path& tree) {
    int pipeFd[2];
    if (pipe(pipeFd) != 0) {
        std::perror("pipe");
        std::exit(1);
    }
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipeFd[1], STDOUT_FILENO);
        close(pipeFd[0]);
        close(pipeFd[1]);
        setenv("QT_QPA_PLATFORM", getenv("QT_QPA_PLATFORM") ? getenv("QT_QPA_PLATFORM") : "offscreen", 1);
        execl(athanor.c_str(), athanor.c_str(), tree.c_str(), "--exit-when-loaded",
              static_cast<char*>(nullptr));
        std::perror("exec athanor");
        _exit(127);
    }
    close(pipeFd[1]);
    Run run;
    char buffer[4096];
    std::string out;
    ssize_t n;
    const auto seen = [&](const char* what, double& ms) {
        const size_t at = out.find(what);
        if (ms == 0 && at != std::string::npos && out.find('\n', at) != std::string::npos) {
            ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
            const size_t lineStart = out.rfind('\n', at);
            const size_t from = lineStart == std::string::npos ? 0 : lineStart + 1;
            run.lines += (run.lines.empty() ? "" : " | ") + out.substr(from, out.find('\n', at) - from);
        }
    };
    while ((n = read(pipeFd[0], buffer, sizeof buffer)) > 0) {
        out.append(buffer, static_cast<size_t>(n));
        seen("tree shown", run.shownMs);
        seen("all records loaded", run.loadedMs);
    }
    close(pipeFd[0]);
    int status = 0;
    struct rusage usage {};
    wait4(pid, &status, 0, &usage);
    run.maxRssKb = usage.ru_maxrss;
    if (run.loadedMs == 0 && out.find("snapshot") != std::string::npos)
        run.loadedMs = run.shownMs; // an athanor that shows the tree only once every record is loaded
    if (run.shownMs == 0 || run.loadedMs == 0) {
        std::fprintf(stderr, "athanor did not report a shown and loaded tree (exit status %d): %s\n", status,
                     out.c_str());
        std::exit(1);
    }
    return run;
}

} // namespace

int main(int argc, char** argv) {
    int runs = 5;
    int resources = 10000;
    std::string keep;
    std::string athanor = std::string(ATHANOR_BIN_DIR) + "/athanor";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else if (a == "--resources" && i + 1 < argc)
            resources = std::atoi(argv[++i]);
        else if (a == "--keep" && i + 1 < argc)
            keep = argv[++i];
        else if (a == "--athanor" && i + 1 < argc)
            athanor = argv[++i];
        else {
            std::fprintf(stderr, "usage: %s [--runs N] [--resources N] [--keep DIR] [--athanor PATH]\n",
                         argv[0]);
            return 2;
        }
    }
    const fs::path root = keep.empty()
                              ? fs::temp_directory_path() / ("athanor-gui-bench-" + std::to_string(getpid()))
                              : fs::path(keep);
    fs::remove_all(root);
    const size_t bytes = generate(root, resources);
    std::printf("tree: %s, %d resources, average record %.0f bytes\n", root.c_str(), resources,
                static_cast<double>(bytes) / resources);

    std::vector<double> shown, loaded, rss;
    for (int i = 0; i < runs; ++i) {
        const Run r = runOnce(athanor, root);
        shown.push_back(r.shownMs);
        loaded.push_back(r.loadedMs);
        rss.push_back(static_cast<double>(r.maxRssKb) / 1024.0);
        std::printf("run %d: tree shown %.0f ms, all records loaded %.0f ms, peak RSS %.1f MB   [%s]\n",
                    i + 1, r.shownMs, r.loadedMs, rss.back(), r.lines.c_str());
    }
    std::printf("start to tree shown: min %.0f ms, median %.0f ms, max %.0f ms (goal <= 500 ms)\n",
                *std::min_element(shown.begin(), shown.end()), median(shown),
                *std::max_element(shown.begin(), shown.end()));
    std::printf("start to all records loaded: min %.0f ms, median %.0f ms, max %.0f ms\n",
                *std::min_element(loaded.begin(), loaded.end()), median(loaded),
                *std::max_element(loaded.begin(), loaded.end()));
    std::printf("peak RSS: median %.1f MB, max %.1f MB (goal <= 150 MB)\n", median(rss),
                *std::max_element(rss.begin(), rss.end()));
    if (keep.empty())
        fs::remove_all(root);
    return 0;
}

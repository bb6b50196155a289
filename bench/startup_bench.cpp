// startup_bench: what starting athanorctl costs before it does any work (issue 14: at N = 1,000 a no-change
// `up` takes tens of milliseconds, so start-up is a large part of it).
//
// Spawns `athanorctl --version` and, as the floor measured in the same run, a program that links nothing but
// libc (`/bin/true`), alternately, --runs times each; prints the median wall time of each, the difference
// (what athanorctl adds: the dynamic loader, its libraries' initialisers, its own static initialisers), and
// whether libcurl was among the loaded libraries (it must not be: remote stores open it only when used).
//
// With --vs OTHER (say main's athanorctl), OTHER --version runs in the same loop and the ratio OTHER / this
// is printed.
//
// usage: startup_bench [--runs 200] [--athanorctl PATH] [--vs OTHER_ATHANORCTL]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

// Runs `argv` with stdout and stderr sent to `output` (or /dev/null) and waits; its wall time in ms.
double spawnAndWait(const std::vector<std::string>& argv, const char* output = "/dev/null",
                    char** env = environ) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env) != 0)
        throw std::runtime_error("cannot start " + argv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    posix_spawn_file_actions_destroy(&actions);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(argv[0] + " failed");
    return ms;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    int runs = 200;
    std::string athanorctl = std::string(ATHANOR_BIN_DIR) + "/athanorctl";
    std::string other;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--runs")
            runs = std::max(1, std::atoi(argv[i + 1]));
        else if (option == "--athanorctl")
            athanorctl = argv[i + 1];
        else if (option == "--vs")
            other = argv[i + 1];
    }
    try {
        std::vector<double> ctl, floor, others;
        for (int i = 0; i < runs; ++i) {
            ctl.push_back(spawnAndWait({athanorctl, "--version"}));
            floor.push_back(spawnAndWait({"/bin/true"}));
            if (!other.empty())
                others.push_back(spawnAndWait({other, "--version"}));
        }
        // The loader's own trace of one start: which libraries it opened.
        const std::string trace = "/tmp/startup_bench_trace." + std::to_string(getpid());
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e)
            env.emplace_back(*e);
        env.emplace_back("LD_DEBUG=files");
        std::vector<char*> envp;
        for (auto& e : env)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        spawnAndWait({athanorctl, "--version"}, trace.c_str(), envp.data());
        std::string loaded;
        if (FILE* f = std::fopen(trace.c_str(), "r")) {
            char line[4096];
            int libraries = 0;
            bool curl = false;
            while (std::fgets(line, sizeof line, f)) {
                const std::string text(line);
                if (text.find("file=") != std::string::npos &&
                    text.find("[0];  needed by") != std::string::npos)
                    ++libraries;
                curl = curl || text.find("libcurl") != std::string::npos;
            }
            std::fclose(f);
            loaded =
                std::to_string(libraries) + " libraries loaded, libcurl " + (curl ? "LOADED" : "not loaded");
        }
        std::remove(trace.c_str());
        const double ctlMs = median(ctl), floorMs = median(floor);
        std::printf("%s --version, median of %d: %.2f ms\n", athanorctl.c_str(), runs, ctlMs);
        std::printf("/bin/true (floor, same run):       %.2f ms\n", floorMs);
        std::printf("athanorctl start-up above the floor: %.2f ms (%s)\n", ctlMs - floorMs, loaded.c_str());
        if (!others.empty()) {
            const double otherMs = median(others);
            std::printf("%s --version, same run: %.2f ms; ratio to this one %.2fx (above the floor: %.2fx)\n",
                        other.c_str(), otherMs, otherMs / ctlMs, (otherMs - floorMs) / (ctlMs - floorMs));
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "startup_bench: %s\n", e.what());
        return 1;
    }
}

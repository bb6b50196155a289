#pragma once
// Real state servers for tests and benchmarks, started on 127.0.0.1 and stopped again: Alchemy's own
// Cloudflare state-store worker under miniflare, and s3rver as an S3 endpoint (the node launchers in
// tests/support/servers/). Each runs as a guarded process group (providers/ChildProcess): the group is
// killed when the server is stopped or destroyed, and also when the test process dies in any way
// (PR_SET_PDEATHSIG), so no server outlives its test. Ports are chosen by the OS unless a test restarts a
// server on the port it had.

#include "providers/ChildProcess.h"

#include "json/Json.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#ifndef ATHANOR_TEST_SUPPORT_DIR
#define ATHANOR_TEST_SUPPORT_DIR ""
#endif

namespace state_servers {

namespace fs = std::filesystem;

inline fs::path launcherDir() {
    return fs::path(ATHANOR_TEST_SUPPORT_DIR) / "servers";
}

inline fs::path findNode() {
    if (const char* path = std::getenv("PATH")) {
        std::string_view rest = path;
        while (!rest.empty()) {
            const size_t colon = rest.find(':');
            const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / "node";
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
        }
    }
    throw std::runtime_error("node is not on PATH: the state-server tests need Node.js 20");
}

// One launcher process: started by the constructor (which waits for its ready line), stopped by stop() or
// the destructor.
class NodeServer {
public:
    NodeServer(std::string name, std::vector<std::string> argv,
               std::vector<std::pair<std::string, std::string>> environment,
               std::chrono::seconds startTimeout = std::chrono::seconds(90))
        : m_name(std::move(name)) {
        athanor::ProcessSpec spec;
        spec.argv = std::move(argv);
        spec.description = m_name;
        spec.environment = std::move(environment);
        spec.guarded = true;
        spec.abortSignal = SIGTERM;
        spec.killGrace = std::chrono::milliseconds(3000);
        spec.captureOutput = false;
        spec.onLine = [this](std::string_view line, bool fromStderr) {
            std::lock_guard lock(m_mutex);
            if (fromStderr || m_port) {
                m_log += std::string(line) + "\n";
                if (m_log.size() > 20000)
                    m_log.erase(0, m_log.size() - 20000);
                return;
            }
            try {
                const athanor::Json ready = athanor::Json::parse(line);
                m_url = ready.at("url").get<std::string>();
                m_port = ready.at("port").get<int>();
            } catch (const std::exception&) {
                m_log += std::string(line) + "\n";
            }
            m_changed.notify_all();
        };
        m_thread = std::thread([this, spec = std::move(spec)] {
            try {
                const athanor::ProcessResult result = athanor::runProcess(spec, m_token);
                std::lock_guard lock(m_mutex);
                m_exitCode = result.exitCode;
            } catch (const std::exception& e) {
                std::lock_guard lock(m_mutex);
                m_log += std::string("cannot start: ") + e.what() + "\n";
                m_exitCode = -1;
            }
            m_ended = true;
            m_changed.notify_all();
        });
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_for(lock, startTimeout, [this] { return m_port != 0 || m_ended; }) || !m_port) {
            const std::string log = m_log;
            lock.unlock();
            stop();
            throw std::runtime_error(m_name + " did not start within " +
                                     std::to_string(startTimeout.count()) + " s; its output:\n" + log);
        }
    }
    ~NodeServer() { stop(); }
    NodeServer(const NodeServer&) = delete;
    NodeServer& operator=(const NodeServer&) = delete;

    const std::string& url() const { return m_url; }
    int port() const { return m_port; }
    std::string log() const {
        std::lock_guard lock(m_mutex);
        return m_log;
    }
    bool running() const { return !m_ended; }

    // SIGTERM to the whole group (SIGKILL after a grace), then waits for it.
    void stop() {
        if (!m_thread.joinable())
            return;
        m_token.abort();
        m_thread.join();
    }

private:
    std::string m_name;
    athanor::CancellationToken m_token;
    std::thread m_thread;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::string m_url;
    int m_port = 0;
    std::string m_log;
    std::optional<int> m_exitCode;
    std::atomic<bool> m_ended{false};
};

// Alchemy's state-store worker (node_modules/alchemy/workers/cloudflare-state-store.js) under miniflare with
// its SQLite-backed Durable Object. `persistDir` keeps the database across a restart on the same `port`.
inline std::unique_ptr<NodeServer> startCloudflareWorker(const fs::path& nodeModules,
                                                         const std::string& token,
                                                         const fs::path& persistDir = {}, int port = 0) {
    std::vector<std::string> argv{findNode().string(),
                                  (launcherDir() / "cloudflare-state-worker.mjs").string(),
                                  nodeModules.string(), "--port", std::to_string(port)};
    if (!persistDir.empty()) {
        argv.push_back("--persist");
        argv.push_back(persistDir.string());
    }
    return std::make_unique<NodeServer>(
        "the Cloudflare state worker (miniflare)", std::move(argv),
        std::vector<std::pair<std::string, std::string>>{{"STATE_TOKEN", token}});
}

// s3rver serving `directory` (access key and secret: S3RVER / S3RVER), with `buckets` created.
inline std::unique_ptr<NodeServer> startS3Server(const fs::path& nodeModules, const fs::path& directory,
                                                 const std::vector<std::string>& buckets, int port = 0) {
    std::vector<std::string> argv{findNode().string(),
                                  "--openssl-legacy-provider",
                                  (launcherDir() / "s3-server.mjs").string(),
                                  nodeModules.string(),
                                  "--directory",
                                  directory.string(),
                                  "--port",
                                  std::to_string(port)};
    for (const auto& bucket : buckets) {
        argv.push_back("--bucket");
        argv.push_back(bucket);
    }
    return std::make_unique<NodeServer>("s3rver", std::move(argv),
                                        std::vector<std::pair<std::string, std::string>>{});
}

inline constexpr const char* kS3rverKey = "S3RVER";
inline constexpr const char* kS3rverSecret = "S3RVER";

} // namespace state_servers

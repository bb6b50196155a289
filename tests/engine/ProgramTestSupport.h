#pragma once
// Pieces the Alchemy-program suites share: an event recorder, a scratch project holding one of the programs
// of tests/data/programs (with node_modules linked to the pinned real Alchemy), and process checks by pid.

#include "EngineTestFiles.h"
#include "events/EngineEvent.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace program_test {

namespace fs = std::filesystem;
using namespace athanor;

inline fs::path programsDir() {
    return fs::path(ATHANOR_TEST_DATA_DIR) / "programs";
}

class RecordingSink final : public EventSink {
public:
    void onEvent(const EngineEvent& event) override {
        std::lock_guard lock(m_mutex);
        m_events.push_back(event);
    }
    std::vector<EngineEvent> events() const {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    std::vector<EngineEvent> ofType(EventType type) const {
        std::vector<EngineEvent> out;
        for (const auto& e : events())
            if (e.type == type)
                out.push_back(e);
        return out;
    }
    // "created prog/dev/a" for each resource event, in order.
    std::vector<std::string> transitions() const {
        std::vector<std::string> out;
        for (const auto& e : events())
            if (e.type != EventType::Log && e.type != EventType::RunStarted &&
                e.type != EventType::RunFinished)
                out.push_back(std::string(toString(e.type)) + " " + e.fqn);
        return out;
    }
    std::string allText() const {
        std::string text;
        for (const auto& e : events())
            text += std::string(toString(e.type)) + " " + e.fqn + " " + e.message + "\n";
        return text;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<EngineEvent> m_events;
};

// A process that has ended, even when nobody reaped it yet (a zombie), counts as gone.
inline bool processAlive(long pid) {
    if (pid <= 0)
        return false;
    const std::string stat = test_files::readFile("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty())
        return false;
    const size_t close = stat.rfind(')');
    const char state = close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : '?';
    return state != 'Z' && state != 'X';
}

inline long pidIn(const fs::path& file) {
    const std::string text = test_files::readFile(file);
    try {
        return text.empty() ? 0 : std::stol(text);
    } catch (const std::exception&) {
        return 0;
    }
}

// Waits until `done()` or `timeout`; returns done().
template <typename Done>
bool waitFor(Done done, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!done() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return done();
}

// A scratch project: the program folder's files copied, node_modules linked to `nodeModules`.
inline void setUpProject(const fs::path& project, const std::string& programFolder,
                         const fs::path& nodeModules) {
    fs::create_directories(project);
    for (const auto& entry : fs::directory_iterator(programsDir() / programFolder))
        if (entry.is_regular_file())
            fs::copy_file(entry.path(), project / entry.path().filename(),
                          fs::copy_options::overwrite_existing);
    if (!nodeModules.empty())
        fs::create_directory_symlink(nodeModules, project / "node_modules");
}

} // namespace program_test

#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Where things live under a project: <project>/.alchemy/<app>/<stage>/... and Athanor's own folder
// <project>/.alchemy/.athanor/ (locks, run history), which real Alchemy never reads.
struct DotAlchemyLayout {
    std::filesystem::path projectRoot; // the folder that holds .alchemy
    std::filesystem::path dotAlchemy;  // projectRoot/.alchemy

    // Accepts the project folder or the .alchemy folder itself.
    static DotAlchemyLayout locate(const std::filesystem::path& projectOrDotAlchemy);
    static DotAlchemyLayout forProject(const std::filesystem::path& projectRoot);

    std::filesystem::path scopeDir(const std::vector<std::string>& chain) const;
    std::filesystem::path athanorDir() const { return dotAlchemy / ".athanor"; }
    // The stage lock file lifecycle/StageLock takes: .athanor/locks/<app>/<stage>.lock (names checked, '/'
    // as ':' so one stage is one file).
    std::filesystem::path stageLockFile(const std::string& app, const std::string& stage) const;
};

// Top-level names under .alchemy that are not apps: Alchemy's logs/ and pids/, Cloudflare local-dev
// artefacts, and hidden folders (Athanor's .athanor/ among them).
bool isReservedTopLevelName(std::string_view name);

} // namespace athanor

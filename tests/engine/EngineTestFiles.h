#pragma once
// File helpers the engine test suites share: real files in temp dirs and the real-Alchemy fixture copies.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace test_files {

namespace fs = std::filesystem;

inline fs::path fixtureDir() {
    return fs::path(ATHANOR_TEST_DATA_DIR) / "real-alchemy";
}

inline std::string readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

inline void writeFile(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

// Every project folder (one that holds .alchemy) in the fixtures, e.g. app-stages/01-up-dev, sorted.
inline std::vector<fs::path> fixtureProjects() {
    std::vector<fs::path> out;
    for (const auto& group : fs::directory_iterator(fixtureDir()))
        if (group.is_directory())
            for (const auto& step : fs::directory_iterator(group.path()))
                if (fs::is_directory(step.path() / ".alchemy"))
                    out.push_back(step.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Every regular file below `root` (relative path -> bytes); empty when `root` does not exist.
inline std::map<std::string, std::string> filesBelow(const fs::path& root) {
    std::map<std::string, std::string> files;
    if (!fs::exists(root))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), root).string()] = readFile(entry.path());
    return files;
}

} // namespace test_files

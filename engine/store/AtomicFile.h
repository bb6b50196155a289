#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace athanor {

enum class Durability {
    Durable, // fsync the file before the rename and the folder after it (survives power loss)
    Fast     // atomic rename only (tests and benchmarks that measure the difference)
};

// A directory opened inside a state root, component by component. A symlinked component is followed only
// when its real path stays inside the root; otherwise StoreError. The root itself may be a symlink.
class ContainedDir {
public:
    static ContainedDir open(const std::filesystem::path& root, const std::filesystem::path& relative, bool create);
    ContainedDir(ContainedDir&& other) noexcept;
    ContainedDir& operator=(ContainedDir&&) = delete;
    ContainedDir(const ContainedDir&) = delete;
    ~ContainedDir();
    int fd() const { return m_fd; }
    const std::filesystem::path& path() const { return m_path; }

private:
    ContainedDir(int fd, std::filesystem::path path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    std::filesystem::path m_path;
};

// Replaces root/relativeFile with `content` so that readers see the old bytes or the new bytes, never a mix:
// a temp file (O_EXCL|O_NOFOLLOW) in the same folder, fsync, rename, fsync of the folder. Missing folders are
// created. On failure the temp file is removed, the old file is untouched, and StoreError names the file.
void writeFileAtomically(const std::filesystem::path& root, const std::filesystem::path& relativeFile,
                         std::string_view content, Durability durability = Durability::Durable);

// nullopt when the file does not exist; StoreError for other failures or a symlink leaving the root.
std::optional<std::string> readFileContained(const std::filesystem::path& root,
                                             const std::filesystem::path& relativeFile);

// False when the file did not exist.
bool removeFileContained(const std::filesystem::path& root, const std::filesystem::path& relativeFile,
                         Durability durability = Durability::Durable);

// Reads a whole file (no containment check); nullopt when missing.
std::optional<std::string> readWholeFile(const std::filesystem::path& file);

} // namespace athanor

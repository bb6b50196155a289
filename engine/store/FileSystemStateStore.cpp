#include "store/FileSystemStateStore.h"

#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/StoreError.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <dirent.h>
#include <mutex>
#include <shared_mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

// An open scope folder with the group commit of its fsyncs (tied to this open folder: an fsync of another
// folder never stands for one of this).
namespace {

// Kept folder descriptors of all stores together stay well below the usual limit of 1024 open files (a run
// has a store per scope); past it a store opens its folder per operation, as before folders were kept.
constexpr int kMaxKeptFolders = 256;
std::atomic<int> g_keptFolders{0};

} // namespace

struct FileSystemStateStore::OpenFolder {
    explicit OpenFolder(ContainedDir d) : dir(std::move(d)) {}
    OpenFolder(const OpenFolder&) = delete;
    OpenFolder& operator=(const OpenFolder&) = delete;
    ~OpenFolder() {
        spares.discard(dir.fd());
        if (kept)
            --g_keptFolders;
    }
    ContainedDir dir;
    FolderSync sync;
    SpareFiles spares;
    bool kept = false; // counted in g_keptFolders
    // True when the folder was removed after it was opened (a new one may exist at its path now).
    bool removed() const { return dir.removed(); }
};

struct FileSystemStateStore::FolderCache {
    // Readers share it: the reads of a scope's records by many threads at once never wait for each other.
    std::shared_mutex mutex;
    std::shared_ptr<OpenFolder> open;
};

FileSystemStateStore::FileSystemStateStore(DotAlchemyLayout layout, std::vector<std::string> chain,
                                           Durability durability, std::shared_ptr<WriteGroup> group,
                                           std::shared_ptr<FolderTree> tree)
    : m_layout(std::move(layout)), m_chain(std::move(chain)),
      m_durability(durability == Durability::Batched && !group ? Durability::Durable : durability),
      m_group(std::move(group)), m_tree(std::move(tree)), m_cache(std::make_unique<FolderCache>()) {
    for (const auto& part : m_chain)
        requireValidId(part, "scope name");
    m_relativeDir = scopeFolderPath(m_chain); // a '\' in a scope name is a folder separator, as in Alchemy
}

FileSystemStateStore::FileSystemStateStore(FileSystemStateStore&&) noexcept = default;
FileSystemStateStore::~FileSystemStateStore() = default;

// Spare temp files are a run's (Batched): they go when its stores close at the end of the run.
SpareFiles* FileSystemStateStore::spares(OpenFolder& open) const {
    return m_durability == Durability::Batched ? &open.spares : nullptr;
}

std::shared_ptr<FileSystemStateStore::OpenFolder> FileSystemStateStore::folder(bool create) {
    {
        std::shared_lock lock(m_cache->mutex);
        if (m_cache->open)
            return m_cache->open;
    }
    std::lock_guard lock(m_cache->mutex);
    if (m_cache->open) // opened by another thread meanwhile
        return m_cache->open;
    std::optional<ContainedDir> dir = m_tree ? m_tree->open(m_relativeDir, create)
                                      : create
                                          ? ContainedDir::open(m_layout.dotAlchemy, m_relativeDir, true)
                                          : ContainedDir::openIfExists(m_layout.dotAlchemy, m_relativeDir);
    if (!dir)
        return nullptr; // a missing folder is not remembered: it may be created later
    auto open = std::make_shared<OpenFolder>(std::move(*dir));
    if (m_durability == Durability::Batched && m_group && m_chain.size() >= 2)
        // Folders of a stage lend spares to each other (the stage's stale temp files are swept below it).
        open->spares.join(m_group->spares(), open->dir.fd(), m_chain.size());
    if (g_keptFolders.fetch_add(1) < kMaxKeptFolders) {
        open->kept = true;
        m_cache->open = open;
    } else {
        --g_keptFolders;
    }
    return open;
}

std::shared_ptr<FileSystemStateStore::OpenFolder>
FileSystemStateStore::reopen(const std::shared_ptr<OpenFolder>& stale, bool create) {
    {
        std::lock_guard lock(m_cache->mutex);
        if (m_cache->open == stale)
            m_cache->open.reset();
    }
    return folder(create);
}

fs::path FileSystemStateStore::directory() const {
    return m_layout.dotAlchemy / m_relativeDir;
}
fs::path FileSystemStateStore::relativeFileFor(const std::string& id) const {
    requireValidId(id);
    return m_relativeDir / idToRecordPath(id);
}
std::string FileSystemStateStore::fileNameFor(const std::string& id) const {
    requireValidId(id);
    return idToRecordPath(id); // no path objects: this runs for every record access
}

// An id with '\' is stored in sub-folders of the scope folder (Alchemy's path library turns '\' into '/').
// Such rare records are read and written through their own folder, opened per operation.
namespace {
struct SubPath {
    std::filesystem::path folder; // relative to .alchemy
    std::string name;
};
std::optional<SubPath> subPathOf(const std::filesystem::path& scopeDir, const std::string& name) {
    const size_t slash = name.rfind('/');
    if (slash == std::string::npos)
        return std::nullopt;
    return SubPath{scopeDir / name.substr(0, slash), name.substr(slash + 1)};
}
} // namespace
fs::path FileSystemStateStore::fileFor(const std::string& id) const {
    return m_layout.dotAlchemy / relativeFileFor(id);
}

void FileSystemStateStore::init() {
    // Once per store: later calls only check that the kept folder was not removed meanwhile.
    std::shared_ptr<OpenFolder> open = folder(true);
    if (open->removed())
        reopen(open, true);
}

void FileSystemStateStore::deinit() {
    if (m_tree)
        m_tree->changing();
    std::error_code ec;
    const fs::path dir = directory();
    {
        // Closing the folder removes its spare temp files (they are no records).
        std::lock_guard lock(m_cache->mutex);
        m_cache->open.reset();
    }
    if (!fs::exists(dir, ec))
        return;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && tempFileWriter(entry.path().filename().string()) != ::getpid())
            // This process's temp files are no records (a spare another folder lent meanwhile): they go too.
            throw StoreError("cannot remove scope folder " + dir.string() + ": it still contains " +
                             entry.path().filename().string());
    fs::remove_all(dir, ec);
    if (ec)
        throw StoreError("cannot remove scope folder " + dir.string() + ": " + ec.message());
}

namespace {

// Calls fn(name, isRegularFile, isFolder) for each entry of folder `dir` (symlinks followed, as
// std::filesystem's status does). readdir, not directory_iterator, which builds a path per entry: up lists
// every scope folder of the stage.
template <class Fn>
void forEachEntry(const fs::path& dir, Fn&& fn) {
    DIR* folder = ::opendir(dir.c_str());
    if (!folder)
        return; // missing (or unreadable): nothing listed, as before
    while (const dirent* entry = ::readdir(folder)) {
        const std::string_view name(entry->d_name);
        if (name == "." || name == "..")
            continue;
        bool file = entry->d_type == DT_REG, isFolder = entry->d_type == DT_DIR;
        if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(::dirfd(folder), entry->d_name, &st, 0) == 0) {
                file = S_ISREG(st.st_mode);
                isFolder = S_ISDIR(st.st_mode);
            }
        }
        fn(name, file, isFolder);
    }
    ::closedir(folder);
}

} // namespace

std::vector<std::string> FileSystemStateStore::list() {
    if (m_tree)
        if (std::optional<std::vector<std::string>> kept = m_tree->keptListing(m_relativeDir))
            return std::move(*kept);
    std::vector<std::string> ids;
    forEachEntry(directory(), [&](std::string_view name, bool file, bool) {
        if (file && isRecordFileName(name))
            ids.push_back(fileNameToId(name));
    });
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> FileSystemStateStore::listScopes() {
    std::vector<std::string> names;
    forEachEntry(directory(), [&](std::string_view name, bool, bool isFolder) {
        if (isFolder && name.front() != '.')
            names.emplace_back(name);
    });
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::string> FileSystemStateStore::readText(const std::string& id) {
    const std::string name = fileNameFor(id);
    if (auto sub = subPathOf(m_relativeDir, name)) {
        std::optional<ContainedDir> dir = ContainedDir::openIfExists(m_layout.dotAlchemy, sub->folder);
        if (!dir)
            return std::nullopt;
        return readFileInDir(dir->fd(), dir->path(), m_layout.dotAlchemy, sub->name);
    }
    std::shared_ptr<OpenFolder> open = folder(false);
    if (!open)
        return std::nullopt;
    std::optional<std::string> text =
        readFileInDir(open->dir.fd(), open->dir.path(), m_layout.dotAlchemy, name);
    if (!text && open->removed()) {
        // The kept folder was removed: look again at what is at its path now.
        open = reopen(open, false);
        if (open)
            text = readFileInDir(open->dir.fd(), open->dir.path(), m_layout.dotAlchemy, name);
    }
    return text;
}

std::optional<StateRecord>
FileSystemStateStore::parseRecordFields(const std::string& text,
                                        std::initializer_list<std::string_view> keys) {
    std::optional<Json> fields = athanor::parseRecordFields(text, keys);
    if (!fields)
        return std::nullopt;
    return StateRecord(std::move(*fields));
}

std::optional<StateRecord> FileSystemStateStore::get(const std::string& id) {
    auto text = readText(id);
    if (!text)
        return std::nullopt;
    return parseRecord(id, *text);
}

std::optional<StateRecord> FileSystemStateStore::getFields(const std::string& id,
                                                           std::initializer_list<std::string_view> keys) {
    auto text = readText(id);
    if (!text)
        return std::nullopt;
    if (auto fields = parseRecordFields(*text, keys))
        return fields;
    return parseRecord(id, *text);
}

std::vector<StateStore::Fetched> FileSystemStateStore::fetch(const std::vector<std::string>& ids,
                                                             unsigned threads) {
    std::vector<Fetched> out(ids.size());
    const auto fetchOne = [&](size_t i) {
        try {
            out[i].record = get(ids[i]);
        } catch (...) {
            out[i].error = std::current_exception();
        }
    };
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    // Small batches are not worth a thread each.
    threads = static_cast<unsigned>(std::min<size_t>(threads, (ids.size() + 63) / 64));
    if (threads <= 1) {
        for (size_t i = 0; i < ids.size(); ++i)
            fetchOne(i);
        return out;
    }
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < ids.size();)
            fetchOne(i);
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    return out;
}

std::map<std::string, StateRecord> FileSystemStateStore::getBatch(const std::vector<std::string>& ids) {
    std::map<std::string, StateRecord> out;
    std::vector<Fetched> fetched = fetch(ids);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (fetched[i].error)
            std::rethrow_exception(fetched[i].error);
        if (fetched[i].record)
            out.emplace(ids[i], std::move(*fetched[i].record));
    }
    return out;
}

void FileSystemStateStore::set(const std::string& id, const StateRecord& record) {
    writeText(id, record.toFileText());
}

void FileSystemStateStore::writeText(const std::string& id, const std::string& text) {
    const std::string name = fileNameFor(id);
    if (m_tree)
        m_tree->changing();
    const Durability durability = m_durability; // Batched: one write alone is synced as Durable
    if (auto sub = subPathOf(m_relativeDir, name)) {
        ContainedDir dir = ContainedDir::open(m_layout.dotAlchemy, sub->folder, true);
        writeFileInDir(dir.fd(), dir.path(), m_layout.dotAlchemy, sub->name, text, durability, nullptr);
        return;
    }
    std::shared_ptr<OpenFolder> open = folder(true);
    try {
        writeFileInDir(open->dir.fd(), open->dir.path(), m_layout.dotAlchemy, name, text, durability,
                       &open->sync, spares(*open));
    } catch (const StoreError&) {
        if (!open->removed())
            throw;
        // The kept folder was removed (no file can be created in it): write into the folder at its path.
        open = reopen(open, true);
        writeFileInDir(open->dir.fd(), open->dir.path(), m_layout.dotAlchemy, name, text, durability,
                       &open->sync, spares(*open));
    }
}

void FileSystemStateStore::stage(const std::string& id, const std::string& text, StagedWrite& staged) {
    try {
        const std::string name = fileNameFor(id);
        if (m_tree)
            m_tree->changing();
        std::shared_ptr<OpenFolder> open = subPathOf(m_relativeDir, name) ? nullptr : folder(true);
        if (!open || open->removed() || m_durability != Durability::Batched) {
            // Rare (an id with '\', a folder removed meanwhile) or not batched: written at once.
            writeText(id, text);
            staged.name = name;
            return;
        }
        staged.keepFolder = open;
        stageFileInDir(open->dir.fd(), open->dir.path(), m_layout.dotAlchemy, name, text, staged,
                       spares(*open));
    } catch (...) {
        staged.error = std::current_exception();
    }
}

void FileSystemStateStore::remove(const std::string& id) {
    const std::string name = fileNameFor(id);
    if (m_tree)
        m_tree->changing();
    if (auto sub = subPathOf(m_relativeDir, name)) {
        if (std::optional<ContainedDir> dir = ContainedDir::openIfExists(m_layout.dotAlchemy, sub->folder))
            removeFileInDir(dir->fd(), dir->path(), sub->name, m_durability, nullptr, m_group.get());
        return;
    }
    std::shared_ptr<OpenFolder> open = folder(false);
    if (!open)
        return;
    if (!removeFileInDir(open->dir.fd(), open->dir.path(), name, m_durability, &open->sync, m_group.get(),
                         spares(*open)) &&
        open->removed())
        if ((open = reopen(open, false)))
            removeFileInDir(open->dir.fd(), open->dir.path(), name, m_durability, &open->sync, m_group.get(),
                            spares(*open));
}

} // namespace athanor

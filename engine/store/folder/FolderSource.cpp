#include "store/folder/FolderSource.h"

#include "snapshot/SnapshotLoader.h"
#include "store/FileSystemStateStore.h"
#include "store/IdCodec.h"
#include "store/ObservedStateStore.h"
#include "store/StoreError.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

FolderSource::FolderSource(const SourceSpec& spec)
    : m_spec(SourceSpec::folder(spec.path)), m_layout(DotAlchemyLayout::forProject(m_spec.path)) {}

bool FolderSource::exists() const {
    std::error_code ec;
    return fs::is_directory(m_layout.dotAlchemy, ec);
}

std::unique_ptr<StateStore> FolderSource::openStore(const std::vector<std::string>& chain,
                                                    Durability durability) {
    return std::make_unique<FileSystemStateStore>(m_layout, chain, durability,
                                                  durability == Durability::Batched ? writeGroup() : nullptr,
                                                  folderTree());
}

std::shared_ptr<FolderTree> FolderSource::folderTree() {
    std::lock_guard lock(m_groupMutex);
    std::shared_ptr<FolderTree> tree = m_tree.lock();
    if (!tree) {
        tree = std::make_shared<FolderTree>(m_layout.dotAlchemy);
        m_tree = tree;
    }
    return tree;
}

std::shared_ptr<WriteGroup> FolderSource::writeGroup() {
    std::lock_guard lock(m_groupMutex);
    if (!m_group)
        m_group = std::make_shared<WriteGroup>();
    return m_group;
}

namespace {
// The file store a batched write of `id` goes to, or null when `store` is not one (then it is written with
// set()). A run that keeps before-images opens its stores observed: the observer hears of the write first.
FileSystemStateStore* batchedFileStore(StateStore& store, const std::string& id) {
    auto* files = dynamic_cast<FileSystemStateStore*>(&store.underlying());
    if (files)
        if (auto* observed = dynamic_cast<ObservedStateStore*>(&store))
            observed->beforeBatchedWrite(id);
    return files;
}
} // namespace

void FolderSource::expectInFlightWrites(size_t count) {
    writeGroup()->spares().setDemand(count);
}

void FolderSource::writeInFlight(std::vector<InFlightWrite>& writes) {
    std::shared_ptr<WriteGroup> group;
    {
        std::lock_guard lock(m_groupMutex);
        group = m_group;
    }
    if (group) // files of removed records, kept as spares, become usable once their removal is durable
        group->syncForSpares();
    std::vector<StagedWrite> staged(writes.size());
    std::vector<size_t> batched; // indices written through the group
    for (size_t i = 0; i < writes.size(); ++i) {
        try {
            if (auto* files = batchedFileStore(*writes[i].store, writes[i].id)) {
                files->stage(writes[i].id, writes[i].record->toFileText(), staged[i]);
                batched.push_back(i);
            } else {
                writes[i].store->set(writes[i].id, *writes[i].record);
            }
        } catch (...) {
            writes[i].error = std::current_exception();
        }
    }
    {
        std::lock_guard lock(m_groupMutex);
        group = m_group;
    }
    if (group) {
        group->commit(staged);
    } else {
        for (StagedWrite& write : staged)
            if (!write.tempName.empty())
                write.error = std::make_exception_ptr(StoreError("internal: staged write without a group"));
    }
    for (size_t i : batched)
        writes[i].error = staged[i].error;
}

void FolderSource::writeSettled(StateStore& store, const std::string& id, const StateRecord& record,
                                SettledDone done) {
    auto* files = batchedFileStore(store, id);
    if (!files) {
        StateSource::writeSettled(store, id, record, std::move(done));
        return;
    }
    // Staged by the committer, just before its next commit: with a spare its last commit made usable.
    writeGroup()->commitLater(
        [files, id, text = record.toFileText()](StagedWrite& staged) { files->stage(id, text, staged); },
        std::move(done));
}

void FolderSource::waitForSettledWrites() {
    std::shared_ptr<WriteGroup> group;
    {
        std::lock_guard lock(m_groupMutex);
        group = m_group;
    }
    if (group)
        group->drain();
}

void FolderSource::flushBatchedWrites() {
    std::shared_ptr<WriteGroup> group;
    {
        std::lock_guard lock(m_groupMutex);
        group = m_group;
    }
    if (group) {
        group->drain();
        group->flush();
    }
}

std::vector<std::string> FolderSource::apps() {
    std::vector<std::string> apps;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_layout.dotAlchemy, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory(ec) && !isReservedTopLevelName(name))
            apps.push_back(name);
    }
    std::sort(apps.begin(), apps.end());
    return apps;
}

void FolderSource::sync() {
    // One syncfs() of the file system holding .alchemy covers every file and folder written.
    if (!exists())
        return; // nothing was written
    const int fd = ::open(m_layout.dotAlchemy.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw StoreError("cannot open " + m_layout.dotAlchemy.string() +
                         " to sync it: " + std::strerror(errno));
    const int rc = ::syncfs(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0)
        throw StoreError("cannot sync " + m_layout.dotAlchemy.string() + ": " + std::strerror(error));
}

std::shared_ptr<StateSnapshot> FolderSource::load(const SnapshotOptions& options,
                                                  const LoadProgress& progress, std::stop_token cancel) {
    return scanStateFolder(m_layout, options, progress, std::move(cancel));
}

std::optional<std::string> FolderSource::readRecordText(const std::vector<std::string>& chain,
                                                        const std::string& id) {
    // Contained read: a symlink leading out of .alchemy is refused, as the scan does.
    return FileSystemStateStore(m_layout, chain).readText(id);
}

namespace {

// nullopt: no lock file. A file that does not parse still holds the stage; it names no holder.
std::optional<StageLockHolder> readLockFile(const fs::path& file) {
    const std::optional<std::string> text = readWholeFile(file);
    if (!text)
        return std::nullopt;
    try {
        return StageLockHolder::fromJson(parseJsonText(*text));
    } catch (const std::exception&) {
        return StageLockHolder{};
    }
}

} // namespace

void FolderSource::keepListings(FolderTree::Listings listings) {
    std::shared_ptr<FolderTree> tree;
    {
        std::lock_guard lock(m_groupMutex);
        tree = m_tree.lock();
    }
    if (tree)
        tree->keepListings(std::move(listings));
}

void FolderSource::pruneEmptyScope(const std::vector<std::string>& chain) {
    if (chain.empty())
        return;
    {
        std::lock_guard lock(m_groupMutex);
        if (std::shared_ptr<FolderTree> tree = m_tree.lock())
            tree->changing();
    }
    const fs::path top = m_layout.scopeDir(chain);
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(top, ec)))
        return;
    std::vector<fs::path> folders{top};
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::end(it); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            folders.push_back(it->path());
    // Deepest first; rmdir removes a folder only when it is empty, so nothing that still holds a file goes.
    std::sort(folders.begin(), folders.end(), [](const fs::path& a, const fs::path& b) {
        return std::distance(a.begin(), a.end()) > std::distance(b.begin(), b.end());
    });
    for (const auto& folder : folders)
        ::rmdir(folder.c_str());
}

std::optional<StageLockHolder> FolderSource::stageLockHolder(const std::string& app,
                                                             const std::string& stage) {
    return readLockFile(m_layout.stageLockFile(app, stage));
}

std::string FolderSource::stageLockLocation(const std::string& app, const std::string& stage) const {
    return m_layout.stageLockFile(app, stage).string();
}

bool FolderSource::breakStageLock(const std::string& app, const std::string& stage,
                                  const StageLockHolder& expected) {
    const fs::path file = m_layout.stageLockFile(app, stage);
    const fs::path aside = file.string() + ".unlock." + std::to_string(::getpid());
    if (::rename(file.c_str(), aside.c_str()) != 0)
        return false;
    const std::optional<StageLockHolder> moved = readLockFile(aside);
    if (!moved || !moved->sameAs(expected)) {
        ::link(aside.c_str(), file.c_str());
        ::unlink(aside.c_str());
        return false;
    }
    ::unlink(aside.c_str());
    return true;
}

std::string FolderSource::recordLocation(const std::vector<std::string>& chain, const std::string& id) const {
    return FileSystemStateStore(m_layout, chain).fileFor(id).string();
}

std::vector<fs::path> FolderSource::watchFolders(const StateSnapshot& snap) const {
    // The project folder (so a new .alchemy is seen) and every state folder: one watch per folder sees
    // records rewritten in place too.
    std::vector<fs::path> out{m_layout.projectRoot};
    if (!snap.stateFolderExists)
        return out;
    std::set<std::string> folders{m_layout.dotAlchemy.string()};
    for (const auto& r : snap.records) {
        if (r.relativePath.empty())
            continue;
        fs::path folder = (m_layout.dotAlchemy / r.relativePath).parent_path();
        while (folders.insert(folder.string()).second && folder != m_layout.dotAlchemy)
            folder = folder.parent_path();
    }
    for (const auto& n : snap.nodes)
        if (n.kind != SnapshotNodeKind::Root && n.kind != SnapshotNodeKind::Resource)
            folders.insert((m_layout.dotAlchemy / n.fqn).string());
    for (const auto& f : folders) {
        std::error_code ec;
        if (fs::is_directory(f, ec))
            out.emplace_back(f);
    }
    return out;
}

bool FolderSource::changedSince(const StateSnapshot& snap) {
    std::error_code ec;
    if (fs::is_directory(m_layout.dotAlchemy, ec) != snap.stateFolderExists)
        return true;
    for (const auto& r : snap.records) {
        if (!r.ok())
            continue; // unreadable files have no timestamp to compare
        struct stat st {};
        const fs::path file = m_layout.dotAlchemy / r.relativePath;
        if (::stat(file.c_str(), &st) != 0 ||
            static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec != r.modifiedNs ||
            static_cast<uint64_t>(st.st_size) != r.fileSize)
            return true;
    }
    return false;
}

} // namespace athanor

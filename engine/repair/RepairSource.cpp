#include "repair/RepairSource.h"

#include "lifecycle/SourceStageLock.h"
#include "store/AtomicFile.h"
#include "store/FileSystemStateStore.h"
#include "store/RecordParse.h"
#include "store/StateSources.h"
#include "store/folder/FolderSource.h"
#include "store/sqlite/SqliteSource.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

class SourceStageHold final : public StageHold {
public:
    explicit SourceStageHold(SourceStageLock lock) : m_lock(std::move(lock)) {}

private:
    SourceStageLock m_lock;
};

StageLockInfo lockInfoOf(const StageLockHolder& holder) {
    StageLockInfo info;
    info.pid = holder.pid;
    info.host = holder.host;
    info.since = holder.since;
    info.operation = holder.operation;
    info.processGoneHere = holder.pid > 0 && holder.isStaleOnThisHost();
    return info;
}

std::optional<StageLockInfo> readLockFile(const fs::path& file) {
    const auto text = readWholeFile(file);
    if (!text)
        return std::nullopt;
    StageLockHolder holder;
    try {
        holder = StageLockHolder::fromJson(parseJsonText(*text));
    } catch (const std::exception&) {
        // A damaged lock file still holds the stage; it names no holder.
    }
    StageLockInfo info = lockInfoOf(holder);
    info.where = file.string();
    return info;
}

bool sameHolder(const StageLockInfo& a, const StageLockInfo& b) {
    return a.pid == b.pid && a.host == b.host && a.since == b.since && a.operation == b.operation;
}

} // namespace

std::string StageLockInfo::describe() const {
    return "pid " + std::to_string(pid) + " on host " + (host.empty() ? std::string("?") : host) + " since " +
           (since.empty() ? std::string("?") : since) +
           (operation.empty() ? std::string() : " (running " + operation + ")");
}

RepairSource::RepairSource(std::shared_ptr<StateSource> source) : m_source(std::move(source)) {
    if (auto* folder = dynamic_cast<FolderSource*>(m_source.get()))
        m_folder = folder->layout();
}

std::shared_ptr<RepairSource> RepairSource::open(const SourceSpec& spec) {
    return std::make_shared<RepairSource>(openResolvedSource(spec));
}

std::shared_ptr<RepairSource> RepairSource::openFolder(const fs::path& projectOrDotAlchemy) {
    return std::make_shared<RepairSource>(openStateSource(SourceSpec::folder(projectOrDotAlchemy)));
}

std::string RepairSource::describe() const {
    return m_source->describe();
}

bool RepairSource::exists() const {
    return m_source->exists();
}

fs::path RepairSource::projectFolder() const {
    return m_source->spec().projectFolder();
}

fs::path RepairSource::athanorHome() const {
    return m_source->athanorHome();
}

std::vector<std::string> RepairSource::apps() {
    return m_source->apps();
}

std::unique_ptr<StateStore> RepairSource::openStore(const std::vector<std::string>& chain) {
    return m_source->openStore(chain, Durability::Durable);
}

std::vector<std::string> RepairSource::list(const std::vector<std::string>& chain) {
    return openStore(chain)->list();
}

std::vector<std::string> RepairSource::listScopes(const std::vector<std::string>& chain) {
    return openStore(chain)->listScopes();
}

std::optional<std::string> RepairSource::readText(const RecordKey& key) {
    return m_source->readRecordText(key.chain, key.id);
}

void RepairSource::writeText(const RecordKey& key, const std::string& text) {
    if (m_folder) {
        FileSystemStateStore(*m_folder, key.chain).writeText(key.id, text);
        return;
    }
    StateRecord record;
    try {
        record = StateRecord(parseRecordText(text));
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot store " + location(key) + ": the record does not parse (" +
                                 e.what() + ")");
    }
    openStore(key.chain)->put(key.id, record);
}

void RepairSource::remove(const RecordKey& key) {
    openStore(key.chain)->remove(key.id);
}

void RepairSource::pruneEmptyScope(const std::vector<std::string>& chain) {
    if (!m_folder || chain.empty())
        return; // a database's scope is its rows
    const fs::path top = m_folder->scopeDir(chain);
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

std::string RepairSource::location(const RecordKey& key) const {
    return m_source->recordLocation(key.chain, key.id);
}

std::unique_ptr<StageHold> RepairSource::lockStage(const std::string& app, const std::string& stage,
                                                   const std::string& operation,
                                                   const std::function<void(const std::string&)>& onWarning) {
    std::vector<std::string> warnings;
    SourceStageLock lock = lockSourceStage(*m_source, app, stage, operation, warnings);
    if (onWarning)
        for (const auto& warning : warnings)
            onWarning(warning);
    return std::make_unique<SourceStageHold>(std::move(lock));
}

std::optional<StageLockInfo> RepairSource::stageLockHolder(const std::string& app, const std::string& stage) {
    if (m_folder)
        return readLockFile(StageLock::lockFile(*m_folder, app, stage));
    if (auto* database = dynamic_cast<SqliteSource*>(m_source.get())) {
        const std::optional<StageLockHolder> holder = database->stageLockHolder(app, stage);
        if (!holder)
            return std::nullopt;
        StageLockInfo info = lockInfoOf(*holder);
        info.where = database->stageLockLocation(app, stage);
        return info;
    }
    throw std::runtime_error("state unlock breaks the stage locks of folder and SQLite sources; " +
                             describe() +
                             " keeps its stage locks itself (a lock left by a process that no longer "
                             "exists on this host is taken over by the next run)");
}

bool RepairSource::breakStageLock(const std::string& app, const std::string& stage,
                                  const StageLockInfo& expected) {
    if (auto* database = dynamic_cast<SqliteSource*>(m_source.get()))
        return database->breakStageLock(
            app, stage, StageLockHolder{expected.pid, expected.host, expected.since, expected.operation});
    if (!m_folder)
        return false;
    const fs::path file = StageLock::lockFile(*m_folder, app, stage);
    // Moved aside first (only one remover wins), then checked: a lock taken in between is put back.
    const fs::path aside = file.string() + ".unlock." + std::to_string(::getpid());
    if (::rename(file.c_str(), aside.c_str()) != 0)
        return false;
    const std::optional<StageLockInfo> moved = readLockFile(aside);
    if (!moved || !sameHolder(*moved, expected)) {
        ::link(aside.c_str(), file.c_str());
        ::unlink(aside.c_str());
        return false;
    }
    ::unlink(aside.c_str());
    return true;
}

} // namespace athanor

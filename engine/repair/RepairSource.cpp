#include "repair/RepairSource.h"

#include "lifecycle/SourceStageLock.h"
#include "store/StateSources.h"

namespace fs = std::filesystem;

namespace athanor {

namespace {

class SourceStageHold final : public StageHold {
public:
    explicit SourceStageHold(SourceStageLock lock) : m_lock(std::move(lock)) {}

private:
    SourceStageLock m_lock;
};

} // namespace

std::string StageLockInfo::describe() const {
    return "pid " + std::to_string(pid) + " on host " + (host.empty() ? std::string("?") : host) + " since " +
           (since.empty() ? std::string("?") : since) +
           (operation.empty() ? std::string() : " (running " + operation + ")");
}

RepairSource::RepairSource(std::shared_ptr<StateSource> source) : m_source(std::move(source)) {}

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
    openStore(key.chain)->putText(key.id, text);
}

void RepairSource::remove(const RecordKey& key) {
    openStore(key.chain)->remove(key.id);
}

void RepairSource::pruneEmptyScope(const std::vector<std::string>& chain) {
    m_source->pruneEmptyScope(chain);
}

std::string RepairSource::location(const RecordKey& key) const {
    return m_source->recordLocation(key.chain, key.id);
}

std::unique_ptr<StageHold> RepairSource::lockStage(const std::string& app, const std::string& stage,
                                                   const std::string& operation,
                                                   const std::function<void(const std::string&)>& onWarning) {
    std::vector<std::string> warnings;
    SourceStageLock lock = lockSourceStage(*m_source, app, stage, operation, warnings, m_noLock);
    if (onWarning)
        for (const auto& warning : warnings)
            onWarning(warning);
    return std::make_unique<SourceStageHold>(std::move(lock));
}

void RepairSource::requireStageLocks(const std::vector<std::pair<std::string, std::string>>& stages) {
    if (m_noLock)
        return;
    for (const auto& [app, stage] : stages)
        requireStageLockSupport(*m_source, app, stage);
}

bool RepairSource::keepsStageLocks() const {
    return m_source->stageLocking() != StageLocking::Unsupported;
}

std::optional<StageLockInfo> RepairSource::stageLockHolder(const std::string& app, const std::string& stage) {
    const std::optional<StageLockHolder> holder = m_source->stageLockHolder(app, stage);
    if (!holder)
        return std::nullopt;
    StageLockInfo info;
    info.pid = holder->pid;
    info.host = holder->host;
    info.since = holder->since;
    info.operation = holder->operation;
    info.processGoneHere = holder->pid > 0 && holder->isStaleOnThisHost();
    info.where = m_source->stageLockLocation(app, stage);
    return info;
}

bool RepairSource::breakStageLock(const std::string& app, const std::string& stage,
                                  const StageLockInfo& expected) {
    return m_source->breakStageLock(
        app, stage, StageLockHolder{expected.pid, expected.host, expected.since, expected.operation});
}

} // namespace athanor

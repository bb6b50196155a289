#include "commands/StateMigration.h"

#include "snapshot/SnapshotLoader.h"
#include "state/ResourceStatus.h"
#include "store/StoreError.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;

namespace athanor {

namespace {

fs::path canonicalOrSame(const fs::path& p) {
    std::error_code ec;
    fs::path out = fs::weakly_canonical(p, ec);
    return ec ? p : out;
}

// Where the records physically are: two specs naming one folder or one database are the same place.
fs::path placeOf(const StateSource& source) {
    if (source.spec().kind == SourceSpec::Kind::Folder)
        return canonicalOrSame(source.spec().path / ".alchemy");
    if (source.spec().isRemote())
        return source.spec().toString();
    return canonicalOrSame(source.spec().path);
}

// One store per chain, opened on first use.
class Stores {
public:
    Stores(StateSource& source, Durability durability) : m_source(source), m_durability(durability) {}
    StateStore& at(const std::vector<std::string>& chain) {
        auto& slot = m_stores[chain];
        if (!slot)
            slot = m_source.openStore(chain, m_durability);
        return *slot;
    }

private:
    StateSource& m_source;
    Durability m_durability;
    std::map<std::vector<std::string>, std::unique_ptr<StateStore>> m_stores;
};

} // namespace

MigrationReport migrateState(StateSource& from, StateSource& to, const MigrationOptions& options,
                             const MigrationProgress& progress, std::stop_token cancel) {
    if (placeOf(from) == placeOf(to))
        throw std::invalid_argument("the source and the target are the same state (" + from.describe() + ")");
    MigrationReport report;
    report.targetDescription = to.describe();
    SnapshotOptions fromOptions;
    fromOptions.knownApps = options.apps;
    const std::shared_ptr<const StateSnapshot> source = loadSnapshot(from, fromOptions, {}, cancel);
    if (!source->stateFolderExists)
        throw SourceUnavailableError("no Alchemy state in " + from.describe() + ": it does not exist");
    report.sourceRecords = source->records.size();
    if (to.exists()) {
        SnapshotOptions toOptions; // a target that cannot list its apps is asked about the ones copied
        for (const int32_t app : source->nodes.front().children)
            toOptions.knownApps.push_back(source->nodes[static_cast<size_t>(app)].name);
        const std::shared_ptr<const StateSnapshot> target = loadSnapshot(to, toOptions, {}, cancel);
        report.targetRecordsBefore = target->records.size();
        if (!to.listsApps()) // one database of a whole account: only the apps copied can be in the way
            report.targetRecordsBefore = static_cast<size_t>(
                std::count_if(target->records.begin(), target->records.end(), [&](const SnapshotRecord& r) {
                    return !r.chain.empty() &&
                           std::find(toOptions.knownApps.begin(), toOptions.knownApps.end(),
                                     r.chain.front()) != toOptions.knownApps.end();
                }));
        if (report.targetRecordsBefore > 0 && !options.overwrite) {
            report.refused = true;
            return report;
        }
    }

    // Fast writes, one sync at the end: a copy of thousands of records does not wait for a disk flush each.
    Stores reading(from, Durability::Durable);
    Stores writing(to, Durability::Fast);
    struct Copied {
        const SnapshotRecord* record;
        std::string text; // what the target must give back
    };
    std::vector<Copied> copied;
    copied.reserve(source->records.size());
    const size_t total = 2 * source->records.size();
    size_t done = 0;
    const auto step = [&] {
        ++done;
        if (progress)
            progress(done, total);
    };
    for (const SnapshotRecord& r : source->records) {
        if (cancel.stop_requested()) {
            report.cancelled = true;
            break;
        }
        const std::string where = source->location(r);
        if (!r.ok()) {
            report.problems.push_back("skipped " + where + ": " + r.error);
            ++report.failed;
            step();
            continue;
        }
        try {
            StateStore& in = reading.at(r.chain);
            const std::optional<std::string> text = in.readText(r.id);
            if (!text)
                throw StoreError(where + ": the record disappeared during the copy");
            std::optional<StateRecord> record = in.parseRecord(r.id, *text);
            const std::string written = record->toFileText();
            if (const auto status = record->status();
                status && isSettled(*status) && record->oldProps() != nullptr)
                report.warnings.push_back(
                    "copied " + where + " with the oldProps of an earlier attempt: status " +
                    record->statusText() +
                    " records keep them only in Alchemy's SQL stores (hazard §14.7); Alchemy's file store "
                    "drops them on the next successful write");
            writing.at(r.chain).set(r.id, *record);
            if (written != *text)
                ++report.reformatted;
            ++report.copied;
            copied.push_back({&r, written});
        } catch (const std::exception& e) {
            report.problems.push_back("failed " + where + ": " + e.what());
            ++report.failed;
        }
        step();
    }
    to.sync();

    // Read every copied record back through a fresh view of the target and compare the text.
    Stores checking(to, Durability::Durable);
    for (const Copied& c : copied) {
        const SnapshotRecord& r = *c.record;
        try {
            const std::optional<std::string> back = checking.at(r.chain).readText(r.id);
            if (!back)
                throw StoreError("it is missing from the target after the copy");
            if (*back != c.text)
                throw StoreError("the target gives back different content");
            ++report.verified;
        } catch (const std::exception& e) {
            report.problems.push_back("not verified " + source->location(r) + ": " + e.what());
            ++report.failed;
        }
        step();
    }
    if (progress)
        progress(total, total);
    return report;
}

} // namespace athanor

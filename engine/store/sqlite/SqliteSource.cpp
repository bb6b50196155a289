#include "store/sqlite/SqliteSource.h"

#include "snapshot/SecretCount.h"
#include "snapshot/SnapshotLoader.h"
#include "snapshot/SnapshotTree.h"
#include "store/IdCodec.h"
#include "store/RemoteAccess.h"
#include "store/StoreError.h"
#include "store/sqlite/AlchemySchema.h"
#include "store/sqlite/ConnectionPool.h"
#include "store/sqlite/SqliteRecord.h"
#include "store/sqlite/SqliteStateStore.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"

// simdjson's inline code trips GCC 12's dangling-pointer analysis; the warnings are in the library.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <cstdlib>
#include <functional>
#include <set>
#include <sys/stat.h>
#include <unordered_map>

namespace fs = std::filesystem;

namespace athanor {

namespace {

using sqlite::ConnectionPool;
using sqlite::Statement;

// Summarises a JSON column for browsing: valid or why not, and its secrets. simdjson validates and walks it
// without building a document; what it refuses goes to the reference parser (its message, and the texts
// JSON.stringify writes but simdjson rejects, such as lone surrogate escapes).
class ColumnScan {
public:
    bool scan(std::string_view text, uint32_t& secrets, std::string& error) {
        if (m_buffer.size() < text.size() + simdjson::SIMDJSON_PADDING)
            m_buffer.resize(text.size() + simdjson::SIMDJSON_PADDING);
        std::copy(text.begin(), text.end(), m_buffer.begin());
        simdjson::dom::element root;
        if (m_parser.parse(m_buffer.data(), text.size(), false).get(root) == simdjson::SUCCESS) {
            secrets += countSecretTags(root);
            return true;
        }
        try {
            secrets += countSecretTags(parseJsonText(text));
            return true;
        } catch (const JsonParseError& e) {
            error = e.what();
            return false;
        }
    }

private:
    simdjson::dom::parser m_parser;
    std::vector<char> m_buffer;
};

std::string statToken(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return "-";
    return std::to_string(st.st_size) + "@" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

class SqliteStageLease final : public StageLease {
public:
    SqliteStageLease(std::shared_ptr<ConnectionPool> pool, std::string app, std::string stage,
                     std::string holder)
        : m_pool(std::move(pool)), m_app(std::move(app)), m_stage(std::move(stage)),
          m_holder(std::move(holder)) {}
    ~SqliteStageLease() override {
        try {
            release();
        } catch (const std::exception&) {
            // A database gone or locked at exit: the row stays; the next run sees its holder is gone.
        }
    }
    void release() override {
        if (!m_held)
            return;
        m_held = false;
        auto db = m_pool->writer();
        // Only our own row: a lock taken over meanwhile (we were presumed dead) is not ours to delete.
        Statement del = db->prepare(std::string("DELETE FROM ") + sqlite::kLocksTable +
                                    R"( WHERE "app" = ? AND "stage" = ? AND "holder" = ?)");
        del.bind(1, m_app).bind(2, m_stage).bind(3, m_holder);
        del.run();
    }

private:
    std::shared_ptr<ConnectionPool> m_pool;
    std::string m_app, m_stage, m_holder;
    bool m_held = true;
};

} // namespace

SqliteSource::SqliteSource(const SourceSpec& spec)
    : m_spec(SourceSpec::sqlite(spec.path)), m_pool(std::make_shared<ConnectionPool>(m_spec.path)) {}

SqliteSource::~SqliteSource() = default;

bool SqliteSource::exists() const {
    return m_pool->exists();
}

std::unique_ptr<StateStore> SqliteSource::openStore(const std::vector<std::string>& chain,
                                                    Durability durability) {
    return std::make_unique<sqlite::SqliteStateStore>(m_pool, chain, durability);
}

std::vector<std::string> SqliteSource::apps() {
    // Every app that has a row anywhere below it (Alchemy's listScopes of the root would show only apps with
    // a stage record).
    std::set<std::string> apps;
    auto db = m_pool->reader();
    if (!db)
        return {};
    Statement q = (*db)->prepare(R"(SELECT DISTINCT "scope" FROM "resources")");
    while (q.step()) {
        std::string problem;
        if (const auto chain = sqlite::parseScope(q.text(0), problem); chain && !chain->empty())
            apps.insert(chain->front());
    }
    return {apps.begin(), apps.end()};
}

void SqliteSource::sync() {
    if (!exists())
        return;
    auto db = m_pool->writer();
    // Writes made with synchronous = NORMAL are in the WAL; a full checkpoint puts them in the database file
    // and syncs it.
    db->exec("PRAGMA wal_checkpoint(FULL)");
}

std::string SqliteSource::changeToken() const {
    return statToken(m_spec.path) + "|" + statToken(m_spec.path.string() + "-wal");
}

bool SqliteSource::changedSince(const StateSnapshot& snapshot) {
    return changeToken() != snapshot.changeToken;
}

std::shared_ptr<StateSnapshot> SqliteSource::load(const SnapshotOptions& options,
                                                  const LoadProgress& progress, std::stop_token cancel) {
    auto snap = std::make_shared<StateSnapshot>();
    snap->layout = DotAlchemyLayout::forProject(m_spec.projectFolder());
    snap->nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, m_spec.shortName(), "", -1, -1, {}});
    snap->stateFolderExists = exists();
    auto db = m_pool->reader();
    // After opening (the first connection creates the WAL files), before reading: a write during the load
    // shows as a change.
    snap->changeToken = changeToken();
    if (!db)
        return snap;
    // Every load looks again: another program may have changed the schema since the last one.
    if (const std::string problem = sqlite::alchemySchemaProblem(**db); !problem.empty())
        throw SourceUnavailableError(problem);

    std::vector<SnapshotRecord> records;
    {
        sqlite::ReadTransaction tx(**db); // one consistent view: the count and the rows
        size_t total = 0;
        {
            Statement count = (*db)->prepare(R"(SELECT count(*) FROM "resources")");
            count.step();
            total = static_cast<size_t>(count.integer(0));
        }
        if (progress)
            progress(0, total);
        records.reserve(total);
        Statement rows =
            (*db)->prepare(R"(SELECT "scope", "id", "status", "kind", "fqn", "seq", "data", "props",)"
                           R"( "oldProps", "output" FROM "resources")");
        std::unordered_map<std::string, std::optional<std::vector<std::string>>>
            chains; // few distinct scopes
        ColumnScan scan;
        size_t done = 0;
        while (rows.step()) {
            if ((++done & 255) == 0) {
                if (cancel.stop_requested())
                    throw LoadCancelled();
                if (progress)
                    progress(done, total);
            }
            const std::string scope(rows.text(0));
            const std::string id(rows.text(1));
            auto known = chains.find(scope);
            std::string problem;
            if (known == chains.end())
                known = chains.emplace(scope, sqlite::parseScope(scope, problem)).first;
            if (!known->second) {
                if (problem.empty())
                    sqlite::parseScope(scope, problem);
                snap->problems.push_back(m_pool->rowLocation(scope, id) + ": " + problem +
                                         "; the row is not shown (nothing was changed)");
                continue;
            }
            SnapshotRecord r;
            r.chain = *known->second;
            r.id = id;
            r.recordId = id;
            r.status = std::string(rows.text(2));
            r.kind = std::string(rows.text(3));
            r.recordFqn = std::string(rows.text(4));
            r.seq = rows.isInteger(5) ? rows.integer(5) : static_cast<int64_t>(rows.real(5));
            r.hasOldProps = !rows.isNull(8);
            uint64_t size = scope.size() + id.size() + r.status.size() + r.kind.size() + r.recordFqn.size();
            size_t fingerprint = std::hash<std::string_view>{}(id);
            static constexpr const char* kJsonColumns[] = {"data", "props", "oldProps", "output"};
            for (int c = 0; c < 4; ++c) {
                const int column = 6 + c;
                if (rows.isNull(column)) {
                    if (c == 0 || c == 3) // data and output are NOT NULL in Alchemy's schema
                        r.error = std::string("column ") + kJsonColumns[c] + " is NULL";
                    fingerprint = fingerprint * 31 + static_cast<size_t>(c);
                    continue;
                }
                const std::string_view text = rows.text(column);
                size += text.size();
                fingerprint = fingerprint * 1000003 ^ std::hash<std::string_view>{}(text);
                std::string error;
                if (!scan.scan(text, r.secretCount, error) && r.error.empty())
                    r.error = std::string("column ") + kJsonColumns[c] + ": " + error;
                else if (c == 0 && text.find("pendingDeletions") != std::string_view::npos)
                    try { // rare: the old copies of replaced resources, shown under their scope
                        Json record = Json::object();
                        record["data"] = parseJsonText(text);
                        r.pendingDeletions = pendingDeletionsOfRecord(record);
                    } catch (const std::exception& e) {
                        r.error = std::string("column data: ") + e.what();
                    }
            }
            for (const std::string& text : {r.status, r.kind, r.recordFqn})
                fingerprint = fingerprint * 1000003 ^ std::hash<std::string_view>{}(text);
            fingerprint = fingerprint * 1000003 ^ static_cast<size_t>(r.seq);
            r.fileSize = size;
            r.modifiedNs = static_cast<int64_t>(fingerprint);
            records.push_back(std::move(r));
        }
        if (cancel.stop_requested())
            throw LoadCancelled();
        if (progress)
            progress(total, total);
    }
    buildSnapshotTree(*snap, std::move(records), options);
    return snap;
}

std::optional<std::string> SqliteSource::readRecordText(const std::vector<std::string>& chain,
                                                        const std::string& id) {
    return sqlite::SqliteStateStore(m_pool, chain, Durability::Durable).readText(id);
}

std::string SqliteSource::recordLocation(const std::vector<std::string>& chain, const std::string& id) const {
    return m_pool->rowLocation(sqlite::scopeText(chain), id);
}

std::unique_ptr<StageLease> SqliteSource::lockStage(const std::string& app, const std::string& stage,
                                                    const std::string& operation,
                                                    const LockWarningSink& onWarning) {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    const StageLockHolder me = StageLockHolder::thisProcess(operation);
    const std::string mine = stringifyJs(me.toJson(), 0);
    const std::string where =
        "row (" + app + ", " + stage + ") of table " + sqlite::kLocksTable + " in " + m_spec.path.string();
    auto db = m_pool->writer();
    // BEGIN IMMEDIATE takes the database's write lock: no other run reads and inserts between our two steps.
    sqlite::WriteTransaction tx(*db);
    std::optional<std::string> held;
    {
        Statement q = db->prepare(std::string(R"(SELECT "holder" FROM )") + sqlite::kLocksTable +
                                  R"( WHERE "app" = ? AND "stage" = ?)");
        q.bind(1, app).bind(2, stage);
        if (q.step())
            held = std::string(q.text(0));
    }
    if (held) {
        StageLockHolder holder;
        try {
            holder = StageLockHolder::fromJson(parseJsonText(*held));
        } catch (const JsonParseError&) {
            // A damaged row: treated as held by an unknown process, as a damaged lock file is.
        }
        if (!holder.isStaleOnThisHost() || holder.pid == 0)
            throw StageLockedError(holder, app, stage, where);
        if (onWarning)
            onWarning("took over the lock of stage " + app + "/" + stage + " left by pid " +
                      std::to_string(holder.pid) + " on " + holder.host + " since " + holder.since +
                      " (that process no longer exists)");
    }
    {
        Statement put = db->prepare(std::string("INSERT OR REPLACE INTO ") + sqlite::kLocksTable +
                                    R"( ("app", "stage", "holder") VALUES (?, ?, ?))");
        put.bind(1, app).bind(2, stage).bind(3, mine);
        put.run();
    }
    tx.commit();
    return std::make_unique<SqliteStageLease>(m_pool, app, stage, mine);
}

namespace {

StageLockHolder holderFromRow(const std::string& text) {
    try {
        return StageLockHolder::fromJson(parseJsonText(text));
    } catch (const JsonParseError&) {
        return {}; // a damaged row still holds the stage; it names no holder
    }
}

} // namespace

std::string SqliteSource::stageLockLocation(const std::string& app, const std::string& stage) const {
    return "row (" + app + ", " + stage + ") of table " + sqlite::kLocksTable + " in " + m_spec.path.string();
}

std::optional<StageLockHolder> SqliteSource::stageLockHolder(const std::string& app,
                                                             const std::string& stage) {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    auto db = m_pool->reader();
    if (!db || !(*db)->tableExists(sqlite::kLocksTable))
        return std::nullopt; // nothing was ever locked here
    Statement q = (*db)->prepare(std::string(R"(SELECT "holder" FROM )") + sqlite::kLocksTable +
                                 R"( WHERE "app" = ? AND "stage" = ?)");
    q.bind(1, app).bind(2, stage);
    if (!q.step())
        return std::nullopt;
    return holderFromRow(std::string(q.text(0)));
}

bool SqliteSource::breakStageLock(const std::string& app, const std::string& stage,
                                  const StageLockHolder& expected) {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    if (!exists())
        return false;
    auto db = m_pool->writer();
    // Checked and deleted under the database's write lock: a lock taken in between is never the one deleted.
    sqlite::WriteTransaction tx(*db);
    std::optional<std::string> held;
    {
        Statement q = db->prepare(std::string(R"(SELECT "holder" FROM )") + sqlite::kLocksTable +
                                  R"( WHERE "app" = ? AND "stage" = ?)");
        q.bind(1, app).bind(2, stage);
        if (q.step())
            held = std::string(q.text(0));
    }
    if (!held || !holderFromRow(*held).sameAs(expected))
        return false;
    Statement del = db->prepare(std::string("DELETE FROM ") + sqlite::kLocksTable +
                                R"( WHERE "app" = ? AND "stage" = ? AND "holder" = ?)");
    del.bind(1, app).bind(2, stage).bind(3, *held);
    del.run();
    tx.commit();
    return true;
}

fs::path SqliteSource::athanorHome() const {
    return athanorHomeOutsideSource(m_spec);
}

} // namespace athanor

#include "store/sqlite/SqliteStateStore.h"

#include "store/IdCodec.h"
#include "store/StoreError.h"
#include "store/sqlite/AlchemySchema.h"
#include "store/sqlite/ConnectionPool.h"
#include "store/sqlite/SqliteRecord.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <algorithm>
#include <set>

namespace athanor::sqlite {

namespace {

const std::string kSelectRow =
    R"(SELECT "id", "status", "kind", "fqn", "seq", "data", "props", "oldProps", "output")"
    R"( FROM "resources" WHERE "scope" = ? AND "id" = ?)";

RecordColumns columnsOf(const Statement& row) {
    RecordColumns c;
    c.id = std::string(row.text(0));
    c.status = std::string(row.text(1));
    c.kind = std::string(row.text(2));
    c.fqn = std::string(row.text(3));
    c.seq = row.isInteger(4) ? Json(row.integer(4)) : Json(row.real(4));
    c.data = std::string(row.text(5));
    if (!row.isNull(6))
        c.props = std::string(row.text(6));
    if (!row.isNull(7))
        c.oldProps = std::string(row.text(7));
    c.output = std::string(row.text(8));
    return c;
}

// Alchemy's set() (drizzle's upsert): every field on insert, on conflict only those the record has, so an
// absent props / oldProps keeps the previous column. RETURNING gives the row as it now is.
std::string upsertSql(bool props, bool oldProps) {
    std::string sql =
        R"(INSERT INTO "resources" ("id", "scope", "status", "kind", "fqn", "seq", "data", "props", )"
        R"("oldProps", "output") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) )"
        R"(ON CONFLICT ("id", "scope") DO UPDATE SET "id" = ?1, "status" = ?3, "kind" = ?4, )"
        R"("fqn" = ?5, "seq" = ?6, "data" = ?7, )";
    if (props)
        sql += R"("props" = ?8, )";
    if (oldProps)
        sql += R"("oldProps" = ?9, )";
    sql +=
        R"("output" = ?10 RETURNING "id", "status", "kind", "fqn", "seq", "data", "props", "oldProps", "output")";
    return sql;
}

} // namespace

SqliteStateStore::SqliteStateStore(std::shared_ptr<ConnectionPool> pool, std::vector<std::string> chain,
                                   Durability durability)
    : m_pool(std::move(pool)), m_chain(std::move(chain)), m_scope(scopeText(m_chain)),
      m_durability(durability) {
    for (const auto& part : m_chain)
        requireValidId(part, "scope name");
}

std::string SqliteStateStore::location(const std::string& id) const {
    return m_pool->rowLocation(m_scope, id);
}

std::vector<std::string> SqliteStateStore::list() {
    std::vector<std::string> ids;
    auto db = m_pool->reader();
    if (!db)
        return ids;
    Statement q = (*db)->prepare(R"(SELECT "id" FROM "resources" WHERE "scope" = ?)");
    q.bind(1, m_scope);
    while (q.step())
        ids.emplace_back(q.text(0));
    std::sort(ids.begin(), ids.end());
    return ids;
}

size_t SqliteStateStore::count() {
    auto db = m_pool->reader();
    if (!db)
        return 0;
    Statement q = (*db)->prepare(R"(SELECT count(*) FROM "resources" WHERE "scope" = ?)");
    q.bind(1, m_scope);
    q.step();
    return static_cast<size_t>(q.integer(0));
}

std::optional<StateRecord> SqliteStateStore::get(const std::string& id) {
    requireValidId(id);
    auto db = m_pool->reader();
    if (!db)
        return std::nullopt;
    RecordColumns columns;
    std::optional<std::vector<std::string>> keyOrder;
    {
        ReadTransaction tx(**db); // the row and its key order from one view
        {
            Statement row = (*db)->prepare(kSelectRow);
            row.bind(1, m_scope).bind(2, id);
            if (!row.step())
                return std::nullopt;
            columns = columnsOf(row);
        }
        if (m_pool->hasRecordKeys(**db)) {
            Statement keys = (*db)->prepare(std::string(R"(SELECT "keys", "fingerprint" FROM )") +
                                            kRecordKeysTable + R"( WHERE "scope" = ? AND "id" = ?)");
            keys.bind(1, m_scope).bind(2, id);
            if (keys.step())
                keyOrder = usableKeyOrder(columns, keys.text(0), keys.text(1));
        }
    }
    try {
        return StateRecord(fromColumns(columns, keyOrder ? &*keyOrder : nullptr));
    } catch (const JsonParseError& e) {
        throw UnreadableRecordError(location(id), e.what());
    }
}

void SqliteStateStore::set(const std::string& id, const StateRecord& record) {
    write(id, record, false);
}

void SqliteStateStore::put(const std::string& id, const StateRecord& record) {
    write(id, record, true);
}

void SqliteStateStore::write(const std::string& id, const StateRecord& record, bool exact) {
    requireValidId(id);
    RecordColumns columns;
    try {
        columns = toColumns(record);
    } catch (const StoreError& e) {
        throw StoreError("cannot store " + location(id) + ": " + e.what());
    }
    if (columns.id != id)
        throw StoreError("cannot store " + location(id) + ": its \"id\" field is " +
                         stringifyJs(Json(columns.id), 0) +
                         " (Alchemy's SQL store files a record under its own id)");
    Json keys = Json::array();
    for (const auto& [key, value] : record.document().items())
        keys.push_back(key);

    auto db = m_pool->writer();
    db->exec(m_durability != Durability::Fast ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    WriteTransaction tx(*db);
    RecordColumns stored;
    {
        Statement upsert =
            db->prepare(upsertSql(exact || columns.props.has_value(), exact || columns.oldProps.has_value()));
        upsert.bind(1, columns.id)
            .bind(2, m_scope)
            .bind(3, columns.status)
            .bind(4, columns.kind)
            .bind(5, columns.fqn);
        if (columns.seq.is_number_integer())
            upsert.bind(6, columns.seq.get<int64_t>());
        else
            upsert.bindDouble(6, columns.seq.get<double>());
        upsert.bind(7, columns.data);
        if (columns.props)
            upsert.bind(8, *columns.props);
        else
            upsert.bindNull(8);
        if (columns.oldProps)
            upsert.bind(9, *columns.oldProps);
        else
            upsert.bindNull(9);
        upsert.bind(10, columns.output);
        if (!upsert.step())
            throw StoreError("cannot store " + location(id) + ": the database returned no row");
        stored = columnsOf(upsert);
        upsert.run();
    }
    {
        Statement order = db->prepare(std::string("INSERT OR REPLACE INTO ") + kRecordKeysTable +
                                      R"( ("scope", "id", "keys", "fingerprint") VALUES (?, ?, ?, ?))");
        order.bind(1, m_scope).bind(2, id).bind(3, stringifyJs(keys, 0)).bind(4, stored.fingerprint());
        order.run();
    }
    tx.commit();
}

void SqliteStateStore::remove(const std::string& id) {
    requireValidId(id);
    if (!m_pool->exists())
        return;
    auto db = m_pool->writer();
    db->exec(m_durability != Durability::Fast ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    WriteTransaction tx(*db);
    {
        Statement del = db->prepare(R"(DELETE FROM "resources" WHERE "scope" = ? AND "id" = ?)");
        del.bind(1, m_scope).bind(2, id);
        del.run();
    }
    {
        Statement del = db->prepare(std::string("DELETE FROM ") + kRecordKeysTable +
                                    R"( WHERE "scope" = ? AND "id" = ?)");
        del.bind(1, m_scope).bind(2, id);
        del.run();
    }
    tx.commit();
}

std::vector<std::string> SqliteStateStore::listScopes() {
    // Alchemy's listScopes: distinct scopes one longer than this chain and starting with it (a scope without
    // rows is invisible).
    std::set<std::string> names;
    auto db = m_pool->reader();
    if (!db)
        return {};
    Statement q = (*db)->prepare(R"(SELECT DISTINCT "scope" FROM "resources")");
    while (q.step()) {
        std::string problem;
        const auto chain = parseScope(q.text(0), problem);
        if (!chain || chain->size() != m_chain.size() + 1 ||
            !std::equal(m_chain.begin(), m_chain.end(), chain->begin()))
            continue;
        names.insert(chain->back());
    }
    return {names.begin(), names.end()};
}

} // namespace athanor::sqlite

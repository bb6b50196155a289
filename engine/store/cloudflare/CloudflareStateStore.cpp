#include "store/cloudflare/CloudflareStateStore.h"

#include "store/IdCodec.h"
#include "store/RemoteAccess.h"
#include "store/cloudflare/CloudflareRecord.h"
#include "store/sqlite/SqliteRecord.h"

#include "json/JsJsonText.h"
#include <algorithm>

namespace athanor::cloudflare {

CloudflareStateStore::CloudflareStateStore(std::shared_ptr<WorkerClient> client,
                                           std::vector<std::string> chain)
    : m_client(std::move(client)), m_chain(std::move(chain)) {
    for (const auto& part : m_chain)
        requireValidId(part, "scope name");
}

std::string CloudflareStateStore::location(const std::string& id) const {
    return rowLocation(m_client->subject(), m_chain, id);
}

std::vector<std::string> CloudflareStateStore::list() {
    try {
        std::vector<std::string> ids = m_client->list(m_chain);
        std::sort(ids.begin(), ids.end());
        return ids;
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

size_t CloudflareStateStore::count() {
    try {
        return m_client->count(m_chain);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::optional<StateRecord> CloudflareStateStore::get(const std::string& id) {
    requireValidId(id);
    std::optional<Json> row;
    try {
        row = m_client->get(m_chain, id);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    if (!row)
        return std::nullopt;
    return StateRecord(recordFromRow(*row));
}

std::map<std::string, StateRecord> CloudflareStateStore::records(const Json& rows) {
    std::map<std::string, StateRecord> out;
    for (const auto& [id, row] : rows.items()) {
        if (!row.is_object())
            throw UnreadableRecordError(location(id), "the worker's row is not an object");
        out.emplace(id, StateRecord(recordFromRow(row)));
    }
    return out;
}

std::map<std::string, StateRecord> CloudflareStateStore::getBatch(const std::vector<std::string>& ids) {
    try {
        return records(m_client->getBatch(m_chain, ids));
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::map<std::string, StateRecord> CloudflareStateStore::all() {
    try {
        return records(m_client->all(m_chain));
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

void CloudflareStateStore::set(const std::string& id, const StateRecord& record) {
    write(id, record, record.document());
}

void CloudflareStateStore::write(const std::string& id, const StateRecord& record, const Json& body) {
    requireValidId(id);
    sqlite::RecordColumns columns;
    try {
        columns = sqlite::toColumns(record); // the worker's table has the SQL store's columns
    } catch (const StoreError& e) {
        throw StoreError("cannot store " + location(id) + ": " + e.what());
    }
    if (columns.id != id)
        throw StoreError("cannot store " + location(id) + ": its \"id\" field is " +
                         stringifyJs(Json(columns.id), 0) +
                         " (Alchemy's Cloudflare store files a record under its own id)");
    try {
        m_client->set(m_chain, id, body);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

void CloudflareStateStore::put(const std::string& id, const StateRecord& record) {
    const Json& document = record.document();
    if (document.contains("props") && document.contains("oldProps"))
        return set(id, record);
    Json body = document;
    for (const char* column : {"props", "oldProps"})
        if (!body.contains(column))
            body[column] = nullptr; // drizzle's upsert skips an absent key but writes null as NULL
    write(id, record, body);
}

void CloudflareStateStore::remove(const std::string& id) {
    requireValidId(id);
    try {
        m_client->remove(m_chain, id);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::vector<std::string> CloudflareStateStore::listScopes() {
    try {
        std::vector<std::string> scopes = m_client->listScopes(m_chain);
        std::sort(scopes.begin(), scopes.end());
        return scopes;
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

} // namespace athanor::cloudflare

#include "store/s3/S3StateStore.h"

#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/RemoteAccess.h"
#include "store/http/BoundedParallel.h"
#include "store/s3/S3Keys.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <set>

namespace athanor::s3 {

S3StateStore::S3StateStore(std::shared_ptr<Client> client, std::string prefix, std::vector<std::string> chain)
    : m_client(std::move(client)), m_prefix(std::move(prefix)), m_chain(std::move(chain)) {
    for (const auto& part : m_chain)
        requireValidId(part, "scope name");
}

std::string S3StateStore::location(const std::string& id) const {
    return "s3://" + m_client->bucket() + "/" + objectKey(m_prefix, m_chain, id);
}

std::vector<std::string> S3StateStore::list() {
    std::vector<std::string> ids;
    try {
        for (const ListedObject& object : m_client->list(scopePrefix(m_prefix, m_chain)))
            if (const auto placed = placeKey(m_prefix, object.key); placed && placed->chain == m_chain)
                ids.push_back(placed->id);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> S3StateStore::listScopes() {
    std::set<std::string> scopes;
    try {
        for (const ListedObject& object : m_client->list(scopePrefix(m_prefix, m_chain)))
            if (const auto placed = placeKey(m_prefix, object.key);
                placed && placed->chain.size() > m_chain.size())
                scopes.insert(placed->chain[m_chain.size()]);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    return {scopes.begin(), scopes.end()};
}

std::optional<std::string> S3StateStore::readText(const std::string& id) {
    requireValidId(id);
    try {
        return m_client->get(objectKey(m_prefix, m_chain, id));
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::optional<StateRecord> S3StateStore::get(const std::string& id) {
    const std::optional<std::string> text = readText(id);
    if (!text)
        return std::nullopt;
    return parseRecord(id, *text);
}

void S3StateStore::set(const std::string& id, const StateRecord& record) {
    requireValidId(id);
    try {
        m_client->put(objectKey(m_prefix, m_chain, id), record.toFileText());
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

void S3StateStore::remove(const std::string& id) {
    requireValidId(id);
    try {
        m_client->remove(objectKey(m_prefix, m_chain, id));
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::vector<StateStore::Fetched> S3StateStore::fetch(const std::vector<std::string>& ids, unsigned threads) {
    std::vector<Fetched> out(ids.size());
    http::runBounded(ids.size(), threads == 0 ? 16u : threads, {}, [&](size_t i) {
        try {
            out[i].record = get(ids[i]);
        } catch (...) {
            out[i].error = std::current_exception();
        }
    });
    return out;
}

} // namespace athanor::s3

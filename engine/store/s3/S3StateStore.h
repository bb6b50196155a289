#pragma once

#include "store/StateStore.h"
#include "store/s3/S3Client.h"

#include <memory>

namespace athanor::s3 {

// Alchemy's S3StateStore for one chain (reference §6.9): object `<prefix><chain>/<id with / as :>`, body the
// record exactly as the file store writes it (JSON.stringify(record, null, 2)), read back verbatim. Unlike
// Alchemy's, list() and listScopes() place every listed key under its own scope (S3 lists a prefix
// recursively: a nested scope's object is never taken for a record of this one, hazard §14.4).
class S3StateStore final : public StateStore {
public:
    S3StateStore(std::shared_ptr<Client> client, std::string prefix, std::vector<std::string> chain);

    void init() override {}   // Alchemy's checks the bucket; every call here says when it is missing
    void deinit() override {} // a scope is only its objects
    std::vector<std::string> list() override; // sorted
    std::optional<StateRecord> get(const std::string& id) override;
    std::optional<std::string> readText(const std::string& id) override; // the object's bytes
    void set(const std::string& id, const StateRecord& record) override;
    void remove(const std::string& id) override;
    std::vector<std::string> listScopes() override; // sorted
    const std::vector<std::string>& chain() const override { return m_chain; }
    std::string location(const std::string& id) const override;
    // Reads up to 16 objects at once.
    std::vector<Fetched> fetch(const std::vector<std::string>& ids, unsigned threads = 0) override;

private:
    std::shared_ptr<Client> m_client;
    std::string m_prefix;
    std::vector<std::string> m_chain;
};

} // namespace athanor::s3

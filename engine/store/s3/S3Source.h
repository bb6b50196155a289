#pragma once

#include "store/StateSource.h"
#include "store/s3/S3Config.h"

#include <memory>
#include <mutex>
#include <optional>

namespace athanor {

namespace http {
class Client;
}
namespace s3 {
class Client;
}

// Alchemy's S3StateStore as a source (reference §6.8-6.9): `s3://BUCKET[/PREFIX][?region=R]`, objects
// `<prefix><chain>/<id with / as :>` holding the record as the file store writes it. Region, endpoint and
// credentials as the AWS SDK finds them (S3Config.h); credentials given to this process (the GUI) first.
// A load lists the prefix (continuation paging) and reads the objects 16 at once; every object is placed
// under its own scope by its key (hazard §14.4). Changes are noticed by listing again (keys, ETags, sizes).
// The stage lock is an object created with If-None-Match: * under <prefix>.athanor/locks/ (invisible to
// Alchemy, which lists only below an app); an endpoint that ignores the condition is detected (a second
// create-only write must fail) and then no lock is taken (StageLockUnavailableError: --no-lock).
class S3Source final : public StateSource {
public:
    explicit S3Source(const SourceSpec& spec);
    ~S3Source() override;

    const SourceSpec& spec() const override { return m_spec; }
    std::string describe() const override;
    bool exists() const override { return true; } // Alchemy needs the bucket created first; calls say so

    std::unique_ptr<StateStore> openStore(const std::vector<std::string>& chain,
                                          Durability durability) override;
    std::vector<std::string> apps() override;
    void sync() override {} // S3 has stored an object when PutObject answers

    std::shared_ptr<StateSnapshot> load(const SnapshotOptions& options, const LoadProgress& progress,
                                        std::stop_token cancel) override;
    std::optional<std::string> readRecordText(const std::vector<std::string>& chain,
                                              const std::string& id) override;
    std::string recordLocation(const std::vector<std::string>& chain, const std::string& id) const override;

    bool changedSince(const StateSnapshot& snapshot) override;

    StageLocking stageLocking() const override { return StageLocking::Native; }
    // Whether the endpoint refuses a second create-only PutObject of one key: probed once per source object
    // (a create-only write twice and a delete under <prefix>.athanor/probes/), the answer kept.
    StageLockSupport stageLockSupport() override;
    std::unique_ptr<StageLease> lockStage(const std::string& app, const std::string& stage,
                                          const std::string& operation,
                                          const LockWarningSink& onWarning) override;
    // The lock object <prefix>.athanor/locks/<app>/<stage>, whatever the probe says: a lock left on an
    // endpoint is released the same way.
    std::optional<StageLockHolder> stageLockHolder(const std::string& app, const std::string& stage) override;
    std::string stageLockLocation(const std::string& app, const std::string& stage) const override;
    // Read, compared, deleted: S3 has no delete-if-unchanged for every endpoint, so a lock taken in the
    // moment between the read and the delete could go too (the holder's run then finds its lock gone when it
    // releases it, and leaves it alone).
    bool breakStageLock(const std::string& app, const std::string& stage,
                        const StageLockHolder& expected) override;

    std::filesystem::path athanorHome() const override;

    uint64_t requestCount() const;
    const s3::Endpoint& endpoint() const { return m_endpoint; }

private:
    std::shared_ptr<s3::Client> client();
    // The listing of `listPrefix` in change-token form: every key with its ETag and size.
    std::string listingToken(const std::string& listPrefix, std::stop_token cancel);
    std::string lockKey(const std::string& app, const std::string& stage) const;

    SourceSpec m_spec;
    s3::S3Location m_location;
    s3::Endpoint m_endpoint;
    std::shared_ptr<http::Client> m_http;
    mutable std::mutex m_mutex;
    std::shared_ptr<s3::Client> m_client;
    std::optional<bool> m_createOnly;
};

} // namespace athanor

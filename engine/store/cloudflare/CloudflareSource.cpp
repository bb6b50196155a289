#include "store/cloudflare/CloudflareSource.h"

#include "snapshot/SnapshotLoader.h"
#include "snapshot/SnapshotTree.h"
#include "store/IdCodec.h"
#include "store/RemoteAccess.h"
#include "store/cloudflare/CloudflareRecord.h"
#include "store/cloudflare/CloudflareStateStore.h"
#include "store/cloudflare/WorkerClient.h"
#include "store/http/BoundedParallel.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>

namespace athanor {

namespace {

using Chain = std::vector<std::string>;

// Scopes read at once: the worker's Durable Object runs one call at a time, but round trips overlap.
constexpr unsigned kParallelScopes = 8;

} // namespace

CloudflareSource::CloudflareSource(const SourceSpec& spec)
    : m_spec(SourceSpec::cloudflare(spec.remote)), m_http(std::make_shared<http::Client>()) {}

CloudflareSource::~CloudflareSource() = default;

std::shared_ptr<cloudflare::WorkerClient> CloudflareSource::client() {
    std::lock_guard lock(m_mutex);
    if (m_client)
        return m_client;
    cloudflare::StateToken token;
    if (std::optional<AccessSecret> given = rememberedAccessSecret(m_spec)) {
        token.value = std::move(given->secret);
        token.origin = given->origin;
    } else if (const char* env = std::getenv("ALCHEMY_STATE_TOKEN"); env && *env) {
        token.value = SecureString(env);
        token.origin = "ALCHEMY_STATE_TOKEN";
    } else {
        throw MissingAccessSecretError(
            describe() + ": no state token: set ALCHEMY_STATE_TOKEN to the token the worker was "
                         "deployed with (the GUI asks for it)");
    }
    m_client = std::make_shared<cloudflare::WorkerClient>(m_spec.remote, std::move(token), m_http);
    return m_client;
}

uint64_t CloudflareSource::requestCount() const {
    return m_http->requestCount();
}

std::unique_ptr<StateStore> CloudflareSource::openStore(const std::vector<std::string>& chain, Durability) {
    if (!chain.empty()) {
        std::lock_guard lock(m_mutex);
        m_namedApps.insert(chain.front()); // a run or a copy names its app by writing to it
    }
    return std::make_unique<cloudflare::CloudflareStateStore>(client(), chain);
}

std::vector<std::string> CloudflareSource::apps() {
    std::set<std::string> apps;
    try {
        for (auto& app : client()->listScopes({}))
            apps.insert(std::move(app));
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    std::lock_guard lock(m_mutex);
    apps.insert(m_namedApps.begin(), m_namedApps.end());
    return {apps.begin(), apps.end()};
}

std::shared_ptr<StateSnapshot> CloudflareSource::load(const SnapshotOptions& options,
                                                      const LoadProgress& progress, std::stop_token cancel) {
    auto snap = std::make_shared<StateSnapshot>();
    snap->layout = DotAlchemyLayout::forProject(m_spec.projectFolder());
    snap->nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, m_spec.shortName(), "", -1, -1, {}});
    snap->stateFolderExists = true;
    const std::shared_ptr<cloudflare::WorkerClient> worker = client();
    std::vector<SnapshotRecord> records;
    try {
        worker->checkToken(cancel);
        std::set<std::string> apps;
        if (!options.app.empty()) {
            apps.insert(options.app);
        } else if (!options.knownApps.empty()) { // exactly the apps named (a copy of those apps)
            apps.insert(options.knownApps.begin(), options.knownApps.end());
        } else { // those with a stage record, and those named to this source before
            for (auto& app : worker->listScopes({}, cancel))
                apps.insert(std::move(app));
            std::lock_guard lock(m_mutex);
            apps.insert(m_namedApps.begin(), m_namedApps.end());
        }
        if (apps.empty())
            throw SourceUnavailableError(
                describe() +
                ": name the app(s) to show (--app APP): the worker keeps every app of the account in one "
                "database and cannot list them");
        {
            std::lock_guard lock(m_mutex);
            m_namedApps.insert(apps.begin(), apps.end());
        }
        for (const auto& app : apps)
            requireValidId(app, "app name");

        // Every scope below the apps, level by level (listScopes names the scopes one below that hold rows).
        std::vector<Chain> scopes;
        size_t total = 0;
        std::vector<Chain> level;
        for (const auto& app : apps)
            level.push_back({app});
        while (!level.empty()) {
            std::vector<std::vector<std::string>> below(level.size());
            std::vector<size_t> counts(level.size());
            http::runBounded(level.size(), kParallelScopes, cancel, [&](size_t i) {
                below[i] = worker->listScopes(level[i], cancel);
                counts[i] = worker->count(level[i], cancel); // so that progress has a total
            });
            if (cancel.stop_requested())
                throw LoadCancelled();
            std::vector<Chain> next;
            for (size_t i = 0; i < level.size(); ++i)
                for (const auto& name : below[i]) {
                    if (level[i].size() == 1 && !options.stage.empty() && name != options.stage)
                        continue;
                    Chain child = level[i];
                    child.push_back(name);
                    next.push_back(std::move(child));
                }
            for (const size_t n : counts)
                total += n;
            scopes.insert(scopes.end(), level.begin(), level.end());
            level = std::move(next);
        }

        std::vector<Json> rows(scopes.size());
        std::atomic<size_t> loaded{0};
        std::mutex progressMutex;
        if (progress)
            progress(0, total);
        http::runBounded(scopes.size(), kParallelScopes, cancel, [&](size_t i) {
            rows[i] = worker->all(scopes[i], cancel);
            const size_t now = loaded += rows[i].size();
            if (progress) {
                std::lock_guard lock(progressMutex);
                progress(now, std::max(now, total)); // rows written meanwhile may pass the count
            }
        });
        if (cancel.stop_requested())
            throw LoadCancelled();

        size_t fingerprint = 0;
        for (size_t i = 0; i < scopes.size(); ++i) {
            for (const auto& [id, row] : rows[i].items()) {
                SnapshotRecord r;
                r.chain = scopes[i];
                r.id = id;
                if (!row.is_object()) {
                    r.error = "the worker's row is not an object";
                } else {
                    const Json document = cloudflare::recordFromRow(row);
                    summarizeRecordDocument(document, r);
                    const std::string text = stringifyJs(document, 2);
                    r.fileSize = text.size();
                    r.modifiedNs = static_cast<int64_t>(std::hash<std::string>{}(text));
                }
                fingerprint = fingerprint * 1000003 ^ std::hash<std::string>{}(r.key()) ^
                              static_cast<size_t>(r.modifiedNs);
                records.push_back(std::move(r));
            }
        }
        snap->changeToken = std::to_string(records.size()) + ":" + std::to_string(fingerprint);
        if (progress)
            progress(records.size(), records.size());
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    } catch (const std::invalid_argument& e) {
        throw SourceUnavailableError(describe() + ": " + e.what());
    }
    buildSnapshotTree(*snap, std::move(records), options);
    return snap;
}

std::optional<std::string> CloudflareSource::readRecordText(const std::vector<std::string>& chain,
                                                            const std::string& id) {
    return cloudflare::CloudflareStateStore(client(), chain).readText(id);
}

std::string CloudflareSource::recordLocation(const std::vector<std::string>& chain,
                                             const std::string& id) const {
    return cloudflare::rowLocation(describe(), chain, id);
}

StageLockSupport CloudflareSource::stageLockSupport() {
    return {false, describe() + ": Alchemy's Cloudflare state worker has no compare-and-swap, so concurrent "
                                "runs on one stage cannot be excluded there"};
}

std::filesystem::path CloudflareSource::athanorHome() const {
    return athanorHomeOutsideSource(m_spec);
}

} // namespace athanor

#include "store/s3/S3Source.h"

#include "snapshot/SnapshotLoader.h"
#include "snapshot/SnapshotTree.h"
#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/RemoteAccess.h"
#include "store/http/BoundedParallel.h"
#include "store/s3/S3Client.h"
#include "store/s3/S3Keys.h"
#include "store/s3/S3StateStore.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <atomic>
#include <functional>
#include <random>
#include <set>
#include <unistd.h>

namespace athanor {

namespace {

// GETs in flight during a bulk load: S3 has no batch read.
constexpr unsigned kParallelGets = 16;
constexpr std::string_view kAthanorFolder = ".athanor/"; // below the prefix: Athanor's own objects

// Keys under the prefix that are Athanor's (locks, probes), not Alchemy's: the first part starts with '.'.
bool isAthanorKey(const std::string& prefix, const std::string& key) {
    return key.size() > prefix.size() && key[prefix.size()] == '.';
}

class S3StageLease final : public StageLease {
public:
    S3StageLease(std::shared_ptr<s3::Client> client, std::string key, std::string body)
        : m_client(std::move(client)), m_key(std::move(key)), m_body(std::move(body)) {}
    ~S3StageLease() override {
        try {
            release();
        } catch (const std::exception&) {
            // The server gone at exit: the object stays; the next run sees its holder is gone.
        }
    }
    void release() override {
        if (!m_held)
            return;
        m_held = false;
        // Only our own lock: one taken over meanwhile (we were presumed dead) is not ours to delete.
        if (m_client->get(m_key) == m_body)
            m_client->remove(m_key);
    }

private:
    std::shared_ptr<s3::Client> m_client;
    std::string m_key, m_body;
    bool m_held = true;
};

// A damaged lock object still holds the stage, as a damaged lock file does; it names no holder.
StageLockHolder holderFromObject(const std::string& text) {
    try {
        return StageLockHolder::fromJson(parseJsonText(text));
    } catch (const JsonParseError&) {
        return {};
    }
}

} // namespace

S3Source::S3Source(const SourceSpec& spec)
    : m_spec(SourceSpec::s3(spec.remote)), m_location(s3::S3Location::parse(m_spec.remote)),
      m_endpoint(s3::resolveEndpoint(m_location, s3::processEnvironment())),
      m_http(std::make_shared<http::Client>()) {}

S3Source::~S3Source() = default;

std::string S3Source::describe() const {
    return m_spec.toString() + " (" + m_endpoint.baseUrl + ")";
}

std::shared_ptr<s3::Client> S3Source::client() {
    std::lock_guard lock(m_mutex);
    if (m_client)
        return m_client;
    s3::Credentials credentials;
    if (std::optional<AccessSecret> given = rememberedAccessSecret(m_spec)) {
        credentials.accessKeyId = given->accessKeyId;
        credentials.secretAccessKey = std::move(given->secret);
        credentials.sessionToken = std::move(given->sessionToken);
        credentials.origin = given->origin;
    } else {
        std::string problem;
        std::optional<s3::Credentials> found = s3::findCredentials(s3::processEnvironment(), &problem);
        if (!found)
            throw MissingAccessSecretError(
                describe() +
                ": no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
                "AWS_SESSION_TOKEN), or AWS_PROFILE for ~/.aws/credentials" +
                (problem.empty() ? std::string() : " (" + problem + ")"));
        credentials = std::move(*found);
    }
    m_client = std::make_shared<s3::Client>(m_location.bucket, m_endpoint, std::move(credentials), m_http);
    return m_client;
}

uint64_t S3Source::requestCount() const {
    return m_http->requestCount();
}

std::unique_ptr<StateStore> S3Source::openStore(const std::vector<std::string>& chain, Durability) {
    return std::make_unique<s3::S3StateStore>(client(), m_location.prefix, chain);
}

std::vector<std::string> S3Source::apps() {
    std::set<std::string> apps;
    try {
        for (const s3::ListedObject& object : client()->list(m_location.prefix))
            if (const auto placed = s3::placeKey(m_location.prefix, object.key);
                placed && !isAthanorKey(m_location.prefix, object.key))
                apps.insert(placed->chain.front());
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    return {apps.begin(), apps.end()};
}

std::string S3Source::listingToken(const std::string& listPrefix, std::stop_token cancel) {
    size_t hash = 0;
    size_t count = 0;
    for (const s3::ListedObject& object : client()->list(listPrefix, cancel)) {
        if (isAthanorKey(m_location.prefix, object.key))
            continue;
        hash = hash * 1000003 ^
               std::hash<std::string>{}(object.key + '\n' + object.etag + '\n' + std::to_string(object.size));
        ++count;
    }
    return listPrefix + '\n' + std::to_string(count) + ":" + std::to_string(hash);
}

std::shared_ptr<StateSnapshot> S3Source::load(const SnapshotOptions& options, const LoadProgress& progress,
                                              std::stop_token cancel) {
    auto snap = std::make_shared<StateSnapshot>();
    snap->layout = DotAlchemyLayout::forProject(m_spec.projectFolder());
    snap->nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, m_spec.shortName(), "", -1, -1, {}});
    snap->stateFolderExists = true;
    const std::shared_ptr<s3::Client> s3 = client();
    // With an app, only its objects (its stages' records sit in the app's store, below <prefix><app>/).
    const std::string listPrefix =
        options.app.empty() ? m_location.prefix : m_location.prefix + options.app + "/";
    std::vector<SnapshotRecord> records;
    std::vector<std::string> keys;
    try {
        if (progress)
            progress(0, 0);
        const std::vector<s3::ListedObject> listed = s3->list(listPrefix, cancel);
        size_t hash = 0;
        size_t count = 0;
        for (const s3::ListedObject& object : listed) {
            if (isAthanorKey(m_location.prefix, object.key))
                continue;
            hash = hash * 1000003 ^ std::hash<std::string>{}(object.key + '\n' + object.etag + '\n' +
                                                             std::to_string(object.size));
            ++count;
            const std::optional<s3::PlacedKey> placed = s3::placeKey(m_location.prefix, object.key);
            if (!placed) {
                snap->problems.push_back(
                    "s3://" + m_location.bucket + "/" + object.key +
                    ": not a record of Alchemy's key scheme (<prefix><app>/<stage>/…/<id>); "
                    "it is not shown (nothing was changed)");
                continue;
            }
            const std::string& stage = placed->chain.size() >= 2 ? placed->chain[1] : placed->id;
            if (!options.stage.empty() && stage != options.stage)
                continue;
            SnapshotRecord r;
            r.chain = placed->chain;
            r.id = placed->id;
            r.fileSize = object.size;
            records.push_back(std::move(r));
            keys.push_back(object.key);
        }
        snap->changeToken = listPrefix + '\n' + std::to_string(count) + ":" + std::to_string(hash);

        const size_t total = records.size();
        if (progress)
            progress(0, total);
        std::atomic<size_t> loaded{0};
        std::mutex progressMutex;
        http::runBounded(total, kParallelGets, cancel, [&](size_t i) {
            SnapshotRecord& r = records[i];
            const std::optional<std::string> text = s3->get(keys[i], cancel);
            if (!text) {
                r.error = "the object was deleted during the load";
            } else {
                try {
                    const Json document = parseRecordText(*text);
                    summarizeRecordDocument(document, r);
                    r.fileSize = text->size();
                    r.modifiedNs = static_cast<int64_t>(std::hash<std::string>{}(*text));
                } catch (const JsonParseError& e) {
                    r.error = e.what();
                }
            }
            const size_t now = ++loaded;
            if (progress && ((now & 15) == 0 || now == total)) {
                std::lock_guard lock(progressMutex);
                progress(now, total);
            }
        });
        if (cancel.stop_requested())
            throw LoadCancelled();
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    std::erase_if(
        records, [](const SnapshotRecord& r) { return r.error == "the object was deleted during the load"; });
    buildSnapshotTree(*snap, std::move(records), options);
    return snap;
}

bool S3Source::changedSince(const StateSnapshot& snapshot) {
    const std::string& token = snapshot.changeToken;
    const size_t newline = token.find('\n');
    if (newline == std::string::npos)
        return true;
    try {
        return listingToken(token.substr(0, newline), {}) != token;
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::optional<std::string> S3Source::readRecordText(const std::vector<std::string>& chain,
                                                    const std::string& id) {
    return s3::S3StateStore(client(), m_location.prefix, chain).readText(id);
}

std::string S3Source::recordLocation(const std::vector<std::string>& chain, const std::string& id) const {
    return "s3://" + m_location.bucket + "/" + s3::objectKey(m_location.prefix, chain, id);
}

StageLockSupport S3Source::stageLockSupport() {
    std::optional<bool> honoured;
    {
        std::lock_guard lock(m_mutex);
        honoured = m_createOnly;
    }
    if (!honoured) {
        const std::shared_ptr<s3::Client> s3 = client();
        std::random_device random;
        const std::string key = m_location.prefix + std::string(kAthanorFolder) + "probes/" +
                                StageLockHolder::thisHost() + "-" + std::to_string(::getpid()) + "-" +
                                std::to_string(random());
        try {
            const bool first = s3->putIfAbsent(key, "{}");
            const bool second = s3->putIfAbsent(key, "{}");
            honoured = first && !second;
            s3->remove(key);
        } catch (const http::RemoteError& e) {
            throwRemoteFailure(e);
        }
        std::lock_guard lock(m_mutex);
        m_createOnly = honoured;
    }
    if (*honoured)
        return {};
    return {false, describe() +
                       ": the endpoint ignores If-None-Match on PutObject (a second create-only "
                       "write of one object succeeded), so concurrent runs cannot be excluded there"};
}

std::string S3Source::lockKey(const std::string& app, const std::string& stage) const {
    requireValidId(app, "app name");
    requireValidId(stage, "stage name");
    return m_location.prefix + std::string(kAthanorFolder) + "locks/" + app + "/" + stage;
}

std::string S3Source::stageLockLocation(const std::string& app, const std::string& stage) const {
    return "s3://" + m_location.bucket + "/" + lockKey(app, stage);
}

std::unique_ptr<StageLease> S3Source::lockStage(const std::string& app, const std::string& stage,
                                                const std::string& operation,
                                                const LockWarningSink& onWarning) {
    const std::string key = lockKey(app, stage);
    const std::string where = stageLockLocation(app, stage);
    if (const StageLockSupport support = stageLockSupport(); !support.excludesWriters)
        throw StageLockUnavailableError(support.reason + " (stage " + app + "/" + stage +
                                        "); run with --no-lock to proceed without a lock");
    const std::shared_ptr<s3::Client> s3 = client();
    const std::string mine = stringifyJs(StageLockHolder::thisProcess(operation).toJson(), 0);
    try {
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (s3->putIfAbsent(key, mine))
                return std::make_unique<S3StageLease>(s3, key, mine);
            const std::optional<std::string> held = s3->get(key);
            if (!held)
                continue; // released between the two calls
            const StageLockHolder holder = holderFromObject(*held);
            if (!holder.isStaleOnThisHost() || holder.pid == 0 || attempt > 0)
                throw StageLockedError(holder, app, stage, where);
            if (onWarning)
                onWarning("took over the lock of stage " + app + "/" + stage + " left by pid " +
                          std::to_string(holder.pid) + " on " + holder.host + " since " + holder.since +
                          " (that process no longer exists)");
            s3->remove(key);
        }
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
    throw StageLockedError(StageLockHolder{}, app, stage, where);
}

std::optional<StageLockHolder> S3Source::stageLockHolder(const std::string& app, const std::string& stage) {
    const std::string key = lockKey(app, stage);
    try {
        const std::optional<std::string> held = client()->get(key);
        if (!held)
            return std::nullopt;
        return holderFromObject(*held);
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

bool S3Source::breakStageLock(const std::string& app, const std::string& stage,
                              const StageLockHolder& expected) {
    const std::string key = lockKey(app, stage);
    const std::shared_ptr<s3::Client> s3 = client();
    try {
        const std::optional<std::string> held = s3->get(key);
        if (!held || !holderFromObject(*held).sameAs(expected))
            return false;
        s3->remove(key);
        return true;
    } catch (const http::RemoteError& e) {
        throwRemoteFailure(e);
    }
}

std::filesystem::path S3Source::athanorHome() const {
    return athanorHomeOutsideSource(m_spec);
}

} // namespace athanor

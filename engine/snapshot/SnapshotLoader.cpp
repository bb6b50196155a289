#include "snapshot/SnapshotLoader.h"

#include "snapshot/SecretCount.h"
#include "snapshot/SnapshotTree.h"
#include "state/StateRecord.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/RecordParseDom.h"
#include "store/StoreError.h"

#include "json/JsonNumber.h"
#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace fs = std::filesystem;

namespace athanor {

namespace {

bool isStrictlyInside(const std::string& path, const std::string& base) {
    return path.size() > base.size() && path.compare(0, base.size(), base) == 0 && path[base.size()] == '/';
}

struct Walker {
    StateSnapshot& snap;
    fs::path realRoot;

    int32_t addNode(SnapshotNodeKind kind, std::string name, std::string fqn, int32_t parent) {
        return addSnapshotNode(snap, kind, std::move(name), std::move(fqn), parent);
    }

    int32_t addRecord(std::string relativePath, std::string id, std::string fqn) {
        SnapshotRecord& r = snap.records.emplace_back(); // in place: a record is 300 bytes of members
        r.relativePath = std::move(relativePath);
        r.id = std::move(id);
        r.fqn = std::move(fqn);
        return static_cast<int32_t>(snap.records.size() - 1);
    }

    using IdIndex = std::vector<int32_t>; // resource nodes of one folder, sorted by id (their name)

    struct Listing {
        std::vector<std::string> files; // record file names
        std::vector<std::string> dirs;
    };

    // The walk runs in two passes: the first lists every folder it will visit (kept here by path) and counts
    // their files, so that records and nodes are reserved once at their final size. Grown by doubling, the
    // 300-byte records of a 100,000-record tree were moved ~17 times over and a third of the walk was page
    // faults on freshly grown arrays.
    std::unordered_map<std::string, Listing> listed;
    size_t listedFiles = 0;
    size_t listedDirs = 0;

    void prefetch(const fs::path& dir) {
        Listing listing = list(dir);
        listedFiles += listing.files.size();
        listedDirs += listing.dirs.size();
        for (const auto& sub : listing.dirs)
            prefetch(dir / sub);
        listed.insert_or_assign(dir.native(), std::move(listing));
    }

    // A folder's listing: the first pass's when it made one (each is used once), else read now.
    Listing take(const fs::path& dir) {
        if (auto it = listed.find(dir.native()); it != listed.end()) {
            Listing listing = std::move(it->second);
            listed.erase(it);
            return listing;
        }
        return list(dir);
    }

    // Lists a folder; symlinks are followed only when they stay inside .alchemy. readdir's d_type gives the
    // entry type without a stat per entry (std::filesystem's symlink_status() would lstat every file).
    Listing list(const fs::path& dir) {
        Listing out;
        DIR* d = ::opendir(dir.c_str());
        if (!d) {
            snap.problems.push_back("cannot read folder " + dir.string() + ": " + std::strerror(errno));
            return out;
        }
        const int dfd = ::dirfd(d);
        for (;;) {
            errno = 0;
            const dirent* entry = ::readdir(d);
            if (!entry) {
                if (errno != 0)
                    snap.problems.push_back("cannot read folder " + dir.string() + ": " +
                                            std::strerror(errno));
                break;
            }
            const std::string_view name(entry->d_name);
            if (name.empty() || name.front() == '.')
                continue; // hidden: temp files, .athanor (and "." / "..")
            unsigned char type = entry->d_type;
            if (type == DT_UNKNOWN) // file systems without d_type
                type = typeOf(dfd, entry->d_name, AT_SYMLINK_NOFOLLOW);
            if (type == DT_LNK) {
                const fs::path link = dir / name;
                if (!followable(link))
                    continue;
                type = typeOf(dfd, entry->d_name, 0);
                if (type == DT_DIR && isLoop(dir, link))
                    continue;
            }
            if (type == DT_DIR)
                out.dirs.emplace_back(name);
            else if (type == DT_REG && isRecordFileName(name))
                out.files.emplace_back(name);
        }
        ::closedir(d);
        std::sort(out.dirs.begin(), out.dirs.end()); // files are ordered by id where they are used
        return out;
    }

    static unsigned char typeOf(int dfd, const char* name, int flags) {
        struct stat st {};
        if (::fstatat(dfd, name, &st, flags) != 0)
            return DT_UNKNOWN;
        if (S_ISDIR(st.st_mode))
            return DT_DIR;
        if (S_ISREG(st.st_mode))
            return DT_REG;
        return S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
    }

    bool followable(const fs::path& link) {
        std::error_code ec;
        const std::string target = fs::weakly_canonical(link, ec).string();
        if (ec || !isStrictlyInside(target, realRoot.string())) {
            snap.problems.push_back("ignored symlink " + link.string() + ": it leaves the state root");
            return false;
        }
        return true;
    }

    // A folder link to its own folder or one of its parents would make the walk endless (two such links make
    // it exponential before ELOOP stops it).
    bool isLoop(const fs::path& dir, const fs::path& link) {
        std::error_code ec;
        const std::string target = fs::weakly_canonical(link, ec).string();
        const std::string here = fs::weakly_canonical(dir, ec).string();
        if (here == target || isStrictlyInside(here, target)) {
            snap.problems.push_back("ignored symlink " + link.string() +
                                    ": it points back to its own folder or a parent (a loop)");
            return true;
        }
        return false;
    }

    // One scope level: its records, then its folders. A folder whose path equals a record id holds that
    // resource's nested resources; ids with '/' own multi-level folders ("nested/bundle").
    void walkScope(const fs::path& dir, const std::string& rel, int32_t scopeNode,
                   const std::string& fqnPrefix) {
        Listing listing = take(dir);
        // Children in id order (Alchemy sorts resource names, not file names: "old" < "old-server", although
        // "old-server.json" < "old.json"). The names become ids in place; a file's name is its id's
        // idToFileName() again (the two are inverse for names, which hold no '/').
        std::vector<std::string>& ids = listing.files;
        for (std::string& file : ids)
            file = fileNameToId(file);
        std::sort(ids.begin(), ids.end());
        IdIndex idToNode; // the resource nodes in id order: a binary search replaces a std::map of every id
        idToNode.reserve(ids.size());
        for (std::string& id : ids) {
            std::string fqn;
            fqn.reserve(fqnPrefix.size() + 1 + id.size());
            fqn.append(fqnPrefix).append(1, '/').append(id);
            const int32_t rec = addRecord(rel + "/" + idToFileName(id), id, fqn);
            const int32_t node =
                addNode(SnapshotNodeKind::Resource, std::move(id), std::move(fqn), scopeNode);
            snap.nodes[static_cast<size_t>(node)].record = rec;
            idToNode.push_back(node);
        }
        for (const auto& sub : listing.dirs)
            attachFolder(dir / sub, rel + "/" + sub, sub, scopeNode, fqnPrefix, idToNode);
    }

    void attachFolder(const fs::path& dir, const std::string& rel, const std::string& relId,
                      int32_t scopeNode, const std::string& fqnPrefix, const IdIndex& idToNode) {
        const auto idOf = [&](int32_t node) -> const std::string& {
            return snap.nodes[static_cast<size_t>(node)].name; // a resource node's name is its id
        };
        const auto lowerBound = [&](const std::string& key) {
            return std::lower_bound(idToNode.begin(), idToNode.end(), key,
                                    [&](int32_t node, const std::string& k) { return idOf(node) < k; });
        };
        if (auto it = lowerBound(relId); it != idToNode.end() && idOf(*it) == relId) {
            walkScope(dir, rel, *it, fqnPrefix + "/" + relId);
            return;
        }
        const std::string prefix = relId + "/";
        auto candidate = lowerBound(prefix);
        const bool partOfAnId =
            candidate != idToNode.end() && idOf(*candidate).compare(0, prefix.size(), prefix) == 0;
        if (partOfAnId) {
            Listing listing = take(dir);
            if (listing.files.empty()) {
                for (const auto& sub : listing.dirs)
                    attachFolder(dir / sub, rel + "/" + sub, prefix + sub, scopeNode, fqnPrefix, idToNode);
                return;
            }
            listed.insert_or_assign(dir.native(), std::move(listing)); // walkScope() takes it again
        }
        // A child scope folder without its own record (or whose record lives elsewhere).
        const int32_t node = addNode(SnapshotNodeKind::Scope, relId, fqnPrefix + "/" + relId, scopeNode);
        walkScope(dir, rel, node, fqnPrefix + "/" + relId);
    }

    // The first pass over an app: the folders walkApp() will visit.
    void prefetchApp(const std::string& app, const SnapshotOptions& options) {
        const fs::path appDir = snap.layout.dotAlchemy / app;
        Listing listing = list(appDir);
        listedFiles += listing.files.size();
        for (const auto& stage : listing.dirs)
            if (options.stage.empty() || stage == options.stage)
                prefetch(appDir / stage);
        listedDirs += listing.dirs.size() + listing.files.size(); // stage nodes (a stage may be a file only)
        listed.insert_or_assign(appDir.native(), std::move(listing));
    }

    void walkApp(const std::string& app, const SnapshotOptions& options) {
        const fs::path appDir = snap.layout.dotAlchemy / app;
        const int32_t appNode = addNode(SnapshotNodeKind::App, app, app, 0);
        Listing listing = take(appDir);
        std::sort(listing.files.begin(), listing.files.end());
        std::map<std::string, int32_t> stageNodes;
        auto stageNode = [&](const std::string& stage) {
            auto it = stageNodes.find(stage);
            if (it != stageNodes.end())
                return it->second;
            const int32_t node = addNode(SnapshotNodeKind::Stage, stage, app + "/" + stage, appNode);
            stageNodes.emplace(stage, node);
            return node;
        };
        std::vector<std::string> stages = listing.dirs;
        for (const auto& file : listing.files)
            stages.push_back(fileNameToId(file));
        std::sort(stages.begin(), stages.end());
        stages.erase(std::unique(stages.begin(), stages.end()), stages.end());
        for (const auto& stage : stages) {
            if (!options.stage.empty() && stage != options.stage)
                continue;
            const int32_t node = stageNode(stage);
            // The stage's own record (scope data such as pendingDeletions) lives beside its folder.
            if (std::binary_search(listing.files.begin(), listing.files.end(), idToFileName(stage)))
                snap.nodes[static_cast<size_t>(node)].record =
                    addRecord(app + "/" + idToFileName(stage), stage, app + "/" + stage);
            if (std::binary_search(listing.dirs.begin(), listing.dirs.end(), stage))
                walkScope(appDir / stage, app + "/" + stage, node, app + "/" + stage);
        }
    }
};

// Reads .alchemy/<relativePath> into `buffer` (followed by simdjson's padding); returns errno or 0. Opening
// relative to the .alchemy folder's descriptor spares the kernel the lookup of every parent folder per file.
int readInto(int rootFd, const std::string& relativePath, std::vector<char>& buffer, size_t& size,
             SnapshotRecord& r) {
    const int fd = ::openat(rootFd, relativePath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        return e;
    }
    r.fileSize = static_cast<uint64_t>(st.st_size);
    r.modifiedNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
    const size_t expected = static_cast<size_t>(std::max<off_t>(st.st_size, 0));
    size = 0;
    for (;;) {
        if (buffer.size() < size + expected + 4096 + simdjson::SIMDJSON_PADDING)
            buffer.resize(std::max(buffer.size() * 2, size + expected + 4096 + simdjson::SIMDJSON_PADDING));
        const ssize_t n = ::read(fd, buffer.data() + size, buffer.size() - size - simdjson::SIMDJSON_PADDING);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return e;
        }
        size += static_cast<size_t>(n);
        // The file as fstat saw it is complete: skip the extra read() that would only report end of file.
        if (n == 0 || (expected > 0 && size == expected))
            break;
    }
    ::close(fd);
    return 0;
}

std::string stringAt(simdjson::dom::object& o, std::string_view key) {
    std::string_view v;
    if (o[key].get_string().get(v) == simdjson::SUCCESS)
        return std::string(v);
    return {};
}

constexpr std::string_view kKindSymbol = "Symbol(alchemy::ResourceKind)";
constexpr std::string_view kIdSymbol = "Symbol(alchemy::ResourceID)";
constexpr std::string_view kFqnSymbol = "Symbol(alchemy::ResourceFQN)";

// data.pendingDeletions[*].resource names the old copy by its output's symbol keys.
std::vector<PendingDeletion> pendingDeletionsOf(simdjson::dom::object& record) {
    std::vector<PendingDeletion> out;
    simdjson::dom::array list;
    if (record.at_pointer("/data/pendingDeletions").get_array().get(list) != simdjson::SUCCESS)
        return out;
    for (auto entry : list) {
        PendingDeletion p;
        simdjson::dom::object resource;
        if (entry["resource"].get_object().get(resource) == simdjson::SUCCESS) {
            p.kind = stringAt(resource, kKindSymbol);
            p.id = stringAt(resource, kIdSymbol);
            p.fqn = stringAt(resource, kFqnSymbol);
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<PendingDeletion> pendingDeletionsOf(const Json& doc) {
    std::vector<PendingDeletion> out;
    const auto data = doc.find("data");
    if (data == doc.end() || !data->is_object())
        return out;
    const auto list = data->find("pendingDeletions");
    if (list == data->end() || !list->is_array())
        return out;
    for (const Json& entry : *list) {
        PendingDeletion p;
        if (entry.is_object())
            if (const auto resource = entry.find("resource");
                resource != entry.end() && resource->is_object()) {
                const auto text = [&](std::string_view key) {
                    const auto it = resource->find(key);
                    return it != resource->end() && it->is_string() ? it->get<std::string>() : std::string();
                };
                p.kind = text(kKindSymbol);
                p.id = text(kIdSymbol);
                p.fqn = text(kFqnSymbol);
            }
        out.push_back(std::move(p));
    }
    return out;
}

// The summary from a document the reference parser read (the rare texts simdjson refuses).
void summarizeParsed(const Json& doc, SnapshotRecord& r) {
    if (!doc.is_object()) {
        r.error = "the record is not a JSON object";
        return;
    }
    const auto text = [&doc](const char* key) {
        auto it = doc.find(key);
        return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    r.kind = text("kind");
    if (r.kind.empty()) {
        r.kind = text("provider");
        r.legacyShape = !r.kind.empty();
    }
    r.recordId = text("id");
    r.recordFqn = text("fqn");
    r.status = text("status");
    if (auto it = doc.find("seq"); it != doc.end())
        r.seq = saturatingInt64(*it);
    r.hasOldProps = doc.contains("oldProps");
    r.secretCount = countSecretTags(doc);
    r.pendingDeletions = pendingDeletionsOf(doc);
}

void summarizeElement(simdjson::dom::element& root, SnapshotRecord& r);

void summarize(int rootFd, std::vector<char>& buffer, simdjson::dom::parser& parser, SnapshotRecord& r,
               const RecordTextVisitor& visit) {
    size_t size = 0;
    if (const int error = readInto(rootFd, r.relativePath, buffer, size, r); error != 0) {
        r.error = std::string("cannot read: ") + std::strerror(error);
        return;
    }
    const std::string_view text(buffer.data(), size);
    simdjson::dom::element root;
    if (parser.parse(buffer.data(), size, false).get(root) != simdjson::SUCCESS) {
        // Only on this path: nlohmann gives a message with line and column, and the reference parser accepts
        // what simdjson does not but JSON.stringify writes (a lone surrogate escape).
        try {
            summarizeParsed(parseJsonText(text), r);
        } catch (const JsonParseError& e) {
            r.error = e.what();
        }
        if (visit)
            visit(r, text, nullptr);
        return;
    }
    summarizeElement(root, r);
    if (visit)
        visit(r, text, &root);
}

void summarizeElement(simdjson::dom::element& root, SnapshotRecord& r) {
    simdjson::dom::object o;
    if (root.get_object().get(o) != simdjson::SUCCESS) {
        r.error = "the record is not a JSON object";
        return;
    }
    r.kind = stringAt(o, "kind");
    if (r.kind.empty()) {
        r.kind = stringAt(o, "provider");
        r.legacyShape = !r.kind.empty();
    }
    r.recordId = stringAt(o, "id");
    r.recordFqn = stringAt(o, "fqn");
    r.status = stringAt(o, "status");
    int64_t seq = 0;
    double seqDouble = 0;
    if (o["seq"].get_int64().get(seq) == simdjson::SUCCESS)
        r.seq = seq;
    else if (o["seq"].get_double().get(seqDouble) == simdjson::SUCCESS)
        r.seq = saturatingInt64(seqDouble); // an integer over 2^63, or 1e300
    simdjson::dom::element unused;
    r.hasOldProps = o["oldProps"].get(unused) == simdjson::SUCCESS;
    r.secretCount = countSecretTags(root);
    r.pendingDeletions = pendingDeletionsOf(o);
}

} // namespace

void summarizeRecordDocument(const Json& doc, SnapshotRecord& r) {
    summarizeParsed(doc, r);
}

std::vector<PendingDeletion> pendingDeletionsOfRecord(const Json& record) {
    return pendingDeletionsOf(record);
}

namespace {

// A staged scan's tree is published before the records are read; finishing it may still move nodes (a
// record whose id holds a '\\', a naked scope without a folder of its own), which only a copy may do.
bool finishingChangesTree(const StateSnapshot& snap) {
    for (const SnapshotRecord& r : snap.records)
        if (r.ok() && r.recordId.find('\\') != std::string::npos)
            return true;
    for (const SnapshotNode& node : snap.nodes)
        if (node.kind == SnapshotNodeKind::Resource && node.record >= 0 &&
            snap.records[static_cast<size_t>(node.record)].kind == kScopeKind)
            return true;
    return false;
}

} // namespace

std::shared_ptr<StateSnapshot> scanStateFolder(const DotAlchemyLayout& layout, const SnapshotOptions& options,
                                               const LoadProgress& progress, std::stop_token cancel) {
    auto snap = std::make_shared<StateSnapshot>();
    snap->layout = layout;
    snap->nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, ".alchemy", "", -1, -1, {}});
    std::error_code ec;
    snap->stateFolderExists = fs::is_directory(snap->layout.dotAlchemy, ec);
    const bool staged = static_cast<bool>(options.treeWalked);
    if (!snap->stateFolderExists) {
        if (staged)
            options.treeWalked(snap);
        return snap;
    }

    Walker walker{*snap, fs::weakly_canonical(snap->layout.dotAlchemy, ec), {}, 0, 0};
    std::vector<std::string> apps;
    for (auto& app : walker.list(snap->layout.dotAlchemy).dirs)
        if (!isReservedTopLevelName(app) && (options.app.empty() || app == options.app))
            apps.push_back(std::move(app));
    for (const auto& app : apps) {
        if (cancel.stop_requested())
            throw LoadCancelled();
        walker.prefetchApp(app, options);
    }
    // Every record file is a record; every folder, app, stage and record at most a node.
    snap->records.reserve(walker.listedFiles);
    snap->nodes.reserve(snap->nodes.size() + apps.size() + walker.listedDirs + walker.listedFiles);
    for (const auto& app : apps) {
        if (cancel.stop_requested())
            throw LoadCancelled();
        walker.walkApp(app, options);
    }

    // An app's files that are no stage's record are reserved but not used: give that back (the records hold
    // only short names yet, so a move is cheap).
    if (snap->records.capacity() - snap->records.size() > snap->records.size() / 16)
        snap->records.shrink_to_fit();
    // Chains and FQN order need only the walk: taken now, files are then read in FQN order (neighbours in
    // the same folder) and a staged scan can show the tree before reading them.
    assignRecordChains(*snap);
    sortRecordsByFqn(*snap);

    auto& records = snap->records;
    const size_t total = records.size();
    const int rootFd = ::open(snap->layout.dotAlchemy.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootFd < 0 && !records.empty())
        snap->problems.push_back("cannot open " + snap->layout.dotAlchemy.string() + ": " +
                                 std::strerror(errno));
    // Which records a reader has taken: each is summarised by exactly one thread, once.
    std::unique_ptr<std::atomic<bool>[]> taken(new std::atomic<bool>[total]());
    const auto summarizeGuarded = [&](size_t i, std::vector<char>& buffer, simdjson::dom::parser& parser) {
        try {
            summarize(rootFd, buffer, parser, records[i], options.visitRecordText);
        } catch (const std::exception& e) { // out of memory: that file's error, never the whole tree's
            records[i].error = e.what();
        }
    };

    std::mutex filledMutex;
    std::vector<int32_t> filled; // summarised, not announced yet
    size_t done = 0;             // under filledMutex
    if (staged) {
        // The records that hold nodes are read first: a naked scope's record makes its node a scope.
        simdjson::dom::parser parser = newRecordDomParser();
        std::vector<char> buffer(65536 + simdjson::SIMDJSON_PADDING);
        for (SnapshotNode& node : snap->nodes) {
            if (node.kind != SnapshotNodeKind::Resource || node.record < 0 || node.children.empty())
                continue;
            const auto i = static_cast<size_t>(node.record);
            taken[i].store(true, std::memory_order_relaxed);
            summarizeGuarded(i, buffer, parser);
            if (records[i].kind == kScopeKind)
                node.kind = SnapshotNodeKind::Scope;
            filled.push_back(node.record);
        }
        done = filled.size();
        options.treeWalked(snap);
        if (options.recordsFilled)
            options.recordsFilled(std::exchange(filled, {}));
    }

    // Read and summarize every record file, split over a few threads (small files: syscalls dominate).
    // Threads take chunks of neighbouring records (same folder) from a counter; the calling thread reports.
    if (progress)
        progress(done, total);
    unsigned threads =
        options.threads ? options.threads : std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, total / 64)));
    constexpr size_t kChunk = 64;
    std::atomic<size_t> next{0};
    const auto batchInterval = std::chrono::milliseconds(std::max(1, options.fillBatchMs));
    auto lastBatch = std::chrono::steady_clock::now();
    auto work = [&](bool reports) {
        simdjson::dom::parser parser = newRecordDomParser();
        std::vector<char> buffer(65536 + simdjson::SIMDJSON_PADDING);
        std::vector<int32_t> mine;
        for (;;) {
            if (cancel.stop_requested())
                return;
            mine.clear();
            if (options.readFirst) {
                const int32_t wanted = options.readFirst->exchange(-1);
                if (wanted >= 0 && static_cast<size_t>(wanted) < total &&
                    !taken[static_cast<size_t>(wanted)].exchange(true)) {
                    summarizeGuarded(static_cast<size_t>(wanted), buffer, parser);
                    mine.push_back(wanted);
                }
            }
            const size_t begin = next.fetch_add(kChunk);
            const size_t end = std::min(total, begin + kChunk);
            for (size_t i = begin; i < end; ++i) {
                if (taken[i].exchange(true))
                    continue;
                summarizeGuarded(i, buffer, parser);
                mine.push_back(static_cast<int32_t>(i));
            }
            if (mine.empty() && begin >= total)
                return;
            std::vector<int32_t> batch;
            size_t finished = 0;
            {
                const std::lock_guard lock(filledMutex);
                done += mine.size();
                finished = done;
                if (staged)
                    filled.insert(filled.end(), mine.begin(), mine.end());
                if (reports && staged && options.recordsFilled &&
                    std::chrono::steady_clock::now() - lastBatch >= batchInterval) {
                    batch = std::exchange(filled, {});
                    lastBatch = std::chrono::steady_clock::now();
                }
            }
            if (!batch.empty())
                options.recordsFilled(std::move(batch));
            if (reports && progress)
                progress(finished, total);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(work, false);
    work(true);
    for (auto& th : pool)
        th.join();
    if (rootFd >= 0)
        ::close(rootFd);
    if (cancel.stop_requested())
        throw LoadCancelled();
    if (staged && options.recordsFilled && !filled.empty())
        options.recordsFilled(std::exchange(filled, {}));
    if (progress)
        progress(total, total);

    if (!staged) {
        finishSnapshotTree(*snap);
        return snap;
    }
    if (!finishingChangesTree(*snap))
        return snap;
    auto finished = std::make_shared<StateSnapshot>(*snap);
    finishSnapshotTree(*finished);
    return finished;
}

} // namespace athanor

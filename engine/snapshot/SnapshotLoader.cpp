#include "snapshot/SnapshotLoader.h"

#include "json/JsonParse.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"

// simdjson's inline code trips GCC 12's dangling-pointer analysis; the warnings are in the library.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

struct Walker {
    StateSnapshot& snap;
    fs::path realRoot;

    int32_t addNode(SnapshotNodeKind kind, std::string name, std::string fqn, int32_t parent) {
        SnapshotNode node;
        node.kind = kind;
        node.name = std::move(name);
        node.fqn = std::move(fqn);
        node.parent = parent;
        const auto index = static_cast<int32_t>(snap.nodes.size());
        snap.nodes.push_back(std::move(node));
        if (parent >= 0)
            snap.nodes[static_cast<size_t>(parent)].children.push_back(index);
        return index;
    }

    int32_t addRecord(const std::string& relativePath, std::string id, std::string fqn) {
        SnapshotRecord r;
        r.relativePath = relativePath;
        r.id = std::move(id);
        r.fqn = std::move(fqn);
        snap.records.push_back(std::move(r));
        return static_cast<int32_t>(snap.records.size() - 1);
    }

    struct Listing {
        std::vector<std::string> files; // record file names
        std::vector<std::string> dirs;
    };

    // Lists a folder; symlinks are followed only when they stay inside .alchemy.
    Listing list(const fs::path& dir) {
        Listing out;
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) {
            snap.problems.push_back("cannot read folder " + dir.string() + ": " + ec.message());
            return out;
        }
        for (const auto& entry : it) {
            const std::string name = entry.path().filename().string();
            if (name.empty() || name.front() == '.')
                continue; // hidden: temp files, .athanor
            std::error_code tec;
            auto type = entry.symlink_status(tec).type();
            if (type == fs::file_type::symlink) {
                const fs::path target = fs::weakly_canonical(entry.path(), tec);
                const std::string t = target.string(), r = realRoot.string();
                if (tec || !(t.size() > r.size() && t.compare(0, r.size(), r) == 0 && t[r.size()] == '/')) {
                    snap.problems.push_back("ignored symlink " + entry.path().string() + ": it leaves the state root");
                    continue;
                }
                type = fs::status(entry.path(), tec).type();
            }
            if (type == fs::file_type::directory)
                out.dirs.push_back(name);
            else if (type == fs::file_type::regular && isRecordFileName(name))
                out.files.push_back(name);
        }
        std::sort(out.files.begin(), out.files.end());
        std::sort(out.dirs.begin(), out.dirs.end());
        return out;
    }

    // One scope level: its records, then its folders. A folder whose path equals a record id holds that
    // resource's nested resources; ids with '/' own multi-level folders ("nested/bundle").
    void walkScope(const fs::path& dir, const std::string& rel, int32_t scopeNode, const std::string& fqnPrefix) {
        Listing listing = list(dir);
        std::map<std::string, int32_t> idToNode;
        for (const auto& file : listing.files) {
            std::string id = fileNameToId(file);
            const int32_t rec = addRecord(rel + "/" + file, id, fqnPrefix + "/" + id);
            const int32_t node = addNode(SnapshotNodeKind::Resource, id, fqnPrefix + "/" + id, scopeNode);
            snap.nodes[static_cast<size_t>(node)].record = rec;
            idToNode.emplace(std::move(id), node);
        }
        for (const auto& sub : listing.dirs)
            attachFolder(dir / sub, rel + "/" + sub, sub, scopeNode, fqnPrefix, idToNode);
    }

    void attachFolder(const fs::path& dir, const std::string& rel, const std::string& relId, int32_t scopeNode,
                      const std::string& fqnPrefix, const std::map<std::string, int32_t>& idToNode) {
        if (auto it = idToNode.find(relId); it != idToNode.end()) {
            walkScope(dir, rel, it->second, fqnPrefix + "/" + relId);
            return;
        }
        const std::string prefix = relId + "/";
        auto candidate = idToNode.lower_bound(prefix);
        const bool partOfAnId = candidate != idToNode.end() && candidate->first.compare(0, prefix.size(), prefix) == 0;
        if (partOfAnId) {
            Listing listing = list(dir);
            if (listing.files.empty()) {
                for (const auto& sub : listing.dirs)
                    attachFolder(dir / sub, rel + "/" + sub, prefix + sub, scopeNode, fqnPrefix, idToNode);
                return;
            }
        }
        // A child scope folder without its own record (or whose record lives elsewhere).
        const int32_t node = addNode(SnapshotNodeKind::Scope, relId, fqnPrefix + "/" + relId, scopeNode);
        walkScope(dir, rel, node, fqnPrefix + "/" + relId);
    }

    void walkApp(const std::string& app, const SnapshotOptions& options) {
        const fs::path appDir = snap.layout.dotAlchemy / app;
        const int32_t appNode = addNode(SnapshotNodeKind::App, app, app, 0);
        Listing listing = list(appDir);
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

// Reads a file into `buffer` (with simdjson's padding); returns errno or 0.
int readInto(const fs::path& path, std::vector<char>& buffer, size_t& size, SnapshotRecord& r) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
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
    size = 0;
    for (;;) {
        if (buffer.size() < size + 65536 + simdjson::SIMDJSON_PADDING)
            buffer.resize(std::max(buffer.size() * 2, size + 65536 + simdjson::SIMDJSON_PADDING));
        const ssize_t n = ::read(fd, buffer.data() + size, buffer.size() - size - simdjson::SIMDJSON_PADDING);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            return e;
        }
        if (n == 0)
            break;
        size += static_cast<size_t>(n);
    }
    ::close(fd);
    return 0;
}

uint32_t countSecrets(simdjson::dom::element e) {
    uint32_t n = 0;
    simdjson::dom::object object;
    simdjson::dom::array array;
    if (e.get_object().get(object) == simdjson::SUCCESS) {
        for (auto field : object) {
            if (field.key == "@secret")
                ++n;
            else
                n += countSecrets(field.value);
        }
    } else if (e.get_array().get(array) == simdjson::SUCCESS) {
        for (auto child : array)
            n += countSecrets(child);
    }
    return n;
}

std::string stringAt(simdjson::dom::object& o, std::string_view key) {
    std::string_view v;
    if (o[key].get_string().get(v) == simdjson::SUCCESS)
        return std::string(v);
    return {};
}

void summarize(const fs::path& file, std::vector<char>& buffer, simdjson::dom::parser& parser, SnapshotRecord& r) {
    size_t size = 0;
    if (const int error = readInto(file, buffer, size, r); error != 0) {
        r.error = std::string("cannot read: ") + std::strerror(error);
        return;
    }
    simdjson::dom::element root;
    if (parser.parse(buffer.data(), size, false).get(root) != simdjson::SUCCESS) {
        // Only on the error path: nlohmann gives a message with line and column.
        try {
            parseJsonText(std::string_view(buffer.data(), size));
            r.error = "invalid JSON";
        } catch (const JsonParseError& e) {
            r.error = e.what();
        }
        return;
    }
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
    r.recordFqn = stringAt(o, "fqn");
    r.status = stringAt(o, "status");
    int64_t seq = 0;
    double seqDouble = 0;
    if (o["seq"].get_int64().get(seq) == simdjson::SUCCESS)
        r.seq = seq;
    else if (o["seq"].get_double().get(seqDouble) == simdjson::SUCCESS)
        r.seq = static_cast<int64_t>(seqDouble);
    simdjson::dom::element unused;
    r.hasOldProps = o["oldProps"].get(unused) == simdjson::SUCCESS;
    r.secretCount = countSecrets(root);
}

} // namespace

std::shared_ptr<const StateSnapshot> loadSnapshot(const fs::path& projectOrDotAlchemy, const SnapshotOptions& options) {
    auto snap = std::make_shared<StateSnapshot>();
    snap->layout = DotAlchemyLayout::locate(projectOrDotAlchemy);
    snap->nodes.push_back(SnapshotNode{SnapshotNodeKind::Root, ".alchemy", "", -1, -1, {}});
    std::error_code ec;
    snap->stateFolderExists = fs::is_directory(snap->layout.dotAlchemy, ec);
    if (!snap->stateFolderExists)
        return snap;

    Walker walker{*snap, fs::weakly_canonical(snap->layout.dotAlchemy, ec)};
    for (const auto& app : walker.list(snap->layout.dotAlchemy).dirs) {
        if (isReservedTopLevelName(app) || (!options.app.empty() && app != options.app))
            continue;
        walker.walkApp(app, options);
    }

    // Read and summarize every record file, split over a few threads (small files: syscalls dominate).
    auto& records = snap->records;
    unsigned threads = options.threads ? options.threads : std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, records.size() / 64)));
    auto work = [&](size_t begin, size_t end) {
        simdjson::dom::parser parser;
        std::vector<char> buffer(65536 + simdjson::SIMDJSON_PADDING);
        for (size_t i = begin; i < end; ++i)
            summarize(snap->layout.dotAlchemy / records[i].relativePath, buffer, parser, records[i]);
    };
    if (threads <= 1) {
        work(0, records.size());
    } else {
        std::vector<std::thread> pool;
        const size_t chunk = (records.size() + threads - 1) / threads;
        for (unsigned t = 0; t < threads; ++t) {
            const size_t begin = t * chunk, end = std::min(records.size(), begin + chunk);
            if (begin < end)
                pool.emplace_back(work, begin, end);
        }
        for (auto& th : pool)
            th.join();
    }

    // Naked scopes are records too, but show as scopes.
    for (auto& node : snap->nodes)
        if (node.kind == SnapshotNodeKind::Resource && node.record >= 0 &&
            records[static_cast<size_t>(node.record)].kind == "alchemy::Scope")
            node.kind = SnapshotNodeKind::Scope;

    // Sort records by FQN and remap the nodes' indexes.
    std::vector<int32_t> order(records.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return records[static_cast<size_t>(a)].fqn < records[static_cast<size_t>(b)].fqn;
    });
    std::vector<int32_t> newIndex(records.size());
    std::vector<SnapshotRecord> sorted;
    sorted.reserve(records.size());
    for (size_t i = 0; i < order.size(); ++i) {
        newIndex[static_cast<size_t>(order[i])] = static_cast<int32_t>(i);
        sorted.push_back(std::move(records[static_cast<size_t>(order[i])]));
    }
    records = std::move(sorted);
    for (auto& node : snap->nodes)
        if (node.record >= 0)
            node.record = newIndex[static_cast<size_t>(node.record)];
    return snap;
}

} // namespace athanor

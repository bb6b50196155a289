#include "lifecycle/StateScan.h"

#include "snapshot/SnapshotLoader.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/StateSource.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <thread>

namespace fs = std::filesystem;

namespace athanor {

std::vector<ScannedRecord> scanRecords(const DotAlchemyLayout& layout, const std::string& folder) {
    std::vector<ScannedRecord> out;
    std::error_code ec;
    const fs::path top = layout.dotAlchemy / folder;
    if (!fs::is_directory(fs::symlink_status(top, ec)))
        return out;
    for (fs::recursive_directory_iterator it(top, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
            if (it->is_directory(ec))
                it.disable_recursion_pending(); // Athanor's own folders, never state
            continue;
        }
        const auto status = it->symlink_status(ec);
        if (fs::is_symlink(status)) {
            it.disable_recursion_pending();
            if (!fs::is_regular_file(it->status(ec)))
                continue; // a linked folder is not entered; a linked record is read (inside the root only)
        } else if (!fs::is_regular_file(status)) {
            continue;
        }
        if (!isRecordFileName(name))
            continue;
        ScannedRecord r;
        r.relativePath = it->path().lexically_relative(layout.dotAlchemy).generic_string();
        out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(),
              [](const ScannedRecord& a, const ScannedRecord& b) { return a.relativePath < b.relativePath; });

    const auto readOne = [&](ScannedRecord& r) {
        try {
            const std::optional<std::string> text = readFileContained(layout.dotAlchemy, r.relativePath);
            if (!text) {
                r.unreadable = "the file disappeared";
            } else {
                Json doc = parseRecordText(*text);
                if (!doc.is_object())
                    throw JsonParseError("the record is not a JSON object");
                r.record.emplace(std::move(doc));
                r.placement = placeRecord(r.relativePath, *r.record);
                return;
            }
        } catch (const std::exception& e) {
            r.unreadable = e.what();
        }
        r.placement = placeRecord(r.relativePath, std::nullopt, std::nullopt, false);
    };
    // Small files: the syscalls dominate, so a few threads help; small scans are not worth one.
    const size_t threads = std::min<size_t>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())),
                                            (out.size() + 63) / 64);
    if (threads <= 1) {
        for (auto& r : out)
            readOne(r);
        return out;
    }
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < out.size();)
            readOne(out[i]);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    return out;
}

std::vector<ScannedRecord> scanSourceRecords(StateSource& source, const std::vector<std::string>& chain) {
    std::vector<ScannedRecord> out;
    SnapshotOptions options;
    if (!chain.empty())
        options.app = chain[0];
    if (chain.size() > 1)
        options.stage = chain[1];
    if (!chain.empty())
        options.knownApps = {chain[0]};
    const auto snap = loadSnapshot(source, options);
    for (const SnapshotRecord& r : snap->records) {
        if (r.chain.size() < chain.size() || !std::equal(chain.begin(), chain.end(), r.chain.begin()))
            continue;
        ScannedRecord found;
        found.relativePath = recordPath(r.chain, r.id);
        found.location = source.recordLocation(r.chain, r.id);
        try {
            if (!r.ok())
                throw std::runtime_error(r.error);
            const auto text = source.readRecordText(r.chain, r.id);
            if (!text)
                throw std::runtime_error("the record disappeared");
            found.record = StateRecord(parseJsonText(*text));
            found.placement = placeRecord(found.relativePath, *found.record);
        } catch (const std::exception& e) {
            found.unreadable = e.what();
            found.record.reset();
            found.placement = placeRecord(found.relativePath, std::optional<std::string>(r.id),
                                          std::optional<std::string>(), true);
        }
        out.push_back(std::move(found));
    }
    std::sort(out.begin(), out.end(),
              [](const ScannedRecord& a, const ScannedRecord& b) { return a.relativePath < b.relativePath; });
    return out;
}

} // namespace athanor

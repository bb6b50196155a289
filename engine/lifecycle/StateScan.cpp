#include "lifecycle/StateScan.h"

#include "snapshot/SnapshotLoader.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/StateSource.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

namespace fs = std::filesystem;

namespace athanor {

std::vector<ScannedRecord> scanRecords(const DotAlchemyLayout& layout, const std::string& folder) {
    std::vector<ScannedRecord> out;
    std::error_code ec;
    const fs::path top = layout.dotAlchemy / folder;
    if (!fs::is_directory(fs::symlink_status(top, ec)))
        return out;
    // The entries' types come from the listing itself (d_type): a stat only for a symlink.
    for (fs::recursive_directory_iterator it(top, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!name.empty() && name.front() == '.') {
            if (it->is_directory(ec))
                it.disable_recursion_pending(); // Athanor's own folders, never state
            continue;
        }
        if (it->is_symlink(ec)) {
            it.disable_recursion_pending();
            if (!it->is_regular_file(ec))
                continue; // a linked folder is not entered; a linked record is read (inside the root only)
        } else if (!it->is_regular_file(ec)) {
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

    // Work items: up to 64 records of one folder, read through that folder opened once (checked for
    // containment once, as readFileContained() does for each file) instead of walking its path per record.
    struct Item {
        std::string folder; // relative to .alchemy
        std::vector<size_t> records;
    };
    std::map<std::string, std::vector<size_t>> byFolder;
    for (size_t i = 0; i < out.size(); ++i) {
        const size_t slash = out[i].relativePath.rfind('/');
        byFolder[slash == std::string::npos ? std::string() : out[i].relativePath.substr(0, slash)].push_back(
            i);
    }
    std::vector<Item> items;
    for (auto& [path, records] : byFolder)
        for (size_t first = 0; first < records.size(); first += 64)
            items.push_back({path, std::vector<size_t>(records.begin() + static_cast<std::ptrdiff_t>(first),
                                                       records.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                                             first + 64, records.size())))});

    const auto parse = [&](ScannedRecord& r, const std::optional<std::string>& text) {
        try {
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
    const auto openFolder = [&](const Item& item, std::string& error) -> std::optional<ContainedDir> {
        try {
            return ContainedDir::openIfExists(layout.dotAlchemy, item.folder);
        } catch (const std::exception& e) {
            error = e.what();
            return std::nullopt;
        }
    };
    const auto readItem = [&](const Item& item) {
        std::string folderError;
        const std::optional<ContainedDir> dir = openFolder(item, folderError);
        for (size_t index : item.records) {
            ScannedRecord& r = out[index];
            if (!folderError.empty()) {
                r.unreadable = folderError;
                r.placement = placeRecord(r.relativePath, std::nullopt, std::nullopt, false);
                continue;
            }
            std::optional<std::string> text;
            try {
                if (dir)
                    text = readFileInDir(dir->fd(), dir->path(), layout.dotAlchemy,
                                         r.relativePath.substr(r.relativePath.rfind('/') + 1));
            } catch (const std::exception& e) {
                r.unreadable = e.what();
                r.placement = placeRecord(r.relativePath, std::nullopt, std::nullopt, false);
                continue;
            }
            parse(r, text);
        }
    };
    // Small files: the syscalls dominate, so a few threads help; small scans are not worth one.
    const size_t threads = std::min<size_t>(std::max(1u, std::min(8u, std::thread::hardware_concurrency())),
                                            std::min(items.size(), (out.size() + 63) / 64));
    if (threads <= 1) {
        for (const Item& item : items)
            readItem(item);
        return out;
    }
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < items.size();)
            readItem(items[i]);
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

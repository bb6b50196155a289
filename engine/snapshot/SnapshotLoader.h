#pragma once

#include "snapshot/StateSnapshot.h"
#include "store/StateSource.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

namespace simdjson::dom {
class element;
} // namespace simdjson::dom

namespace athanor {

// Called by a folder scan's reader threads (concurrently) once for every record file read, after its summary:
// the record (`error` set when it could not be used), the file's text, and simdjson's parse of it (null when
// simdjson refused the text). What needs every record's whole text (`state check`) looks at it here instead
// of reading each file a second time.
using RecordTextVisitor = std::function<void(const SnapshotRecord& record, std::string_view text,
                                             const simdjson::dom::element* parsed)>;

struct SnapshotOptions {
    std::string app;      // only this app (empty: all)
    std::string stage;    // only this stage (empty: all)
    unsigned threads = 0; // reader threads; 0 = one per core (at most 8)
    // The apps to load from a source that cannot list its apps (StateSource::listsApps() false).
    std::vector<std::string> knownApps = {};
    // Folder sources only (scanStateFolder); other sources never call it.
    RecordTextVisitor visitRecordText = {};

    // Folder sources only: the tree before the records (a GUI shows it while the files are read). Set, the
    // scan calls `treeWalked` once the folders are walked, before any other file is read: every node, every
    // record's id, FQN, chain and file, records sorted by FQN; only the records that hold nodes (naked
    // scopes, owners of nested resources, whose kind decides their node's) are summarised yet. It then calls
    // `recordsFilled` with the indexes of records summarised since (the walked ones first, then a batch at
    // most every `fillBatchMs`, from the scan's own thread). A record is written by the scan only before its
    // index is announced; nothing else of the walked snapshot is written after `treeWalked`. The scan returns
    // that snapshot, complete — or, when a record's own id or a folderless naked scope changes the tree
    // (finishSnapshotTree), a finished copy (rare: ids with '\\').
    // (The hook may complete the snapshot's `source` before it shares it: loadSnapshot() does.)
    std::function<void(const std::shared_ptr<StateSnapshot>&)> treeWalked = {};
    std::function<void(std::vector<int32_t> records)> recordsFilled = {};
    int fillBatchMs = 100;
    // A staged scan reads this record (an index into the walked snapshot's records; -1: none) before the
    // others it has not read yet: what the user selected. The scan takes it by exchanging -1 in.
    std::atomic<int32_t>* readFirst = nullptr;
};

// The one entry point for a whole tree: every record of `source`, summarised, in a scope tree. Safe to call
// from any thread. A record that cannot be read or parsed becomes a record with `error` set; everything
// else still loads. Throws SourceUnavailableError when the source cannot be read at all, LoadCancelled when
// `cancel` is requested.
std::shared_ptr<const StateSnapshot> loadSnapshot(StateSource& source, const SnapshotOptions& options = {},
                                                  const LoadProgress& progress = {},
                                                  std::stop_token cancel = {});

// loadSnapshot() of the source a folder holds: its .alchemy folder, or its .alchemy/state.sqlite when it
// holds no record files (openStateSource(resolveSourceSpec(SourceSpec::folder(path)))).
std::shared_ptr<const StateSnapshot> loadSnapshot(const std::filesystem::path& projectOrDotAlchemy,
                                                  const SnapshotOptions& options = {});

// The folder source's bulk load: walks <.alchemy> and reads every record file with a parallel simdjson scan.
std::shared_ptr<StateSnapshot> scanStateFolder(const DotAlchemyLayout& layout, const SnapshotOptions& options,
                                               const LoadProgress& progress, std::stop_token cancel);

} // namespace athanor

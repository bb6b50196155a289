#pragma once

#include "snapshot/StateSnapshot.h"
#include "store/StateSource.h"

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

#pragma once

#include "state/RecordKey.h"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// The version store: before any repair writes a record, and whenever a run changes one, the record's
// previous bytes are kept here, so every change can be undone and any record brought back to what it was
// before an operation. One folder per state source, in Athanor's own files (real Alchemy never reads it):
//   <athanor home>/history/
//     settings.json                   {"keep": 50}: how many operations are kept (repairs and runs together)
//     <id>.json                       an operation's summary (OperationInfo)
//     <id>.records.jsonl              per record it touched, in order, one JSON object a line:
//                                       {"scope": [...], "id": "...", "before": "<text>" | null}   first
//                                       touch
//                                       {"scope": [...], "id": "...", "after": "<text>" | null}    each write
//                                     (null: the record did not exist / was removed). Append-only, so an
//                                     operation cut short by a crash still has every before-image it took.
// Records are kept as their exact text (for a folder source the file's bytes): secrets stay encrypted.

enum class OperationKind { Repair, Run };

struct OperationInfo {
    std::string id; // "20250102-030405-123456-rm": the start time (UTC, microseconds) and operation
    OperationKind kind = OperationKind::Repair;
    std::string operation; // "rm", "mv", "set-status", ..., "up", "destroy"
    std::string title;     // what the user was shown, e.g. "rm shop/dev/site and 2 nested records"
    std::string startedAt; // ISO-8601 UTC
    std::string finishedAt;
    bool complete = false;           // false: still running, or cut short (a crash, a write that failed)
    std::string error;               // why it did not complete
    size_t records = 0;              // records it touched
    std::string undoes;              // an undo: the id of the operation it undid
    std::string undoneBy;            // the id of the undo that undid this one
    std::string run;                 // a run: its run-history summary file name (history/RunHistory.h)
    std::vector<std::string> stages; // "shop/dev", the stages it locked
};

// One record's images in one operation.
struct RecordImages {
    RecordKey key;
    std::optional<std::string> before; // nullopt: the record did not exist
    std::optional<std::string> after;  // nullopt: removed (or not written yet, see written)
    bool written = false;              // an after-image was recorded
};

// One version of a record: what it was before `operation` (and what that operation left).
struct RecordVersion {
    OperationInfo operation;
    RecordImages images;
};

struct VersionSettings {
    int keep = 50; // operations kept, newest first; older ones are pruned when an operation finishes
};

class VersionStore {
public:
    // `athanorHome`: the source's folder for Athanor's own files (a folder source's .alchemy/.athanor).
    explicit VersionStore(std::filesystem::path athanorHome);

    const std::filesystem::path& folder() const { return m_folder; }
    VersionSettings settings() const;
    // Throws std::runtime_error naming the file when it cannot be written, std::invalid_argument for keep
    // < 1.
    void setSettings(const VersionSettings& settings);

    // Records one operation. Thread-safe (a run writes records from several threads).
    class Writer {
    public:
        ~Writer();
        Writer(const Writer&) = delete;
        Writer& operator=(const Writer&) = delete;

        const std::string& id() const { return m_info.id; }
        // The before-image: only the first call per record counts (once per operation per record).
        void before(const RecordKey& key, const std::optional<std::string>& text);
        bool hasBefore(const RecordKey& key) const;
        void after(const RecordKey& key, const std::optional<std::string>& text);
        // Makes everything recorded so far durable (a repair calls it before its first write).
        void sync();
        // Writes the final summary (complete, or the error) and prunes old operations. An operation that
        // touched nothing leaves nothing behind. Throws std::runtime_error naming the file.
        void finish(const std::string& error = {});
        size_t records() const;

    private:
        friend class VersionStore;
        Writer(VersionStore& store, OperationInfo info, int fd);
        void append(const std::string& line);
        std::string recordsFileName() const;

        std::unique_ptr<VersionStore>
            m_store; // a copy (its folder): a writer may outlive the store it came from
        OperationInfo m_info;
        int m_fd = -1;
        mutable std::mutex m_mutex;
        std::map<RecordKey, bool> m_touched;
        bool m_finished = false;
    };

    struct Begin {
        OperationKind kind = OperationKind::Repair;
        std::string operation;
        std::string title;
        std::vector<std::string> stages;
        std::string run;    // Run: the run-history summary file name
        std::string undoes; // an undo: the operation undone
    };
    // Starts an operation: its summary (complete: false) and an empty records file exist when this returns.
    // Throws std::runtime_error naming the folder when it cannot be created.
    std::unique_ptr<Writer> begin(const Begin& what);

    // Every readable operation, newest first.
    std::vector<OperationInfo> operations() const;
    std::optional<OperationInfo> operation(const std::string& id) const;
    // The operation of a run, found by its run-history summary file name.
    std::optional<OperationInfo> operationOfRun(const std::string& runSummaryFileName) const;
    // The records an operation touched, in the order it first touched them. Throws std::runtime_error when
    // the operation does not exist.
    std::vector<RecordImages> images(const std::string& id) const;
    // Every version of one record, newest first.
    std::vector<RecordVersion> versionsOf(const RecordKey& key) const;
    // Notes in `id`'s summary that the undo `by` undid it.
    void markUndone(const std::string& id, const std::string& by);
    // Keeps the newest settings().keep operations (an operation still being written is never removed).
    void prune();

private:
    std::filesystem::path summaryFile(const std::string& id) const;
    std::filesystem::path recordsFile(const std::string& id) const;
    void writeSummary(const OperationInfo& info) const;

    std::filesystem::path m_folder;
};

std::string_view toString(OperationKind kind); // "repair", "run"

} // namespace athanor

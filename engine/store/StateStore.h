#pragma once

#include "state/StateRecord.h"

#include <exception>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Alchemy's StateStore interface (reference §6.1), bound to one scope chain (e.g. ["shop", "dev"]).
// Records cross this boundary in serialized form: secrets stay encrypted, serde tags as on disk.
// Implementations throw StoreError (or UnreadableRecordError for a record that exists but cannot be used).
// A StateSource (store/StateSource.h) opens them.
class StateStore {
public:
    virtual ~StateStore() = default;

    virtual void init() = 0;
    virtual void deinit() = 0;
    virtual std::vector<std::string> list() = 0;
    virtual size_t count() { return list().size(); }
    virtual std::optional<StateRecord> get(const std::string& id) = 0;
    // Missing ids are omitted.
    virtual std::map<std::string, StateRecord> getBatch(const std::vector<std::string>& ids) {
        std::map<std::string, StateRecord> out;
        for (const auto& id : ids)
            if (auto record = get(id))
                out.emplace(id, std::move(*record));
        return out;
    }
    virtual std::map<std::string, StateRecord> all() { return getBatch(list()); }
    virtual void set(const std::string& id, const StateRecord& record) = 0;
    // Stores exactly `record`: nothing of the record it replaces is left. Differs from set() only where
    // Alchemy's set() merges (its SQL store keeps an absent props / oldProps); repairs and undo use it.
    virtual void put(const std::string& id, const StateRecord& record) { set(id, record); }
    // put() of the record `text` holds, in file form: a repair writing back the exact text it read. The file
    // store writes the bytes as they are; others store the record they parse to (StoreError naming the
    // location when it does not parse).
    virtual void putText(const std::string& id, const std::string& text);
    virtual void remove(const std::string& id) = 0; // Alchemy's delete(); missing ids are ignored
    virtual std::vector<std::string> listScopes() = 0;

    virtual const std::vector<std::string>& chain() const = 0;

    // The store that keeps the records (itself; a decorator's inner store), for callers that need what only
    // one backend offers (the file store's folder).
    virtual StateStore& underlying() { return *this; }

    // ---- Capabilities with a plain default; a store overrides what it can do faster
    // -------------------------- Where record `id` lives, for messages (its file; the database and row).
    virtual std::string location(const std::string& id) const = 0;

    // get() in two steps, for callers that may need less than the whole record: the record in file form
    // (the file's exact bytes for the file store), then the whole record from that text (get()'s errors)
    // or only some top-level fields (parseRecordFields(), RecordParse.h).
    virtual std::optional<std::string> readText(const std::string& id) {
        std::optional<StateRecord> record = get(id);
        return record ? std::optional<std::string>(record->toFileText()) : std::nullopt;
    }
    virtual std::optional<StateRecord> parseRecord(const std::string& id, const std::string& text) const;

    // get() for a caller that uses only the top-level fields `keys`: the record may hold only those.
    virtual std::optional<StateRecord> getFields(const std::string& id,
                                                 std::initializer_list<std::string_view> keys) {
        (void)keys;
        return get(id);
    }

    // What get(id) gives for each of `ids` (same order): the record, nullopt when missing, or the error get()
    // would throw. The file store reads them on up to `threads` threads (0: one per core).
    struct Fetched {
        std::optional<StateRecord> record;
        std::exception_ptr error;
    };
    virtual std::vector<Fetched> fetch(const std::vector<std::string>& ids, unsigned threads = 0) {
        (void)threads;
        std::vector<Fetched> out(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
            try {
                out[i].record = get(ids[i]);
            } catch (...) {
                out[i].error = std::current_exception();
            }
        }
        return out;
    }
};

} // namespace athanor

#pragma once

#include "state/StateRecord.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// Alchemy's StateStore interface (reference §6.1), bound to one scope chain (e.g. ["shop", "dev"]).
// Records cross this boundary in serialized form: secrets stay encrypted, serde tags as on disk.
// Implementations throw StoreError (or UnreadableRecordError for a record that exists but cannot be used).
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
    virtual void remove(const std::string& id) = 0; // Alchemy's delete(); missing ids are ignored
    virtual std::vector<std::string> listScopes() = 0;

    virtual const std::vector<std::string>& chain() const = 0;
};

} // namespace athanor

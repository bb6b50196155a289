#pragma once

#include "lifecycle/ResourceContext.h"
#include "lifecycle/RunContext.h"
#include "lifecycle/TaskGraph.h"
#include "state/StateRecord.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// Deletes resources described by state alone (destroy, orphans at finalize, replaced copies). Safer than
// Alchemy's destroy (reference §7.7-§7.9, §14): nested children go before their owner; a failure does not
// stop the others, but nothing that contains an undeleted record is removed; a record that cannot be read is
// never deleted (the run fails naming its file); an unknown kind fails naming kind and FQN and leaves what
// is nested under it alone.
//
// Work is queued with add*() (records are read at that moment) and done by run(): highest seq first, one at
// a time, or up to --parallel at once.
class StateDestroyer {
public:
    explicit StateDestroyer(RunContext& run);

    // Alchemy's destroy(scope): the scope's pending deletions, then every record in it, each with what is
    // nested under it. Returns the jobs at this level (the scope's own removal must wait for them).
    std::vector<size_t> addScopeContents(Scope& scope);
    // Pending deletions (replaced copies) listed in `scope`'s data. `data`: the data when already at hand.
    std::vector<size_t> addPendingDeletions(Scope& scope, const std::optional<Json>& data = std::nullopt);
    // Records of `scope` that are orphans, highest seq first, each with what is nested under it.
    std::vector<size_t> addRecords(Scope& scope, const std::vector<std::string>& ids);
    // A job that runs only when all of `after` succeeded.
    size_t addFinal(std::function<bool()> job, const std::vector<size_t>& after, std::string name);

    // Number of resource deletions queued (not scopes, not pending deletions).
    size_t resourceCount() const { return m_resourceCount; }
    size_t size() const { return m_graph.size(); }

    // True when every queued job succeeded.
    bool run();

private:
    struct Entry {
        std::string id;
        std::optional<StateRecord> record;
        std::string unreadable; // the error when the record could not be read
        int64_t seq = 0;
    };
    std::vector<Entry> readEntries(Scope& scope, const std::vector<std::string>& ids);
    size_t addEntry(Scope& scope, Entry entry);
    size_t addJob(std::function<bool()> job, std::string name);
    void blockOn(size_t job, const std::vector<size_t>& first);

    bool destroyResource(Scope& scope, const std::string& id, const StateRecord& record);
    bool removeScopeRecord(Scope& parent, const std::string& name);
    bool cleanUpReplaced(Scope& scope, const Json& entry);
    // What a delete handler sees: the stored props (opened) as props and previous props, the stored output.
    ResourceContext::Setup deleteSetup(Scope& scope, const std::string& kind, const std::string& id,
                                       const std::string& fqn, const Json& storedProps,
                                       const Json* storedOutput, bool quiet);

    RunContext& m_run;
    TaskGraph m_graph;
    std::vector<std::string> m_names; // per job, for "kept because ..." messages
    size_t m_resourceCount = 0;
};

} // namespace athanor

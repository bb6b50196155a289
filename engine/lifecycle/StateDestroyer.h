#pragma once

#include "lifecycle/DeletionOrder.h"
#include "lifecycle/ResourceContext.h"
#include "lifecycle/RunContext.h"
#include "lifecycle/StateScan.h"
#include "state/StateRecord.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace athanor {

// Deletes resources described by state alone (destroy, orphans at finalize, replaced copies). Safer than
// Alchemy's destroy (reference §7.7-§7.9, §14): nested children go before their owner; a failure does not
// stop the others, but nothing that contains an undeleted record is removed; a record that cannot be read is
// never deleted (the run fails naming its file); a record that is not where its id and fqn say (a backup copy
// such as f1.bak.json) is never deleted either.
//
// Work is queued with add*() (records are read at that moment), in Alchemy's sequential order; run() starts
// them in that order and lets up to --parallel run at once where orderDeletions() finds them independent.
// Kinds without a provider are collected, not queued: the caller refuses the whole deletion
// (unknownKinds()) rather than delete part of a stage.
class StateDestroyer {
public:
    // Destroy: a record that is not where it belongs fails the run (the stage cannot be removed while it is
    // there). Finalize (orphans of up): such a record is only reported, as a warning.
    enum class Purpose { Destroy, Finalize };
    StateDestroyer(RunContext& run, Purpose purpose);
    Purpose purpose() const { return m_purpose; }

    // Alchemy's destroy(scope): the scope's pending deletions, then every record file in its folder and
    // below it, each with what is nested under it. Returns the steps at this level (the scope's own removal
    // must wait for them).
    std::vector<size_t> addScopeContents(Scope& scope);
    // Pending deletions (replaced copies) listed in `scope`'s data. `data`: the data when already at hand.
    std::vector<size_t> addPendingDeletions(Scope& scope, const std::optional<Json>& data = std::nullopt);
    // Records `ids` of `scope` (orphans), highest seq first, each with what is nested under it. `listed`:
    // every record id of `scope` as the caller just listed it (so the folder is not listed again).
    std::vector<size_t> addRecords(Scope& scope, const std::vector<std::string>& ids,
                                   const std::vector<std::string>& listed);
    // A step that runs only when all of `after` succeeded (touches nothing but state).
    size_t addFinal(std::function<bool()> job, const std::vector<size_t>& after, std::string name);
    // fqn -> fqns it uses ($ref), from the stack file: the user is deleted before what it uses.
    void setReferences(std::multimap<std::string, std::string> references) {
        m_references = std::move(references);
    }

    // Kinds that have no provider here -> the fqns of their records. Not empty: run() must not be called.
    const std::map<std::string, std::vector<std::string>>& unknownKinds() const { return m_unknownKinds; }
    // "Kinds without a provider: "a" (fqn, fqn), "b" (fqn)".
    std::string unknownKindsText() const;

    // One queued deletion of a resource or of a replaced copy, in the order run() starts them.
    struct Planned {
        std::string fqn;
        std::string kind;
        bool replacedCopy = false;
    };
    std::vector<Planned> planned() const;
    // The deletions that were not queued because their kind has no provider, in Alchemy's order.
    const std::vector<Planned>& unqueued() const { return m_unqueued; }

    // Number of resource deletions queued (not scopes, not pending deletions).
    size_t resourceCount() const { return m_resourceCount; }
    size_t size() const { return m_steps.size(); }

    // True when every queued step succeeded.
    bool run();

    // Removes a scope's folder, refusing (StoreError) while any record file is still in it or below it: the
    // store's deinit, as Alchemy's, removes sub-folders wholesale.
    static void removeScopeFolder(Scope& scope);

private:
    enum class StepType { Resource, ReplacedCopy, ScopeRecord, Failure, Final };
    // A deletion that touches something outside the state says "deleting" in its record first; in waves
    // that record is written for the whole wave with one sync before any of the deletions starts.
    struct DeletingRecord {
        Scope* scope = nullptr;
        std::string id;
        std::shared_ptr<const StateRecord> record; // as it is (put back when cancelled before it started)
        bool written = false;
    };
    struct Step {
        StepType type = StepType::Final;
        std::function<bool()> job;
        std::string fqn;
        std::string name; // for "kept because ..." messages
        std::string kind;
        DeletionStep order;
        std::shared_ptr<DeletingRecord> deleting; // Resource steps that touch something outside the state
    };
    struct Entry {
        std::string id;
        std::string relativePath;
        std::optional<StateRecord> record;
        std::string unreadable; // the error when the record could not be read
        RecordPlacement placement;
        int64_t seq = 0;
    };

    size_t addStep(StepType type, std::function<bool()> job, std::string name, std::string kind,
                   std::optional<std::vector<std::string>> footprint, std::vector<size_t> after);
    size_t addFailure(const std::string& fqn, const std::string& kind, const std::string& message);
    std::vector<Entry> readEntries(Scope& scope, const std::vector<std::string>& ids);
    void sortEntries(std::vector<Entry>& entries) const;
    std::optional<size_t> addEntry(Scope& scope, Entry entry);
    // The records of `scope` found by scan (see scanFolder()), then the folders below it that no record owns.
    std::vector<size_t> addScanned(Scope& scope);
    // Reads every record below `scope`'s folder once (nothing when that folder was scanned already).
    void scanFolder(const Scope& scope);
    std::optional<std::vector<std::string>> footprintOf(const std::string& kind, const std::string& id,
                                                        const Json* props);
    std::string normalizedPath(const std::string& path);
    // A failure step (destroy) or a warning (finalize) for a record that is not where it belongs.
    std::optional<size_t> reportMisplaced(const Entry& entry, const std::string& location);
    std::vector<DeletionStep> stepOrders() const;

    // `touchesOutside`: its delete changes something outside the state (the record says "deleting"
    // meanwhile).
    bool destroyResource(Scope& scope, const std::string& id, const StateRecord& record, bool touchesOutside,
                         const DeletingRecord* deleting);
    // `next`: how many jobs the next wave starts at most.
    void prepareWave(const std::vector<size_t>& steps, size_t next);
    void abandonWave(const std::vector<size_t>& steps);
    bool removeScopeRecord(Scope& parent, const std::string& name);
    bool cleanUpReplaced(Scope& scope, const Json& entry);
    // What a delete handler sees: the stored props (opened) as props and previous props, the stored output.
    ResourceContext::Setup deleteSetup(Scope& scope, const std::string& kind, const std::string& id,
                                       const std::string& fqn, const Json& storedProps,
                                       const Json* storedOutput, bool quiet);

    RunContext& m_run;
    Purpose m_purpose;
    std::vector<Step> m_steps;
    size_t m_resourceCount = 0;
    std::map<std::string, std::vector<std::string>> m_unknownKinds;
    std::vector<Planned> m_unqueued;
    std::multimap<std::string, std::string> m_references;
    mutable std::optional<DeletionGraph> m_graph; // computed once all steps are queued
    size_t m_deletingLeft = 0;                    // "deleting" records not written by a wave yet

    // Scanned records by the folder of the scope they belong to (misplaced ones by the folder they are in).
    std::map<std::string, std::vector<Entry>> m_scanned;
    std::vector<std::string> m_scannedFolders; // folders scanned whole
    std::set<std::string> m_visitedFolders;    // scope folders whose scanned records were queued
    std::unordered_set<std::string>
        m_ownedFolders; // folders that a record's nested scope or a naked scope uses
    std::map<std::string, std::string> m_canonicalFolders; // footprint folders with symlinks resolved
};

} // namespace athanor

#include "lifecycle/StateDestroyer.h"

#include "lifecycle/RecordBuilder.h"
#include "lifecycle/ResourceContext.h"
#include "lifecycle/TaskGraph.h"
#include "lifecycle/WaveWrites.h"
#include "providers/PlainJson.h"
#include "store/FileSystemStateStore.h"
#include "store/IdCodec.h"
#include "store/StateSource.h"
#include "store/StateStore.h"
#include "store/StoreError.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace athanor {

namespace {

bool isBelow(const std::string& path, const std::string& folder) {
    return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
           path[folder.size()] == '/';
}

std::string unreadableMessage(const std::string& file, const std::string& reason) {
    return "cannot read state record " + file + ": " + reason + " (left untouched; fix or remove the file)";
}

std::string slashes(std::string text) {
    std::replace(text.begin(), text.end(), '\\', '/');
    return text;
}

// A scope's folder must never be removed while a record is still in it or below it: the store's deinit (as
// Alchemy's) removes sub-folders wholesale.
void requireNoRecordsBelow(const fs::path& folder) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_regular_file(ec) && isRecordFileName(name))
            throw StoreError("cannot remove scope folder " + folder.string() +
                             ": it still holds the record " + it->path().string());
    }
}

} // namespace

void StateDestroyer::removeScopeFolder(Scope& scope) {
    if (auto* files = dynamic_cast<FileSystemStateStore*>(&scope.store().underlying()))
        requireNoRecordsBelow(files->directory());
    scope.store().deinit();
}

StateDestroyer::StateDestroyer(RunContext& run, Purpose purpose) : m_run(run), m_purpose(purpose) {}

size_t StateDestroyer::addStep(StepType type, std::function<bool()> job, std::string name, std::string kind,
                               std::optional<std::vector<std::string>> footprint, std::vector<size_t> after) {
    Step step;
    step.type = type;
    step.job = std::move(job);
    step.order.footprint = std::move(footprint);
    step.order.after = std::move(after);
    step.order.fqn = type == StepType::Resource ? name : std::string();
    step.fqn = name;
    step.name = type == StepType::ReplacedCopy ? name + " (replaced copy)" : std::move(name);
    step.kind = std::move(kind);
    m_steps.push_back(std::move(step));
    m_graph.reset();
    return m_steps.size() - 1;
}

size_t StateDestroyer::addFailure(const std::string& fqn, const std::string& kind,
                                  const std::string& message) {
    return addStep(StepType::Failure,
                   [this, fqn, kind, message] {
                       m_run.reporter.failed(fqn, kind, message);
                       return false;
                   },
                   fqn, kind, std::vector<std::string>{}, {});
}

size_t StateDestroyer::addFinal(std::function<bool()> job, const std::vector<size_t>& after,
                                std::string name) {
    return addStep(StepType::Final, std::move(job), std::move(name), {}, std::vector<std::string>{}, after);
}

std::string StateDestroyer::unknownKindsText() const {
    std::string text;
    for (const auto& [kind, fqns] : m_unknownKinds) {
        text += (text.empty() ? "" : ", ") + std::string("\"") + kind + "\" (";
        for (size_t i = 0; i < fqns.size() && i < 5; ++i)
            text += (i ? ", " : "") + fqns[i];
        if (fqns.size() > 5)
            text += ", and " + std::to_string(fqns.size() - 5) + " more";
        text += ")";
    }
    return text;
}

std::string StateDestroyer::normalizedPath(const std::string& path) {
    fs::path absolute = resolveAgainst(m_run.workingDirectory, path).lexically_normal();
    std::string text = absolute.generic_string();
    while (text.size() > 1 && text.back() == '/')
        text.pop_back();
    absolute = text;
    // Symlinked folders on the way resolved (once per folder), so two names of one file meet.
    const std::string parent = absolute.parent_path().generic_string();
    auto it = m_canonicalFolders.find(parent);
    if (it == m_canonicalFolders.end()) {
        std::error_code ec;
        fs::path real = fs::weakly_canonical(absolute.parent_path(), ec);
        it = m_canonicalFolders.emplace(parent, ec ? parent : real.generic_string()).first;
    }
    if (absolute.filename().empty())
        return it->second;
    return (it->second == "/" ? std::string() : it->second) + "/" + absolute.filename().generic_string();
}

std::optional<std::vector<std::string>>
StateDestroyer::footprintOf(const std::string& kind, const std::string& id, const Json* props) {
    const Provider* provider = m_run.providers ? m_run.providers->find(kind) : nullptr;
    if (!provider)
        return std::nullopt;
    std::optional<std::vector<std::string>> paths;
    try {
        paths = provider->deleteFootprint(id, props ? *props : Json::object());
    } catch (const std::exception&) {
        return std::nullopt; // props the provider cannot read: ordered as if it touched anything
    }
    if (paths)
        for (std::string& path : *paths)
            path = normalizedPath(path);
    return paths;
}

void StateDestroyer::sortEntries(std::vector<Entry>& entries) const {
    // Highest seq first (reference §7.9); stable, so ties keep list order. Unreadable and misplaced ones go
    // first: they fail (or are reported) at once and their report comes early.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        const bool aBad = !a.unreadable.empty() || !a.placement.ok();
        const bool bBad = !b.unreadable.empty() || !b.placement.ok();
        if (aBad != bBad)
            return aBad;
        return a.seq > b.seq;
    });
}

std::vector<StateDestroyer::Entry> StateDestroyer::readEntries(Scope& scope,
                                                               const std::vector<std::string>& ids) {
    std::vector<Entry> entries;
    entries.reserve(ids.size());
    // The whole scope in one parallel read when the store can do it (a destroy reads every record first).
    std::vector<StateStore::Fetched> fetched = scope.store().fetch(ids);
    for (size_t i = 0; i < ids.size(); ++i) {
        Entry entry;
        entry.id = ids[i];
        entry.relativePath = recordPath(scope.chain(), ids[i]);
        try {
            if (fetched[i].error) {
                std::rethrow_exception(fetched[i].error);
            } else {
                entry.record = std::move(fetched[i].record);
            }
            if (!entry.record)
                continue; // deleted meanwhile
            entry.seq = entry.record->seq();
            entry.placement = placeRecord(entry.relativePath, *entry.record);
        } catch (const UnreadableRecordError& e) {
            entry.unreadable = unreadableMessage(e.file(), e.reason());
        } catch (const std::exception& e) {
            entry.unreadable = e.what();
        }
        entries.push_back(std::move(entry));
    }
    sortEntries(entries);
    return entries;
}

void StateDestroyer::scanFolder(const Scope& scope) {
    const std::string folder = scopeFolderPath(scope.chain());
    for (const std::string& done : m_scannedFolders)
        if (folder == done || isBelow(folder, done))
            return;
    // A folder is scanned file by file; any other source yields the same list through its records.
    StateSource* source = m_run.settings->source.get();
    std::vector<ScannedRecord> scanned = source && source->spec().kind != SourceSpec::Kind::Folder
                                             ? scanSourceRecords(*source, scope.chain())
                                             : scanRecords(m_run.settings->layout, folder);
    for (ScannedRecord& found : scanned) {
        Entry entry;
        entry.relativePath = found.relativePath;
        entry.placement = std::move(found.placement);
        entry.id = entry.placement.id;
        entry.unreadable =
            found.unreadable.empty()
                ? std::string()
                : unreadableMessage(found.location.empty()
                                        ? (m_run.settings->layout.dotAlchemy / found.relativePath).string()
                                        : found.location,
                                    found.unreadable);
        if (found.record) {
            entry.seq = found.record->seq();
            entry.record = std::move(found.record);
        }
        if (entry.unreadable.empty() && entry.placement.ok()) {
            // Its nested scope (or, for a naked scope record, the scope itself) lives in this folder.
            m_ownedFolders.insert(entry.placement.scopeFolder + "/" + slashes(entry.id));
        }
        const std::string owner = entry.placement.scopeFolder;
        m_scanned[owner].push_back(std::move(entry));
    }
    for (auto& [owner, entries] : m_scanned)
        sortEntries(entries);
    m_scannedFolders.push_back(folder);
}

std::optional<size_t> StateDestroyer::reportMisplaced(const Entry& entry, const std::string& location) {
    std::string problems;
    for (const auto& problem : entry.placement.problems)
        problems += (problems.empty() ? "" : "; ") + problem;
    const std::string file = (m_run.settings->layout.dotAlchemy / entry.relativePath).string();
    const std::string message = "kept " + file + ": it is not where its id and fqn belong (" + problems +
                                "), so it is a copy or a stray file, not the record of " + location +
                                "; nothing was deleted for it";
    if (m_purpose == Purpose::Destroy)
        return addFailure(location, entry.record ? entry.record->kind() : std::string(),
                          message + " (remove it by hand)");
    m_run.reporter.log(LogLevel::Warn, message, location);
    return std::nullopt;
}

std::vector<size_t> StateDestroyer::addScopeContents(Scope& scope) {
    scanFolder(scope);
    std::vector<size_t> steps = addPendingDeletions(scope);
    const std::vector<size_t> records = addScanned(scope);
    steps.insert(steps.end(), records.begin(), records.end());
    return steps;
}

std::vector<size_t> StateDestroyer::addScanned(Scope& scope) {
    const std::string folder = scopeFolderPath(scope.chain());
    std::vector<size_t> steps;
    if (!m_visitedFolders.insert(folder).second)
        return steps;

    // Folders below this one that hold records but that no record owns (a nested scope whose owner record is
    // gone, a scope folder without its record): destroyed as child scopes, first, since nothing orders them.
    // A folder below an owned one is reached through its owner (which may live in an outer scope: the nested
    // folder of "a/b" lies inside that of "a").
    std::set<std::string> strays;
    for (auto it = m_scanned.upper_bound(folder); it != m_scanned.end() && isBelow(it->first, folder); ++it) {
        bool owned = false;
        for (std::string up = it->first; !owned && isBelow(up, folder); up = up.substr(0, up.rfind('/')))
            owned = m_ownedFolders.count(up) > 0;
        if (!owned) {
            const std::string rest = it->first.substr(folder.size() + 1);
            strays.insert(rest.substr(0, rest.find('/')));
        }
    }
    for (const std::string& name : strays) {
        const std::vector<size_t> contents = addScanned(scope.child(name));
        steps.insert(steps.end(), contents.begin(), contents.end());
    }

    auto found = m_scanned.find(folder);
    if (found == m_scanned.end())
        return steps;
    std::vector<Entry> entries = std::move(found->second);
    m_scanned.erase(found);
    for (Entry& entry : entries)
        if (auto step = addEntry(scope, std::move(entry)))
            steps.push_back(*step);
    return steps;
}

std::vector<size_t> StateDestroyer::addRecords(Scope& scope, const std::vector<std::string>& ids,
                                               const std::vector<std::string>& listed) {
    // The folders the scope's own records use for their nested scopes are theirs, not strays of an orphan's.
    const std::string folder = scopeFolderPath(scope.chain()) + "/";
    // No reserve() per scope: growing the set by one scope's ids each time rehashed all of it for every scope
    // (finalize of a 10,000-resource stage spent more there than listing the folders).
    for (const std::string& id : listed)
        m_ownedFolders.insert(folder + slashes(id));
    std::vector<size_t> steps;
    for (Entry& entry : readEntries(scope, ids))
        if (auto step = addEntry(scope, std::move(entry)))
            steps.push_back(*step);
    return steps;
}

std::optional<size_t> StateDestroyer::addEntry(Scope& scope, Entry entry) {
    const std::string location = scope.fqn(entry.id);
    if (!entry.unreadable.empty())
        return addFailure(location, "", entry.unreadable);
    if (!entry.placement.ok())
        return reportMisplaced(entry, location);
    const StateRecord& record = *entry.record;
    const std::string kind = record.kind();
    const std::string fqn = record.fqn().empty() ? location : record.fqn();

    if (kind == kScopeKind) {
        Scope& child = scope.child(entry.id);
        if (m_purpose == Purpose::Finalize)
            scanFolder(child);
        const std::vector<size_t> contents = addScopeContents(child);
        return addStep(
            StepType::ScopeRecord, [this, &scope, id = entry.id] { return removeScopeRecord(scope, id); },
            location, kScopeKind, std::vector<std::string>{}, contents);
    }

    // Children before their owner (Alchemy deletes the owner first, §14.6). The owner's record holds the
    // pending deletions of its nested scope.
    Scope& nested = scope.child(entry.id);
    scanFolder(nested);
    std::optional<Json> ownerData;
    if (const Json* data = record.data())
        ownerData = *data;
    std::vector<size_t> children =
        addPendingDeletions(nested, ownerData ? ownerData : std::optional<Json>(Json::object()));
    const std::vector<size_t> nestedRecords = addScanned(nested);
    children.insert(children.end(), nestedRecords.begin(), nestedRecords.end());

    if (!m_run.providers || !m_run.providers->find(kind)) {
        // Collected, not queued: the caller refuses the whole deletion.
        m_unknownKinds[kind].push_back(fqn);
        m_unqueued.push_back({fqn, kind, false});
        return std::nullopt;
    }
    ++m_resourceCount;
    auto shared = std::make_shared<StateRecord>(std::move(*entry.record));
    std::optional<std::vector<std::string>> footprint = footprintOf(kind, entry.id, shared->props());
    const bool touchesOutside = !footprint || !footprint->empty();
    std::shared_ptr<DeletingRecord> deleting;
    if (touchesOutside)
        deleting = std::make_shared<DeletingRecord>(DeletingRecord{&scope, entry.id, shared, false});
    const size_t step = addStep(
        StepType::Resource,
        [this, &scope, id = entry.id, shared, touchesOutside, deleting] {
            return destroyResource(scope, id, *shared, touchesOutside, deleting.get());
        },
        fqn, kind, std::move(footprint), std::move(children));
    m_steps[step].deleting = std::move(deleting);
    return step;
}

std::vector<size_t> StateDestroyer::addPendingDeletions(Scope& scope, const std::optional<Json>& data) {
    std::vector<size_t> steps;
    std::optional<Json> current;
    try {
        current = data ? data : scope.peekData();
    } catch (const UnreadableRecordError& e) {
        const std::string name = scope.chainText();
        steps.push_back(
            addFailure(name, kScopeKind, "cannot read the pending deletions of " + name + ": " + e.what()));
        return steps;
    }
    if (!current || !current->is_object())
        return steps;
    auto list = current->find("pendingDeletions");
    if (list == current->end() || !list->is_array() || list->empty())
        return steps;

    bool corrupted = false;
    for (const Json& entry : *list) {
        const Json resource = entry.is_object() && entry.contains("resource") ? entry["resource"] : Json();
        const std::string id = records::stringField(resource, symbol_keys::kId);
        if (id.empty()) {
            corrupted = true;
            continue;
        }
        const std::string kind = records::stringField(resource, symbol_keys::kKind);
        std::string fqn = records::stringField(resource, symbol_keys::kFqn);
        if (fqn.empty())
            fqn = scope.fqn(id);
        if (!m_run.providers || !m_run.providers->find(kind)) {
            m_unknownKinds[kind].push_back(fqn + " (replaced copy)");
            m_unqueued.push_back({fqn, kind, true});
            continue;
        }
        const Json* oldProps = entry.contains("oldProps") ? &entry["oldProps"] : nullptr;
        steps.push_back(addStep(StepType::ReplacedCopy,
                                [this, &scope, entry] { return cleanUpReplaced(scope, entry); }, fqn, kind,
                                footprintOf(kind, id, oldProps), {}));
    }
    if (corrupted) {
        // Alchemy drops entries without an ID after warning (reference §7.6).
        m_run.reporter.log(LogLevel::Warn,
                           "A replaced resource pending deletion in " + scope.chainText() +
                               " is corrupted (no ID) and will NOT be deleted; dropping it from "
                               "pendingDeletions");
        if (m_run.settings->phase != Phase::Plan && !m_run.options.dryRun)
            scope.withScopeState([](Json& record) {
                Json& pending = record["data"]["pendingDeletions"];
                Json kept = Json::array();
                for (const Json& entry : pending)
                    if (entry.is_object() &&
                        !records::stringField(entry.value("resource", Json()), symbol_keys::kId).empty())
                        kept.push_back(entry);
                pending = std::move(kept);
                return true;
            });
    }
    return steps;
}

std::vector<StateDestroyer::Planned> StateDestroyer::planned() const {
    if (!m_graph)
        m_graph = orderDeletions(stepOrders(), m_references);
    std::vector<Planned> out;
    for (size_t index : m_graph->order) {
        const Step& step = m_steps[index];
        if (step.type == StepType::Resource)
            out.push_back({step.name, step.kind, false});
        else if (step.type == StepType::ReplacedCopy)
            out.push_back({step.fqn, step.kind, true});
    }
    return out;
}

std::vector<DeletionStep> StateDestroyer::stepOrders() const {
    std::vector<DeletionStep> orders;
    orders.reserve(m_steps.size());
    for (const Step& step : m_steps)
        orders.push_back(step.order);
    return orders;
}

bool StateDestroyer::run() {
    if (!m_graph)
        m_graph = orderDeletions(stepOrders(), m_references);
    for (const std::string& dropped : m_graph->droppedReferences)
        m_run.reporter.log(LogLevel::Debug,
                           "deletion order: the reference " + dropped + " contradicts nesting; nesting wins");
    // Jobs in start order, so that TaskGraph (lowest ready index first) starts them in that order.
    TaskGraph graph;
    std::vector<size_t> jobOf(m_steps.size());
    std::vector<size_t> stepOf(m_steps.size());
    for (size_t position = 0; position < m_graph->order.size(); ++position) {
        const size_t index = m_graph->order[position];
        jobOf[index] = position;
        stepOf[position] = index;
    }
    for (size_t position = 0; position < stepOf.size(); ++position) {
        Step& step = m_steps[stepOf[position]];
        graph.add(step.job, [this, &step, &stepOf](size_t cause) {
            m_run.reporter.log(LogLevel::Warn,
                               step.name + " kept: " + m_steps[stepOf[cause]].name + " could not be deleted",
                               step.name);
        });
    }
    for (const auto& [first, then] : m_graph->edges)
        graph.addDependency(jobOf[then], jobOf[first]);
    const auto stepsOf = [&stepOf](const std::vector<size_t>& jobs) {
        std::vector<size_t> steps;
        for (size_t job : jobs)
            steps.push_back(stepOf[job]);
        return steps;
    };
    TaskGraph::Waves waves;
    waves.maxJobs = kWaveSize;
    // Small first waves, doubling: each wave's "deleting" records are written with the files of the records
    // the waves before it removed (spares), so a destroy creates files only for its first wave; creating a
    // file can cost a millisecond where many were just deleted (store/AtomicFile.h, SparePool).
    waves.firstJobs = kFirstDestroyWave;
    m_deletingLeft = static_cast<size_t>(std::count_if(m_steps.begin(), m_steps.end(), [](const Step& step) {
        return step.deleting && !step.deleting->written;
    }));
    size_t waveIndex = 0;
    waves.prepare = [&](const std::vector<size_t>& jobs) {
        prepareWave(stepsOf(jobs), waves.jobsInWave(++waveIndex));
    };
    waves.abandon = [&](const std::vector<size_t>& jobs) {
        abandonWave(stepsOf(jobs));
    };
    graph.run(
        m_run.parallel(), m_run.cancel,
        [this, &stepOf](size_t job, const std::string& message) {
            m_run.reporter.failed(m_steps[stepOf[job]].name, m_steps[stepOf[job]].kind, message);
        },
        usesWaves(m_run) ? &waves : nullptr);
    return graph.count(TaskGraph::State::Succeeded) == graph.size();
}

void StateDestroyer::prepareWave(const std::vector<size_t>& steps, size_t next) {
    std::vector<StateRecord> records;
    std::vector<DeletingRecord*> owners;
    records.reserve(steps.size());
    for (size_t index : steps) {
        DeletingRecord* deleting = m_steps[index].deleting.get();
        if (!deleting || deleting->written)
            continue;
        Json doc = deleting->record->document();
        doc["status"] = std::string(toString(ResourceStatus::Deleting));
        records.emplace_back(std::move(doc));
        owners.push_back(deleting);
    }
    std::vector<StateSource::InFlightWrite> writes;
    for (size_t i = 0; i < owners.size(); ++i)
        writes.push_back({&owners[i]->scope->store(), owners[i]->id, &records[i], {}});
    writeInFlight(m_run, writes);
    // A write that failed here is tried again (and reported) by its own step.
    for (size_t i = 0; i < owners.size(); ++i)
        owners[i]->written = !writes[i].error;
    // The files this wave's deletions remove are kept for the next wave's "deleting" records, as many as it
    // can use.
    m_deletingLeft -= std::min(m_deletingLeft, owners.size());
    expectInFlightWrites(m_run, std::min(next, m_deletingLeft));
}

void StateDestroyer::abandonWave(const std::vector<size_t>& steps) {
    for (size_t index : steps) {
        DeletingRecord* deleting = m_steps[index].deleting.get();
        if (!deleting || !deleting->written)
            continue;
        try {
            deleting->scope->store().set(deleting->id, *deleting->record);
            deleting->written = false;
        } catch (const std::exception& e) {
            m_run.reporter.log(LogLevel::Warn,
                               "cancelled before it started, but its record could not be put back: " +
                                   std::string(e.what()),
                               m_steps[index].fqn);
        }
    }
}

bool StateDestroyer::destroyResource(Scope& scope, const std::string& id, const StateRecord& record,
                                     bool touchesOutside, const DeletingRecord* deleting) {
    const auto start = std::chrono::steady_clock::now();
    const std::string kind = record.kind();
    const std::string fqn = record.fqn().empty() ? scope.fqn(id) : record.fqn();
    const Json storedProps = record.props() ? *record.props() : Json::object();
    const bool quiet = quietProp(storedProps);
    m_run.reporter.transition(EventType::Deleting, fqn, kind, 0, quiet);
    try {
        Provider& provider = m_run.providerFor(kind, fqn, "destroy");
        ResourceContext::Setup setup = deleteSetup(scope, kind, id, fqn, storedProps, record.output(), quiet);
        setup.dataScope = &scope.child(id);
        ResourceContext ctx(std::move(setup));
        if (touchesOutside && !(deleting && deleting->written)) {
            // Killed between the provider's delete and the record's removal, a record still saying "created"
            // would be skipped by the next up although its resource is gone. "deleting" (a status Alchemy
            // reads: an interrupted record, updated again on the next up) says what happened.
            Json doc = record.document();
            doc["status"] = std::string(toString(ResourceStatus::Deleting));
            scope.store().set(id, StateRecord(std::move(doc)));
        }
        provider.remove(ctx);
        scope.store().remove(id);
        try {
            removeScopeFolder(scope.child(id)); // the now empty folder of its nested scope
        } catch (const std::exception& e) {
            m_run.reporter.log(LogLevel::Warn, e.what(), fqn);
        }
    } catch (const std::exception& e) {
        m_run.reporter.failed(fqn, kind, e.what(), millisecondsSince(start));
        scope.fail();
        return false;
    }
    m_run.reporter.transition(EventType::Deleted, fqn, kind, millisecondsSince(start), quiet);
    return true;
}

ResourceContext::Setup StateDestroyer::deleteSetup(Scope& scope, const std::string& kind,
                                                   const std::string& id, const std::string& fqn,
                                                   const Json& storedProps, const Json* storedOutput,
                                                   bool quiet) {
    ResourceContext::Setup setup;
    setup.phase = HandlerPhase::Delete;
    setup.kind = kind;
    setup.id = id;
    setup.fqn = fqn;
    setup.stage = scope.stage();
    setup.props = m_run.open(storedProps, fqn);
    setup.previousProps = setup.props;
    setup.previousOutput = storedOutput ? m_run.open(*storedOutput, fqn) : Json();
    setup.adopt = m_run.options.adopt;
    setup.quiet = quiet || m_run.options.quiet;
    setup.workingDirectory = m_run.workingDirectory;
    setup.cancel = &m_run.cancel;
    setup.reporter = &m_run.reporter;
    return setup;
}

bool StateDestroyer::removeScopeRecord(Scope& parent, const std::string& name) {
    try {
        parent.store().remove(name);
        removeScopeFolder(parent.child(name));
        return true;
    } catch (const std::exception& e) {
        m_run.reporter.failed(parent.fqn(name), kScopeKind, e.what());
        return false;
    }
}

bool StateDestroyer::cleanUpReplaced(Scope& scope, const Json& entry) {
    const auto start = std::chrono::steady_clock::now();
    const Json& resource = entry["resource"];
    const std::string kind = records::stringField(resource, symbol_keys::kKind);
    const std::string id = records::stringField(resource, symbol_keys::kId);
    std::string fqn = records::stringField(resource, symbol_keys::kFqn);
    if (fqn.empty())
        fqn = scope.fqn(id);
    const Json oldProps = entry.contains("oldProps") ? entry["oldProps"] : Json::object();
    const bool quiet = quietProp(oldProps);
    m_run.reporter.transition(EventType::Cleanup, fqn, kind, 0, quiet);
    try {
        Provider& provider = m_run.providerFor(kind, fqn, "clean up the replaced copy of");
        ResourceContext ctx(deleteSetup(scope, kind, id, fqn, oldProps, &resource, quiet));
        provider.remove(ctx);
        scope.withScopeState([&](Json& record) {
            Json& pending = record["data"]["pendingDeletions"];
            if (!pending.is_array())
                return false;
            for (auto it = pending.begin(); it != pending.end(); ++it)
                if (*it == entry) {
                    pending.erase(it);
                    return true; // the emptied list stays as [] (observed in Alchemy's files)
                }
            return false;
        });
    } catch (const std::exception& e) {
        m_run.reporter.failed(fqn, kind, e.what(), millisecondsSince(start));
        scope.fail();
        return false;
    }
    m_run.reporter.transition(EventType::Cleaned, fqn, kind, millisecondsSince(start), quiet);
    return true;
}

} // namespace athanor

#include "lifecycle/StateDestroyer.h"

#include "lifecycle/RecordBuilder.h"
#include "lifecycle/ResourceContext.h"
#include "store/StateStore.h"
#include "store/StoreError.h"

#include <algorithm>

namespace athanor {

StateDestroyer::StateDestroyer(RunContext& run) : m_run(run) {}

size_t StateDestroyer::addJob(std::function<bool()> job, std::string name) {
    const size_t index = m_graph.add(std::move(job), [this, indexHint = m_graph.size()](size_t cause) {
        m_run.reporter.log(LogLevel::Warn,
                           m_names[indexHint] + " kept: " + m_names[cause] + " could not be deleted",
                           m_names[indexHint]);
    });
    m_names.push_back(std::move(name));
    return index;
}

void StateDestroyer::blockOn(size_t job, const std::vector<size_t>& first) {
    for (size_t f : first)
        m_graph.addDependency(job, f);
}

size_t StateDestroyer::addFinal(std::function<bool()> job, const std::vector<size_t>& after,
                                std::string name) {
    const size_t index = addJob(std::move(job), std::move(name));
    blockOn(index, after);
    return index;
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
        try {
            if (fetched[i].error) {
                std::rethrow_exception(fetched[i].error);
            } else {
                entry.record = std::move(fetched[i].record);
            }
            if (!entry.record)
                continue; // deleted meanwhile
            entry.seq = entry.record->seq();
        } catch (const UnreadableRecordError& e) {
            entry.unreadable = "cannot read state record " + e.file() + ": " + e.reason() +
                               " (left untouched; fix or remove the file)";
        } catch (const std::exception& e) {
            entry.unreadable = e.what();
        }
        entries.push_back(std::move(entry));
    }
    // Highest seq first (reference §7.9); stable, so ties keep list order. Unreadable ones go first: they
    // fail at once and their report comes early.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.unreadable.empty() != b.unreadable.empty())
            return !a.unreadable.empty();
        return a.seq > b.seq;
    });
    return entries;
}

std::vector<size_t> StateDestroyer::addScopeContents(Scope& scope) {
    std::vector<size_t> jobs = addPendingDeletions(scope);
    const std::vector<size_t> records = addRecords(scope, scope.store().list());
    jobs.insert(jobs.end(), records.begin(), records.end());
    return jobs;
}

std::vector<size_t> StateDestroyer::addRecords(Scope& scope, const std::vector<std::string>& ids) {
    std::vector<size_t> jobs;
    for (Entry& entry : readEntries(scope, ids))
        jobs.push_back(addEntry(scope, std::move(entry)));
    return jobs;
}

size_t StateDestroyer::addEntry(Scope& scope, Entry entry) {
    const std::string fallbackFqn = scope.fqn(entry.id);
    if (!entry.unreadable.empty()) {
        const std::string message = entry.unreadable;
        return addJob(
            [this, fallbackFqn, message] {
                m_run.reporter.failed(fallbackFqn, "", message);
                return false;
            },
            fallbackFqn);
    }
    const StateRecord& record = *entry.record;
    const std::string kind = record.kind();
    const std::string fqn = record.fqn().empty() ? fallbackFqn : record.fqn();

    if (kind == kScopeKind) {
        Scope& child = scope.child(entry.id);
        const std::vector<size_t> contents = addScopeContents(child);
        const size_t job =
            addJob([this, &scope, id = entry.id] { return removeScopeRecord(scope, id); }, fallbackFqn);
        blockOn(job, contents);
        return job;
    }

    if (!m_run.providers || !m_run.providers->find(kind)) {
        // Unknown kind: nothing nested under it is touched either, so the subtree stays whole for a later
        // run.
        return addJob(
            [this, fqn, kind] {
                m_run.reporter.failed(fqn, kind,
                                      "cannot destroy " + fqn + ": no provider for kind \"" + kind + "\"");
                return false;
            },
            fqn);
    }

    // Children before their owner (Alchemy deletes the owner first, §14.6). The owner's record holds the
    // pending deletions of its nested scope.
    Scope& nested = scope.child(entry.id);
    std::optional<Json> ownerData;
    if (const Json* data = record.data())
        ownerData = *data;
    std::vector<size_t> children =
        addPendingDeletions(nested, ownerData ? ownerData : std::optional<Json>(Json::object()));
    const std::vector<size_t> nestedRecords = addRecords(nested, nested.store().list());
    children.insert(children.end(), nestedRecords.begin(), nestedRecords.end());

    ++m_resourceCount;
    auto shared = std::make_shared<StateRecord>(std::move(*entry.record));
    const size_t job =
        addJob([this, &scope, id = entry.id, shared] { return destroyResource(scope, id, *shared); }, fqn);
    blockOn(job, children);
    return job;
}

std::vector<size_t> StateDestroyer::addPendingDeletions(Scope& scope, const std::optional<Json>& data) {
    std::vector<size_t> jobs;
    std::optional<Json> current;
    try {
        current = data ? data : scope.peekData();
    } catch (const UnreadableRecordError& e) {
        const std::string name = scope.chainText();
        const std::string message = "cannot read the pending deletions of " + name + ": " + e.what();
        jobs.push_back(addJob(
            [this, name, message] {
                m_run.reporter.failed(name, kScopeKind, message);
                return false;
            },
            name));
        return jobs;
    }
    if (!current || !current->is_object())
        return jobs;
    auto list = current->find("pendingDeletions");
    if (list == current->end() || !list->is_array() || list->empty())
        return jobs;

    bool corrupted = false;
    for (const Json& entry : *list) {
        const Json resource = entry.is_object() && entry.contains("resource") ? entry["resource"] : Json();
        if (records::stringField(resource, symbol_keys::kId).empty()) {
            corrupted = true;
            continue;
        }
        const std::string fqn = records::stringField(resource, symbol_keys::kFqn);
        jobs.push_back(addJob([this, &scope, entry] { return cleanUpReplaced(scope, entry); },
                              (fqn.empty() ? scope.chainText() : fqn) + " (replaced copy)"));
    }
    if (corrupted) {
        // Alchemy drops entries without an ID after warning (reference §7.6).
        m_run.reporter.log(LogLevel::Warn,
                           "A replaced resource pending deletion in " + scope.chainText() +
                               " is corrupted (no ID) and will NOT be deleted; dropping it from "
                               "pendingDeletions");
        if (m_run.settings->phase != Phase::Plan)
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
    return jobs;
}

bool StateDestroyer::run() {
    m_graph.run(m_run.parallel(), m_run.cancel, [this](size_t job, const std::string& message) {
        m_run.reporter.failed(m_names[job], "", message);
    });
    return m_graph.count(TaskGraph::State::Succeeded) == m_graph.size();
}

bool StateDestroyer::destroyResource(Scope& scope, const std::string& id, const StateRecord& record) {
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
        provider.remove(ctx);
        scope.store().remove(id);
        try {
            scope.child(id).store().deinit(); // the now empty folder of its nested scope
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
        parent.child(name).store().deinit();
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

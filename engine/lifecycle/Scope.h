#pragma once

#include "lifecycle/Phase.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"
#include "store/AtomicFile.h"
#include "store/DotAlchemyLayout.h"
#include "store/ObservedStateStore.h"
#include "store/StateSource.h"
#include "store/StateStore.h"

#include "json/Json.h"
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

// What every scope of one run shares (Alchemy inherits these from the parent scope, reference §1.1).
struct ScopeSettings {
    std::shared_ptr<StateSource> source; // where the records are; null: the folder `layout`
    DotAlchemyLayout layout;
    Durability durability = Durability::Batched;
    std::string app;
    std::string stage;
    Phase phase = Phase::Up;
    bool force = false;
    bool adopt = false;
    bool quiet = false;
    const PasswordRing* passwords = nullptr; // for opening secrets in scope data; may be null
    // Told before each record write (a run's before-images); null: stores are opened as they are.
    std::shared_ptr<RecordWriteObserver> beforeWrites;
};

// One node of Alchemy's scope tree (reference §1.1, §2.6, §7.6): app (root) -> stage -> child scopes ->
// resource scopes. Each scope owns the store of the records directly in it; its own data lives in the record
// that represents it in its parent's store (the stage's in the root store, synthesised on first write).
// Thread-safe: children are created under a lock, scope data is read-modify-written under a per-scope mutex.
class Scope {
public:
    // The root scope of an app; its only child that matters is the stage (stageScope()).
    static std::unique_ptr<Scope> createRoot(std::shared_ptr<const ScopeSettings> settings);

    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope();

    const std::string& name() const { return m_name; }
    Scope* parent() const { return m_parent; }
    bool isRoot() const { return m_parent == nullptr; }
    bool isStage() const { return m_parent != nullptr && m_parent->isRoot(); }
    const std::vector<std::string>& chain() const { return m_chain; }
    std::string chainText() const; // "shop/dev/storage"
    // chain + id joined by "/" (reference §1.1 fqn()).
    std::string fqn(const std::string& id) const;
    const std::string& appName() const { return m_settings->app; }
    const std::string& stage() const { return m_settings->stage; }
    Phase phase() const { return m_settings->phase; }
    bool force() const { return m_settings->force; }
    bool adopt() const { return m_settings->adopt; }
    bool quiet() const { return m_settings->quiet; }
    const ScopeSettings& settings() const { return *m_settings; }

    // The stage scope below the root (created on first use).
    Scope& stageScope();
    // The child scope `name` (a naked scope or a resource's scope), created on first use.
    Scope& child(const std::string& name);
    Scope* findChild(const std::string& name) const;

    // A scope with its own password seals its secrets with it; children inherit it (reference §4.1).
    void setPassword(SecureString password);
    // Own or inherited password; null when there is none.
    const SecureString* password() const;

    StateStore& store() { return *m_store; }

    // Alchemy's per-scope sequence counter (reference §1.2).
    int64_t nextSeq() { return m_seq.fetch_add(1); }
    void reserveSeqs(int64_t nextFree) { m_seq.store(nextFree); }

    // createPhysicalName (reference §7.12): [app, scopes below the stage..., id, stage] with every character
    // outside [a-zA-Z0-9_-] turned into `delimiter`, joined by it; shortened piece by piece to maxLength.
    std::string createPhysicalName(const std::string& id, const std::string& delimiter = "-",
                                   std::optional<size_t> maxLength = std::nullopt) const;

    // Scope data (reference §7.6). Values are plain-form; secrets are sealed with password() when written.
    std::optional<Json> dataGet(const std::string& key);
    void dataSet(const std::string& key, const Json& plainValue);
    void dataDelete(const std::string& key);
    // Read-modify-write of the record holding this scope's data, in serialized form, under the scope's mutex.
    // `change` returns true when the record must be written back. The stage's record is synthesised when it
    // does not exist yet (two seq values, as Alchemy does); any other missing record is an error.
    void withScopeState(const std::function<bool(Json& record)>& change);
    // The record's data without creating anything; nullopt when the record does not exist.
    std::optional<Json> peekData();
    // `record` (this scope's, just read from its parent's store) serves peekData() until withScopeState()
    // writes: finalize need not read every scope record that up read before (nothing else writes it).
    void rememberRecord(const StateRecord& record);
    // How many times withScopeState() wrote the record: unchanged means the record is as last written by
    // whoever else writes it (the resource's own apply), so it need not be read back.
    uint64_t stateWrites() const { return m_stateWrites.load(); }

    // A failed scope deletes no orphans and processes no pending deletions (reference §7.10). Failing a scope
    // fails its ancestors up to the stage too, as an uncaught error would in Alchemy.
    void fail();
    bool failed() const { return m_failed.load(); }

    // Functions run when this scope is finalized, before orphans are looked for (scope.defer).
    void defer(std::function<void()> fn);
    void runDeferred();
    // Functions run once at the end of the run (scope.onCleanup, registered on the root).
    void onCleanup(std::function<void()> fn);
    void runCleanups();

private:
    Scope(std::shared_ptr<const ScopeSettings> settings, Scope* parent, std::string name);

    std::shared_ptr<const ScopeSettings> m_settings;
    Scope* m_parent = nullptr;
    std::string m_name;
    std::vector<std::string> m_chain;
    std::unique_ptr<StateStore> m_store;
    std::optional<SecureString> m_password;
    std::atomic<int64_t> m_seq{0};
    std::atomic<bool> m_failed{false};
    std::atomic<uint64_t> m_stateWrites{0};
    std::optional<std::optional<Json>> m_remembered; // peekData()'s answer, while m_stateWrites is unchanged
    uint64_t m_rememberedAt = 0;

    mutable std::mutex m_childrenMutex;
    std::map<std::string, std::unique_ptr<Scope>> m_children;

    std::mutex m_dataMutex; // Alchemy's dataMutex
    std::mutex m_hooksMutex;
    std::vector<std::function<void()>> m_deferred;
    std::vector<std::function<void()>> m_cleanups;
};

} // namespace athanor

#pragma once

#include "events/EngineEvent.h"
#include "lifecycle/Phase.h"

#include "json/Json.h"
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace athanor {

// Cooperative cancellation in two steps, as Terraform's first and second Ctrl-C:
//  * cancel(): no new resource starts; running ones finish, so every record ends created or never started.
//  * abort(): additionally stops what is running (a command's process group is killed); the records of those
//    resources stay creating / updating, which the next `up` resumes (reference §7.2).
class CancellationToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    void abort() {
        m_aborted.store(true, std::memory_order_relaxed);
        cancel();
    }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    bool isAborted() const { return m_aborted.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_aborted{false};
};

// Thrown by ProviderContext::replace(): the handler stops, the engine replaces the resource (reference §7.4).
struct ReplaceSignal {
    bool force = false;
};

// A handler's failure; the message reaches the user verbatim next to the resource's FQN.
class ProviderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a handler sees (Alchemy's `this` in a resource handler, reference §7.2).
// Values are in "plain" form: a secret is {"@secret": <plaintext string or JSON value>}; use
// unwrapSecrets() (providers/PlainJson.h) to get raw values for commands and files.
class ProviderContext {
public:
    virtual ~ProviderContext() = default;
    virtual HandlerPhase phase() const = 0;
    virtual const std::string& id() const = 0;
    virtual const std::string& fqn() const = 0;
    virtual const std::string& stage() const = 0;
    virtual const Json& props() const = 0;          // the props being applied (on delete: the stored props)
    virtual const Json& previousProps() const = 0;  // props of the last attempt ({} on a first create)
    virtual const Json& previousOutput() const = 0; // last stored output (null on a first create)
    virtual bool isReplacement() const = 0;
    virtual bool adopt() const = 0; // --adopt: take an existing object instead of failing
    virtual bool quiet() const = 0;
    // Relative paths in props resolve against this folder (the stack file's folder).
    virtual const std::filesystem::path& workingDirectory() const = 0;
    virtual const CancellationToken& cancellation() const = 0;
    // The record's `data` object; Athanor persists what a handler sets (Alchemy loses it, §14.3).
    virtual std::optional<Json> dataGet(const std::string& key) = 0;
    virtual void dataSet(const std::string& key, Json value) = 0;
    virtual void dataDelete(const std::string& key) = 0;
    // Only valid on update; throws ReplaceSignal.
    [[noreturn]] virtual void replace(bool force = false) = 0;
    virtual void log(LogLevel level, const std::string& message) = 0;
};

// A resource kind's handler. One instance serves every resource of its kind, possibly concurrently.
class Provider {
public:
    virtual ~Provider() = default;
    virtual std::string kind() const = 0;
    virtual bool alwaysUpdate() const { return false; } // os::Exec: never skipped
    // Create (ctx.phase() == Create) or update (Update). Returns the output without the symbol envelope
    // (the engine adds it); secret values as {"@secret": plaintext}. Throws ProviderError on failure.
    virtual Json apply(ProviderContext& ctx) = 0;
    // Delete (ctx.phase() == Delete): props()/previousOutput() hold what state has.
    virtual void remove(ProviderContext& ctx) = 0;

    // What deleting the resource `id` with these stored props (secrets still sealed) may touch outside the
    // state, so that only deletions that cannot meet run at the same time: nullopt = anything (the default:
    // it waits for every deletion before it in Alchemy's order and every later one waits for it), an empty
    // list = nothing, else files or folders (with all they hold), relative to the working directory or
    // absolute.
    virtual std::optional<std::vector<std::string>> deleteFootprint(const std::string& id,
                                                                    const Json& props) const {
        (void)id;
        (void)props;
        return std::nullopt;
    }

    // Whether an update from `previousProps` to `props` replaces the resource, decided from props alone so
    // that a plan says what the run will do; apply() must decide the same way (call this). Unknown (the
    // default): the handler decides while it runs. `reason` gets why, e.g. "triggers changed".
    enum class Replacement { No, Yes, Unknown };
    virtual Replacement replacementFor(const Json& previousProps, const Json& props,
                                       std::string& reason) const {
        (void)previousProps;
        (void)props;
        (void)reason;
        return Replacement::Unknown;
    }
};

class ProviderRegistry {
public:
    // Throws std::invalid_argument when the kind is already registered.
    void add(std::unique_ptr<Provider> provider);
    Provider* find(const std::string& kind) const;
    std::vector<std::string> kinds() const;
    // fs::File, fs::Folder, fs::CopyFile, os::Exec, random::String, athanor::Command
    static std::shared_ptr<ProviderRegistry> withBuiltins();

private:
    std::map<std::string, std::shared_ptr<Provider>> m_providers;
};

} // namespace athanor

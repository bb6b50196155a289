#pragma once
// Shared pieces of the lifecycle tests: configurable test providers, an in-memory stack builder, an event
// recorder and file-tree snapshots.

#include "EngineTestFiles.h"
#include "events/EngineEvent.h"
#include "lifecycle/RunApi.h"
#include "providers/Provider.h"
#include "stack/StackModel.h"
#include "store/AtomicFile.h"

#include "json/JsonParse.h"
#include <QtTest>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace lifecycle_test {

using test_files::filesBelow;
using test_files::fixtureDir;
using test_files::readFile;
using test_files::writeFile;

using namespace athanor;
namespace fs = std::filesystem;

// Every handler call, in order: "create shop/dev/a", "delete shop/dev/b", ...
struct CallLog {
    std::mutex mutex;
    std::vector<std::string> calls;
    std::atomic<int> running{0};
    std::atomic<int> maxRunning{0};
    void add(const std::string& call) {
        std::lock_guard lock(mutex);
        calls.push_back(call);
    }
    std::vector<std::string> snapshot() {
        std::lock_guard lock(mutex);
        return calls;
    }
};

// A provider whose behaviour is given by lambdas; by default it returns its props as output.
class TestProvider final : public Provider {
public:
    using ApplyFn = std::function<Json(ProviderContext&)>;
    using RemoveFn = std::function<void(ProviderContext&)>;

    TestProvider(std::string kind, std::shared_ptr<CallLog> log, ApplyFn apply = {}, RemoveFn remove = {},
                 bool alwaysUpdate = false)
        : m_kind(std::move(kind)), m_log(std::move(log)), m_apply(std::move(apply)),
          m_remove(std::move(remove)), m_alwaysUpdate(alwaysUpdate) {}

    std::string kind() const override { return m_kind; }
    bool alwaysUpdate() const override { return m_alwaysUpdate; }

    // Deletions of this kind touch the files named by the prop "path" (ordering tests); without it, anything.
    TestProvider& withPathFootprint() {
        m_pathFootprint = true;
        return *this;
    }
    std::optional<std::vector<std::string>> deleteFootprint(const std::string&,
                                                            const Json& props) const override {
        if (!m_pathFootprint)
            return std::nullopt;
        if (props.is_object() && props.contains("path"))
            return std::vector<std::string>{props["path"].get<std::string>()};
        return std::vector<std::string>{};
    }

    Json apply(ProviderContext& ctx) override {
        Running running(*m_log);
        m_log->add(std::string(ctx.phase() == HandlerPhase::Create ? "create " : "update ") + ctx.fqn());
        if (const Json* ms = ctx.props().is_object() && ctx.props().contains("sleepMs")
                                 ? &ctx.props()["sleepMs"]
                                 : nullptr)
            std::this_thread::sleep_for(std::chrono::milliseconds(ms->get<int>()));
        if (m_apply)
            return m_apply(ctx);
        return ctx.props();
    }
    void remove(ProviderContext& ctx) override {
        m_log->add("delete " + ctx.fqn());
        Running running(*m_log);
        if (const Json* ms = ctx.props().is_object() && ctx.props().contains("deleteMs")
                                 ? &ctx.props()["deleteMs"]
                                 : nullptr)
            std::this_thread::sleep_for(std::chrono::milliseconds(ms->get<int>()));
        if (m_remove)
            m_remove(ctx);
    }

private:
    struct Running {
        explicit Running(CallLog& log) : m_log(log) {
            const int now = ++m_log.running;
            int seen = m_log.maxRunning.load();
            while (now > seen && !m_log.maxRunning.compare_exchange_weak(seen, now)) {
            }
        }
        ~Running() { --m_log.running; }
        CallLog& m_log;
    };
    std::string m_kind;
    std::shared_ptr<CallLog> m_log;
    ApplyFn m_apply;
    RemoveFn m_remove;
    bool m_alwaysUpdate;
    bool m_pathFootprint = false;
};

class RecordingSink final : public EventSink {
public:
    void onEvent(const EngineEvent& event) override {
        std::lock_guard lock(m_mutex);
        m_events.push_back(event);
    }
    std::vector<EngineEvent> events() {
        std::lock_guard lock(m_mutex);
        return m_events;
    }
    // "created shop/dev/a" lines for resource transitions, in order.
    std::vector<std::string> transitions() {
        std::vector<std::string> out;
        for (const auto& e : events())
            if (e.type != EventType::Log && e.type != EventType::RunStarted &&
                e.type != EventType::RunFinished)
                out.push_back(std::string(toString(e.type)) + " " + e.fqn);
        return out;
    }
    std::vector<std::string> logs(LogLevel atLeast = LogLevel::Warn) {
        std::vector<std::string> out;
        for (const auto& e : events())
            if (e.type == EventType::Log && e.level >= atLeast)
                out.push_back(e.message);
        return out;
    }
    void clear() {
        std::lock_guard lock(m_mutex);
        m_events.clear();
    }

private:
    std::mutex m_mutex;
    std::vector<EngineEvent> m_events;
};

inline DeclaredResource resource(std::string id, std::string kind, Json props,
                                 std::vector<std::string> dependsOn = {}) {
    DeclaredResource r;
    r.id = std::move(id);
    r.kind = std::move(kind);
    r.props = std::move(props);
    r.jsonPath = "/resources/" + r.id;
    r.dependsOn = std::move(dependsOn);
    return r;
}

// A copyable description of a declared scope (DeclaredScope itself is move-only: it may hold a password).
struct ScopeSpec {
    std::string name;
    std::vector<DeclaredResource> resources;
    std::vector<ScopeSpec> scopes;
    std::string password;
};

inline ScopeSpec scope(std::string name, std::vector<DeclaredResource> resources,
                       std::vector<ScopeSpec> scopes = {}) {
    return ScopeSpec{std::move(name), std::move(resources), std::move(scopes), {}};
}

inline DeclaredScope toDeclared(const ScopeSpec& spec, const std::string& parentPath) {
    DeclaredScope s;
    s.name = spec.name;
    s.resources = spec.resources;
    s.jsonPath = parentPath + "/scopes/" + spec.name;
    if (!spec.password.empty())
        s.password = SecureString(spec.password);
    for (const auto& child : spec.scopes)
        s.scopes.push_back(toDeclared(child, s.jsonPath));
    return s;
}

inline StackFile stack(const fs::path& folder, std::string app, std::vector<DeclaredResource> resources,
                       std::vector<ScopeSpec> scopes = {}) {
    StackFile s;
    s.folder = folder;
    s.file = folder / "alchemy.stack.json";
    s.app = std::move(app);
    s.root.resources = std::move(resources);
    for (const auto& spec : scopes)
        s.root.scopes.push_back(toDeclared(spec, ""));
    return s;
}

inline RunOptions options(Phase phase, const fs::path& root, std::shared_ptr<ProviderRegistry> providers,
                          std::string stage = "dev") {
    RunOptions o;
    o.phase = phase;
    o.root = root;
    o.stage = std::move(stage);
    o.providers = std::move(providers);
    o.durability = Durability::Fast;
    return o;
}

inline Json readJson(const fs::path& file) {
    return parseJsonText(readFile(file));
}

// Copies a read-only fixture tree and makes the copy writable.
inline void copyTree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const auto& entry : fs::recursive_directory_iterator(to))
        fs::permissions(entry.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec,
                        fs::perm_options::add);
    fs::permissions(to, fs::perms::owner_all, fs::perm_options::add);
}

} // namespace lifecycle_test

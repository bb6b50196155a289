#pragma once

#include "lifecycle/RunReporter.h"
#include "lifecycle/Scope.h"
#include "providers/Provider.h"

#include <filesystem>
#include <string>

namespace athanor {

// The engine's ProviderContext: what one handler call sees (Alchemy's `this`, reference §7.2). Data calls go
// to the resource's own record through its scope (persisted, unlike Alchemy, §14.3); a context without a
// data scope (cleaning up a replaced copy) keeps data in memory only.
class ResourceContext final : public ProviderContext {
public:
    struct Setup {
        HandlerPhase phase = HandlerPhase::Create;
        std::string kind;
        std::string id;
        std::string fqn;
        std::string stage;
        Json props = Json::object();
        Json previousProps = Json::object();
        Json previousOutput; // null on a first create
        bool isReplacement = false;
        bool adopt = false;
        bool quiet = false;
        std::filesystem::path workingDirectory;
        const CancellationToken* cancel = nullptr;
        Scope* dataScope = nullptr; // the resource's own scope; its data is the record's `data`
        RunReporter* reporter = nullptr;
    };

    explicit ResourceContext(Setup setup);

    HandlerPhase phase() const override { return m_setup.phase; }
    const std::string& id() const override { return m_setup.id; }
    const std::string& fqn() const override { return m_setup.fqn; }
    const std::string& stage() const override { return m_setup.stage; }
    const Json& props() const override { return m_setup.props; }
    const Json& previousProps() const override { return m_setup.previousProps; }
    const Json& previousOutput() const override { return m_setup.previousOutput; }
    bool isReplacement() const override { return m_setup.isReplacement; }
    bool adopt() const override { return m_setup.adopt; }
    bool quiet() const override { return m_setup.quiet; }
    const std::filesystem::path& workingDirectory() const override { return m_setup.workingDirectory; }
    const CancellationToken& cancellation() const override;
    std::optional<Json> dataGet(const std::string& key) override;
    void dataSet(const std::string& key, Json value) override;
    void dataDelete(const std::string& key) override;
    [[noreturn]] void replace(bool force) override;
    void log(LogLevel level, const std::string& message) override;

private:
    Setup m_setup;
    Json m_memoryData = Json::object();
};

} // namespace athanor

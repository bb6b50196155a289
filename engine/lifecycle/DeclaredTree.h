#pragma once

#include "lifecycle/RunContext.h"
#include "stack/StackModel.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace athanor {

struct DeclaredTask;

// A scope the stack file declares, bound to its Scope object.
struct DeclaredScopeNode {
    const DeclaredScope* decl = nullptr;
    Scope* scope = nullptr;
    DeclaredScopeNode* parent = nullptr;
    std::string path;                            // relative to the stage: "" for the stage, "storage/cache"
    int64_t seq = 0;                             // a child scope's seq in its parent (naked scope record)
    std::unordered_set<std::string> declaredIds; // resource ids and child scope names: the rest is orphans
    std::vector<std::unique_ptr<DeclaredScopeNode>> children;
    std::vector<DeclaredTask*> tasks; // its declared resources, in declaration order
    std::string problem;              // set when the scope's record conflicts or cannot be read
};

// A resource the stack file declares, with what its run produced.
struct DeclaredTask {
    const DeclaredResource* decl = nullptr;
    DeclaredScopeNode* owner = nullptr;
    int64_t seq = 0;
    std::string fqn;                       // app/stage/.../id
    std::string path;                      // relative to the stage, as $ref names it
    std::vector<size_t> dependencies;      // task indices
    bool declaredPropsHoldSecrets = false; // containsPlainSecrets(decl->props), walked once

    // Filled when the resource was applied or skipped; read by dependents after it finished.
    std::optional<Json> serializedOutput;
    // Instead of serializedOutput, for a skipped resource: its record's text, whose output is parsed only
    // when a dependent needs it (most outputs never are). Kept only when outputNeeded: holding every record's
    // text of a large no-change up cost more in fresh heap pages than reading the records.
    std::shared_ptr<const std::string> serializedRecordText;
    bool outputNeeded = false; // another declared resource has a $ref to it (dependencies are the $refs)
    bool handlerRan = false;
    // Its change was made but its settled record could not be written (waves write it after the change):
    // what depends on it is not applied.
    std::atomic<bool> recordFailed{false};
    bool nestedPendingDeletions = false; // its record's data lists replaced nested copies
    // Up: where its line is in the run's plan (PlannedChange), once it has one.
    std::optional<size_t> planIndex;
    std::optional<Json> plainOutput(const RunContext& run);

private:
    std::mutex m_outputMutex;
    std::optional<Json> m_plainOutput;
};

// The declared resources and scopes of a stack file, in declaration order (= seq order, resources of a scope
// before its child scopes, pre-order), with each scope's password set. Construction validates what can be
// checked before anything changes: $ref targets exist and secrets have a password.
class DeclaredTree {
public:
    DeclaredTree(RunContext& run, const StackFile& stack);

    DeclaredScopeNode& stageNode() { return *m_stage; }
    std::vector<std::unique_ptr<DeclaredTask>>& tasks() { return m_tasks; }
    std::optional<size_t> taskIndex(const std::string& path) const;
    // Pre-order list of declared scopes (the stage first).
    std::vector<DeclaredScopeNode*> scopes();

private:
    void addScope(DeclaredScopeNode& node);
    // Builds m_byPath once, when a $ref first needs it (most stacks have none); safe from reader threads.
    void indexPaths() const;

    RunContext& m_run;
    std::unique_ptr<DeclaredScopeNode> m_stage;
    std::vector<std::unique_ptr<DeclaredTask>> m_tasks;
    mutable std::once_flag m_pathsIndexed;
    mutable std::unordered_map<std::string, size_t> m_byPath; // task path -> index
};

// Replaces every {"$ref": path, "output": "a.b"} in plain props by the referenced resource's output value
// (the whole output envelope without "output"). Throws RunFailure naming the reference when the path is
// missing from the output.
Json substituteRefs(const Json& props, DeclaredTree& tree, RunContext& run);
// The same, except that a $ref for which `unknown(target, outputPath)` gives a value gets that value instead
// (a plan's "known after apply" for a resource that will change; outputPath is "" for the whole output).
using UnknownRefValue =
    std::function<std::optional<Json>(const DeclaredTask& target, const std::string& outputPath)>;
Json substituteRefs(const Json& props, DeclaredTree& tree, RunContext& run, const UnknownRefValue& unknown);

// True for an unresolved {"$ref": ...} object.
bool isRefObject(const Json& node);

} // namespace athanor

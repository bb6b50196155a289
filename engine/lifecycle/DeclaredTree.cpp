#include "lifecycle/DeclaredTree.h"

#include "serde/PlainForms.h"
#include "store/RecordParse.h"

namespace athanor {

std::optional<Json> DeclaredTask::plainOutput(const RunContext& run) {
    std::lock_guard lock(m_outputMutex);
    if (!m_plainOutput && !serializedOutput && serializedRecordText) {
        Json doc = parseRecordText(*serializedRecordText); // parsed once already: valid
        serializedOutput = doc.contains("output") ? std::move(doc["output"]) : Json::object();
    }
    if (!m_plainOutput && serializedOutput)
        m_plainOutput = run.open(*serializedOutput, fqn); // opened once, only when a dependent needs it
    return m_plainOutput;
}

DeclaredTree::DeclaredTree(RunContext& run, const StackFile& stack) : m_run(run) {
    m_stage = std::make_unique<DeclaredScopeNode>();
    m_stage->decl = &stack.root;
    m_stage->scope = &run.stage();
    if (stack.password && !stack.password->empty())
        m_stage->scope->setPassword(stack.password->clone());
    else if (!run.passwords.empty())
        m_stage->scope->setPassword(run.passwords.at(0).clone());
    size_t resources = 0;
    for (std::vector<const DeclaredScope*> pending{&stack.root}; !pending.empty();) {
        const DeclaredScope* scope = pending.back();
        pending.pop_back();
        resources += scope->resources.size();
        for (const DeclaredScope& child : scope->scopes)
            pending.push_back(&child);
    }
    m_tasks.reserve(resources);
    addScope(*m_stage);

    for (auto& task : m_tasks) {
        if (!task->decl->dependsOn.empty())
            indexPaths();
        for (const std::string& dependency : task->decl->dependsOn) {
            auto it = m_byPath.find(dependency);
            if (it == m_byPath.end())
                throw StackError(stack.file.string() + ": " + task->decl->jsonPath + ": $ref \"" +
                                 dependency + "\" names no declared resource");
            task->dependencies.push_back(it->second);
            m_tasks[it->second]->outputNeeded = true;
        }
        task->declaredPropsHoldSecrets = containsPlainSecrets(task->decl->props);
        if (task->declaredPropsHoldSecrets && !task->owner->scope->password())
            throw StackError(
                stack.file.string() + ": " + task->decl->jsonPath +
                ": the props hold a secret but there is no password (set ALCHEMY_PASSWORD or the "
                "stack file's \"password\")");
    }
}

void DeclaredTree::addScope(DeclaredScopeNode& node) {
    const DeclaredScope& decl = *node.decl;
    int64_t seq = 0;
    node.declaredIds.reserve(decl.resources.size() + decl.scopes.size());
    node.tasks.reserve(decl.resources.size());
    const std::string fqnPrefix = node.scope->chainText() + "/";
    for (const DeclaredResource& resource : decl.resources) {
        auto task = std::make_unique<DeclaredTask>();
        task->decl = &resource;
        task->owner = &node;
        task->seq = seq++;
        task->fqn = fqnPrefix + resource.id; // Scope::fqn(), without building the chain's text each time
        task->path = node.path.empty() ? resource.id : node.path + "/" + resource.id;
        node.declaredIds.insert(resource.id);
        node.tasks.push_back(task.get());
        m_tasks.push_back(std::move(task));
    }
    for (const DeclaredScope& childDecl : decl.scopes) {
        auto child = std::make_unique<DeclaredScopeNode>();
        child->decl = &childDecl;
        child->parent = &node;
        child->scope = &node.scope->child(childDecl.name);
        child->path = node.path.empty() ? childDecl.name : node.path + "/" + childDecl.name;
        child->seq = seq++;
        if (childDecl.password && !childDecl.password->empty())
            child->scope->setPassword(childDecl.password->clone());
        node.declaredIds.insert(childDecl.name);
        node.children.push_back(std::move(child));
    }
    node.scope->reserveSeqs(seq); // later synthesised records (the stage's own) continue from here
    for (auto& child : node.children)
        addScope(*child);
}

void DeclaredTree::indexPaths() const {
    std::call_once(m_pathsIndexed, [this] {
        m_byPath.reserve(m_tasks.size());
        for (size_t i = 0; i < m_tasks.size(); ++i)
            m_byPath[m_tasks[i]->path] = i; // the last of equal paths, as when indexed while adding
    });
}

std::optional<size_t> DeclaredTree::taskIndex(const std::string& path) const {
    indexPaths();
    auto it = m_byPath.find(path);
    if (it == m_byPath.end())
        return std::nullopt;
    return it->second;
}

std::vector<DeclaredScopeNode*> DeclaredTree::scopes() {
    std::vector<DeclaredScopeNode*> out;
    std::vector<DeclaredScopeNode*> stack{m_stage.get()};
    while (!stack.empty()) {
        DeclaredScopeNode* node = stack.back();
        stack.pop_back();
        out.push_back(node);
        for (auto it = node->children.rbegin(); it != node->children.rend(); ++it)
            stack.push_back(it->get());
    }
    return out;
}

bool isRefObject(const Json& node) {
    if (!node.is_object() || node.empty() || node.size() > 2)
        return false;
    auto ref = node.find("$ref");
    if (ref == node.end() || !ref->is_string())
        return false;
    if (node.size() == 2) {
        auto output = node.find("output");
        return output != node.end() && output->is_string();
    }
    return true;
}

namespace {

const Json* followDottedPath(const Json& value, const std::string& dotted) {
    const Json* current = &value;
    size_t start = 0;
    while (start <= dotted.size()) {
        const size_t dot = dotted.find('.', start);
        const std::string part =
            dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (current->is_object()) {
            auto it = current->find(part);
            if (it == current->end())
                return nullptr;
            current = &*it;
        } else if (current->is_array()) {
            size_t index = 0;
            if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos)
                return nullptr;
            index = std::stoul(part);
            if (index >= current->size())
                return nullptr;
            current = &(*current)[index];
        } else {
            return nullptr;
        }
        if (dot == std::string::npos)
            break;
        start = dot + 1;
    }
    return current;
}

void substituteInPlace(Json& node, DeclaredTree& tree, RunContext& run, const UnknownRefValue& unknown) {
    if (isRefObject(node)) {
        const std::string path = node["$ref"].get<std::string>();
        const auto index = tree.taskIndex(path);
        if (!index)
            throw RunFailure("$ref \"" + path + "\" names no declared resource");
        DeclaredTask& target = *tree.tasks()[*index];
        if (unknown) {
            if (std::optional<Json> value = unknown(
                    target, node.contains("output") ? node["output"].get<std::string>() : std::string())) {
                node = std::move(*value);
                return;
            }
        }
        std::optional<Json> output = target.plainOutput(run);
        if (!output)
            throw RunFailure("$ref \"" + path + "\": " + target.fqn + " has no output");
        if (!node.contains("output")) {
            node = std::move(*output); // the whole envelope, as Alchemy stores a resource passed as a prop
            return;
        }
        const std::string dotted = node["output"].get<std::string>();
        const Json* value = followDottedPath(*output, dotted);
        if (!value)
            throw RunFailure("$ref \"" + path + "\": the output of " + target.fqn + " has no \"" + dotted +
                             "\"");
        node = *value;
        return;
    }
    if (node.is_array()) {
        for (auto& element : node)
            substituteInPlace(element, tree, run, unknown);
    } else if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            substituteInPlace(it.value(), tree, run, unknown);
    }
}

} // namespace

Json substituteRefs(const Json& props, DeclaredTree& tree, RunContext& run) {
    return substituteRefs(props, tree, run, {});
}

Json substituteRefs(const Json& props, DeclaredTree& tree, RunContext& run, const UnknownRefValue& unknown) {
    Json out = props;
    substituteInPlace(out, tree, run, unknown);
    return out;
}

} // namespace athanor

#include "stack/StackLoader.h"

#include "providers/Provider.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/RecordParse.h"
#include "store/StoreError.h"

#include "json/JsonParse.h"
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

namespace athanor {
namespace {

std::string_view typeName(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    default:
        return "a number";
    }
}

// A stack file this large (about 3,000 resources) is converted and read on several threads; a smaller one is
// done on one before the helpers would have paid for their start (1,000 resources: 2.5-5 ms on one thread,
// 4.8 ms and more on four).
constexpr size_t kParallelStackBytes = 1024 * 1024;

unsigned loaderThreads() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

class Loader {
public:
    // `recordDeclarations`: a helper reading one child scope; it records what it declares instead of
    // checking it against the rest of the file (adoptChild() does that in document order).
    explicit Loader(const std::filesystem::path& file, bool recordDeclarations = false)
        : m_file(file), m_recordDeclarations(recordDeclarations) {}

    StackFile load() {
        const std::optional<std::string> text = read();
        m_parallel = text->size() >= kParallelStackBytes && loaderThreads() > 1;
        Json document;
        try {
            // The record fast path (simdjson) gives parseJsonText()'s exact result and falls back to it for
            // anything else, errors included: a 10,000-resource stack parses in a fraction of the time.
            document = m_parallel ? parseLargeJsonText(*text, loaderThreads()) : parseRecordText(*text);
        } catch (const JsonParseError& e) {
            throw StackError(m_file.string() + ": " + e.what());
        }
        expectObject(document, "");
        checkKeys(document, "", {"$schema", "app", "password", "resources", "scopes"});

        StackFile stack;
        stack.file = m_file;
        stack.folder = std::filesystem::absolute(m_file).lexically_normal().parent_path();
        const auto app = document.find("app");
        if (app == document.end())
            fail("", "\"app\" is required (the application name)");
        if (!app->is_string())
            fail("/app", "must be a string, not " + std::string(typeName(*app)));
        stack.app = app->get<std::string>();
        requireName(stack.app, "/app", "app name");
        if (const auto password = document.find("password"); password != document.end())
            stack.password = readPassword(*password, "/password");
        // The props are moved out of the parsed document, expanded in place: a 10,000-resource stack is
        // converted once, never copied.
        stack.root = readScope(document, "", "", {});
        checkReferences(stack);
        return stack;
    }

private:
    [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
        throw StackError(m_file.string() + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " +
                         problem);
    }

    std::optional<std::string> read() const {
        std::error_code ec;
        if (std::filesystem::is_directory(m_file, ec))
            throw StackError(m_file.string() + ": is a folder, not a stack file");
        std::optional<std::string> text;
        try {
            text = readWholeFile(m_file);
        } catch (const std::exception& e) {
            throw StackError(m_file.string() + ": cannot read: " + e.what());
        }
        if (!text)
            throw StackError(m_file.string() + ": no such stack file");
        return text;
    }

    void expectObject(const Json& value, const std::string& pointer) const {
        if (!value.is_object())
            fail(pointer, "must be an object, not " + std::string(typeName(value)));
    }

    void checkKeys(const Json& object, const std::string& pointer,
                   std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : object.items()) {
            bool isKnown = false;
            for (auto k : known)
                isKnown = isKnown || k == key;
            if (!isKnown) {
                std::string expected;
                for (auto k : known)
                    expected += (expected.empty() ? "" : ", ") + std::string(k);
                fail(pointer + "/" + jsonPointerToken(key),
                     "unknown key \"" + key + "\" (expected " + expected + ")");
            }
        }
    }

    void requireName(const std::string& name, const std::string& pointer, std::string_view what) const {
        try {
            requireValidId(name, what);
        } catch (const StoreError& e) {
            fail(pointer, e.what());
        }
        if (what != "resource id" && name.find('/') != std::string::npos)
            fail(pointer, "invalid " + std::string(what) + " \"" + name + "\": it contains '/'");
    }

    SecureString readPassword(const Json& value, const std::string& pointer) {
        Json resolved = value;
        std::string at = pointer;
        expandInPlace(resolved, at, ExpandMode::Password);
        if (!resolved.is_string())
            fail(pointer, "must be a string or {\"$env\": \"NAME\"}, not " + std::string(typeName(resolved)));
        return SecureString(resolved.get<std::string>());
    }

    // One child scope read by a helper thread: its scope or the error it stopped at, and what it declared
    // before that.
    struct ChildRead {
        std::optional<DeclaredScope> scope;
        std::exception_ptr error;
        std::vector<std::pair<std::string, std::string>> declared; // (path, JSON pointer), in order
        std::vector<std::pair<std::string, std::string>> references;
    };

    // Reads every child scope of `scopes` at once, each on its own Loader (their subtrees are disjoint).
    // Nothing is checked across them here: adoptChild() replays each in document order.
    std::vector<ChildRead> readChildScopesInParallel(Json& scopes, const std::string& scopesPointer,
                                                     const std::string& path) {
        auto& members = scopes.get_ref<Json::object_t&>();
        std::vector<ChildRead> reads(members.size());
        std::atomic<size_t> next{0};
        const auto work = [&] {
            for (size_t i = next++; i < members.size(); i = next++) {
                auto& [childName, declaration] = *(members.begin() + static_cast<std::ptrdiff_t>(i));
                if (!declaration.is_object())
                    continue; // the scope's own check fails first
                std::string at = scopesPointer;
                appendJsonPointerToken(at, childName);
                Loader helper(m_file, true);
                try {
                    reads[i].scope = helper.readScope(declaration, at, childName,
                                                      path.empty() ? childName : path + "/" + childName);
                    // What is left of its resources and scopes (ids, emptied declarations) is never read
                    // again (the scope's own keys and password are): freed here rather than one by one on
                    // the loading thread with the document.
                    for (const char* key : {"resources", "scopes"})
                        if (const auto left = declaration.find(key); left != declaration.end())
                            *left = Json::object();
                } catch (...) {
                    reads[i].error = std::current_exception();
                }
                reads[i].declared = std::move(helper.m_declarations);
                reads[i].references = std::move(helper.m_references);
            }
        };
        std::vector<std::jthread> helpers;
        const size_t extra = std::min<size_t>(loaderThreads() - 1, members.size() - 1);
        for (size_t t = 0; t < extra; ++t)
            helpers.emplace_back(work);
        work();
        return reads;
    }

    // A child scope read by a helper, taken in as if read here: its declarations checked and listed in
    // order, then its error (the first one the sequential read would have met).
    DeclaredScope adoptChild(ChildRead&& read) {
        for (auto& [path, pointer] : read.declared) {
            if (const auto [it, inserted] = m_declared.emplace(path, pointer); !inserted)
                fail(pointer, "declares \"" + path + "\" again (first declared at " + it->second + ")");
            m_order.push_back(std::move(path));
        }
        for (auto& reference : read.references)
            m_references.push_back(std::move(reference));
        if (read.error)
            std::rethrow_exception(read.error);
        return std::move(*read.scope);
    }

    DeclaredScope readScope(Json& object, const std::string& pointer, const std::string& name,
                            const std::string& path) {
        DeclaredScope scope;
        scope.name = name;
        scope.jsonPath = pointer;
        Json* resources = nullptr;
        if (const auto found = object.find("resources"); found != object.end()) {
            resources = &*found;
            const std::string resourcesPointer = pointer + "/resources";
            expectObject(*resources, resourcesPointer);
            scope.resources.reserve(resources->size());
            for (auto& [id, declaration] : resources->items()) {
                std::string at = resourcesPointer;
                appendJsonPointerToken(at, id);
                requireName(id, at, "resource id");
                scope.resources.push_back(readResource(declaration, std::move(at), id, path));
            }
        }
        if (const auto scopes = object.find("scopes"); scopes != object.end()) {
            const std::string scopesPointer = pointer + "/scopes";
            expectObject(*scopes, scopesPointer);
            // The stage's child scopes hold nearly every resource of a large file: read on several threads.
            std::vector<ChildRead> readAhead;
            if (m_parallel && pointer.empty() && scopes->size() > 1)
                readAhead = readChildScopesInParallel(*scopes, scopesPointer, path);
            size_t index = 0;
            for (auto& [childName, declaration] : scopes->items()) {
                std::string at = scopesPointer;
                appendJsonPointerToken(at, childName);
                requireName(childName, at, "scope name");
                if (resources && resources->contains(childName))
                    fail(at, "scope \"" + childName +
                                 "\" has the same name as a resource of its parent scope "
                                 "(both would be stored as " +
                                 childName + ".json)");
                expectObject(declaration, at);
                checkKeys(declaration, at, {"password", "resources", "scopes"});
                DeclaredScope child = readAhead.empty()
                                          ? readScope(declaration, at, childName,
                                                      path.empty() ? childName : path + "/" + childName)
                                          : adoptChild(std::move(readAhead[index]));
                ++index;
                if (const auto password = declaration.find("password"); password != declaration.end())
                    child.password = readPassword(*password, at + "/password");
                scope.scopes.push_back(std::move(child));
            }
        }
        return scope;
    }

    DeclaredResource readResource(Json& declaration, std::string pointer, const std::string& id,
                                  const std::string& scopePath) {
        expectObject(declaration, pointer);
        checkKeys(declaration, pointer, {"kind", "props"});
        DeclaredResource resource;
        resource.id = id;
        const auto kind = declaration.find("kind");
        if (kind == declaration.end())
            fail(pointer, "\"kind\" is required (for example \"fs::File\")");
        if (!kind->is_string() || kind->get_ref<const std::string&>().empty())
            fail(pointer + "/kind", "must be a non-empty string");
        resource.kind = std::move(kind->get_ref<std::string&>());
        if (const auto props = declaration.find("props"); props != declaration.end()) {
            m_pointer.assign(pointer);
            m_pointer += "/props";
            expectObject(*props, m_pointer);
            m_currentDependencies = &resource.dependsOn;
            expandInPlace(*props, m_pointer, ExpandMode::Props);
            m_currentDependencies = nullptr;
            resource.props.swap(*props); // its empty default goes to the document, freed with it
        }
        std::string path = scopePath.empty() ? id : scopePath + "/" + id;
        if (m_recordDeclarations) {
            m_declarations.emplace_back(std::move(path), pointer);
        } else {
            if (const auto [it, inserted] = m_declared.emplace(path, pointer); !inserted)
                fail(pointer, "declares \"" + path + "\" again (first declared at " + it->second + ")");
            m_order.push_back(std::move(path));
        }
        resource.jsonPath = std::move(pointer);
        return resource;
    }

    enum class ExpandMode { Props, Secret, Password };

    // Replaces $env / $secret in `value` where it is, records $ref targets. `pointer` locates `value` for
    // errors; it is extended for the members and given back as it came (no string built per member).
    void expandInPlace(Json& value, std::string& pointer, ExpandMode mode) {
        const size_t length = pointer.size();
        if (value.is_array()) {
            for (size_t i = 0; i < value.size(); ++i) {
                if (!value[i].is_object() && !value[i].is_array())
                    continue;
                pointer += '/';
                pointer += std::to_string(i);
                expandInPlace(value[i], pointer, mode);
                pointer.resize(length);
            }
            return;
        }
        if (!value.is_object())
            return;
        if (value.contains("$env")) {
            value = expandEnv(value, pointer);
            return;
        }
        if (value.contains("$secret")) {
            if (mode != ExpandMode::Props)
                fail(pointer, "a $secret cannot be used here");
            checkKeys(value, pointer, {"$secret"});
            Json inner = std::move(value.at("$secret"));
            pointer += "/$secret";
            expandInPlace(inner, pointer, ExpandMode::Secret);
            pointer.resize(length);
            Json secret = Json::object();
            secret["@secret"] = std::move(inner);
            value = std::move(secret);
            return;
        }
        if (value.contains("$ref")) {
            if (mode != ExpandMode::Props)
                fail(pointer, "a $ref cannot be used here");
            checkKeys(value, pointer, {"$ref", "output"});
            const Json& target = value.at("$ref");
            if (!target.is_string() || target.get<std::string>().empty())
                fail(pointer + "/$ref",
                     "must be the path of a resource relative to the stage, e.g. \"storage/seed\"");
            if (const auto output = value.find("output"); output != value.end() && !output->is_string())
                fail(pointer + "/output", "must be a dotted path into the output, e.g. \"result.url\"");
            if (m_currentDependencies) {
                const std::string path = target.get<std::string>();
                bool known = false;
                for (const auto& d : *m_currentDependencies)
                    known = known || d == path;
                if (!known)
                    m_currentDependencies->push_back(path);
                m_references.push_back({path, pointer});
            }
            return;
        }
        for (auto& [key, member] : value.items()) {
            if (!member.is_object() && !member.is_array())
                continue; // nothing to expand in a string or number: no pointer built for it
            appendJsonPointerToken(pointer, key);
            expandInPlace(member, pointer, mode);
            pointer.resize(length);
        }
    }

    Json expandEnv(const Json& value, const std::string& pointer) {
        checkKeys(value, pointer, {"$env", "default"});
        const Json& name = value.at("$env");
        if (!name.is_string() || name.get<std::string>().empty())
            fail(pointer + "/$env", "must be the name of an environment variable");
        if (const char* text = std::getenv(name.get<std::string>().c_str()))
            return Json(text);
        if (const auto fallback = value.find("default"); fallback != value.end())
            return *fallback;
        fail(pointer,
             "environment variable " + name.get<std::string>() + " is not set (and no \"default\" is given)");
    }

    void checkReferences(const StackFile& stack) {
        if (m_references.empty())
            return; // nothing refers to anything: no unknown target, no cycle
        for (const auto& [path, pointer] : m_references) {
            if (!m_declared.count(path))
                fail(pointer, "unknown reference \"" + path + "\" (no resource is declared at that path)");
        }
        // Depth-first search for a cycle, in declaration order so the reported cycle is stable.
        std::map<std::string, const DeclaredResource*> byPath;
        std::function<void(const DeclaredScope&, const std::string&)> index = [&](const DeclaredScope& scope,
                                                                                  const std::string& prefix) {
            for (const auto& r : scope.resources)
                byPath[prefix.empty() ? r.id : prefix + "/" + r.id] = &r;
            for (const auto& s : scope.scopes)
                index(s, prefix.empty() ? s.name : prefix + "/" + s.name);
        };
        index(stack.root, "");
        // Iterative: a chain of $refs is as long as the file makes it, the stack is not.
        enum class Mark { Unvisited, Active, Done };
        std::map<std::string, Mark> marks;
        struct Step {
            std::string path;
            size_t nextDependency = 0;
        };
        std::vector<Step> trail; // the resources being visited, each waiting for its next dependency
        for (const auto& root : m_order) {
            if (marks[root] != Mark::Unvisited)
                continue;
            marks[root] = Mark::Active;
            trail.push_back({root, 0});
            while (!trail.empty()) {
                const std::vector<std::string>& dependencies = byPath.at(trail.back().path)->dependsOn;
                if (trail.back().nextDependency == dependencies.size()) {
                    marks[trail.back().path] = Mark::Done;
                    trail.pop_back();
                    continue;
                }
                const std::string dependency = dependencies[trail.back().nextDependency++];
                Mark& mark = marks[dependency];
                if (mark == Mark::Done)
                    continue;
                if (mark == Mark::Active) {
                    std::string cycle;
                    auto start = std::find_if(trail.begin(), trail.end(),
                                              [&](const Step& step) { return step.path == dependency; });
                    for (auto it = start; it != trail.end(); ++it)
                        cycle += it->path + " -> ";
                    fail(byPath.at(start->path)->jsonPath + "/props",
                         "reference cycle: " + cycle + dependency);
                }
                mark = Mark::Active;
                trail.push_back({dependency, 0});
            }
        }
    }

    std::filesystem::path m_file;
    bool m_recordDeclarations = false;
    bool m_parallel = false; // a large file: the stage's child scopes are read on several threads
    std::vector<std::pair<std::string, std::string>> m_declarations; // recordDeclarations: (path, pointer)
    std::unordered_map<std::string, std::string> m_declared;         // stage-relative path -> JSON pointer
    std::vector<std::string> m_order;
    std::vector<std::pair<std::string, std::string>> m_references; // target path, pointer of the $ref
    std::vector<std::string>* m_currentDependencies = nullptr;
    std::string m_pointer; // the props' JSON pointer, reused from resource to resource
};

} // namespace

StackFile loadStackFile(const std::filesystem::path& file) {
    return Loader(file).load();
}

void requireKnownKinds(const StackFile& stack, const ProviderRegistry& providers) {
    std::function<void(const DeclaredScope&)> check = [&](const DeclaredScope& scope) {
        for (const auto& resource : scope.resources) {
            if (!providers.find(resource.kind)) {
                std::string known;
                for (const auto& kind : providers.kinds())
                    known += (known.empty() ? "" : ", ") + kind;
                throw StackError(stack.file.string() + ": " + resource.jsonPath + "/kind: unknown kind \"" +
                                 resource.kind + "\" (known kinds: " + known + ")");
            }
        }
        for (const auto& child : scope.scopes)
            check(child);
    };
    check(stack.root);
}

} // namespace athanor

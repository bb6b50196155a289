#include "lifecycle/Scope.h"

#include "lifecycle/RecordBuilder.h"
#include "serde/PlainForms.h"
#include "store/IdCodec.h"
#include "store/StoreError.h"
#include "store/folder/FolderSource.h"

#include <stdexcept>

namespace athanor {

std::unique_ptr<Scope> Scope::createRoot(std::shared_ptr<const ScopeSettings> settings) {
    const std::string app = settings->app;
    return std::unique_ptr<Scope>(new Scope(std::move(settings), nullptr, app));
}

Scope::Scope(std::shared_ptr<const ScopeSettings> settings, Scope* parent, std::string name)
    : m_settings(std::move(settings)), m_parent(parent), m_name(std::move(name)) {
    requireValidId(m_name, "scope name");
    if (m_parent)
        m_chain = m_parent->m_chain;
    m_chain.push_back(m_name);
    m_store = m_settings->source ? m_settings->source->openStore(m_chain, m_settings->durability)
                                 : FolderSource(SourceSpec::folder(m_settings->layout.projectRoot))
                                       .openStore(m_chain, m_settings->durability);
    if (m_settings->beforeWrites)
        m_store = std::make_unique<ObservedStateStore>(std::move(m_store), m_settings->beforeWrites);
}

Scope::~Scope() = default;

std::string Scope::chainText() const {
    std::string text;
    for (const auto& part : m_chain) {
        if (!text.empty())
            text += '/';
        text += part;
    }
    return text;
}

std::string Scope::fqn(const std::string& id) const {
    return chainText() + "/" + id;
}

Scope& Scope::stageScope() {
    if (!isRoot())
        throw std::logic_error("only the root scope has a stage scope");
    return child(m_settings->stage);
}

Scope& Scope::child(const std::string& name) {
    std::lock_guard lock(m_childrenMutex);
    auto& slot = m_children[name];
    if (!slot)
        slot.reset(new Scope(m_settings, this, name));
    return *slot;
}

Scope* Scope::findChild(const std::string& name) const {
    std::lock_guard lock(m_childrenMutex);
    auto it = m_children.find(name);
    return it == m_children.end() ? nullptr : it->second.get();
}

void Scope::setPassword(SecureString password) {
    m_password = std::move(password);
}

const SecureString* Scope::password() const {
    for (const Scope* s = this; s; s = s->m_parent)
        if (s->m_password && !s->m_password->empty())
            return &*s->m_password;
    return nullptr;
}

std::string Scope::createPhysicalName(const std::string& id, const std::string& delimiter,
                                      std::optional<size_t> maxLength) const {
    std::vector<std::string> parts{appName()};
    for (size_t i = 2; i < m_chain.size(); ++i)
        parts.push_back(m_chain[i]);
    parts.push_back(id);
    parts.push_back(stage());
    const auto allowed = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-';
    };
    std::string name;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i)
            name += delimiter;
        for (char c : parts[i]) {
            if (allowed(c))
                name += c;
            else
                name += delimiter;
        }
    }
    if (!maxLength || name.size() <= *maxLength || delimiter.empty())
        return name;
    while (name.size() > *maxLength) {
        // Split the whole name by the delimiter, drop the last character of every piece, re-join.
        std::vector<std::string> pieces;
        size_t start = 0;
        for (size_t pos; (pos = name.find(delimiter, start)) != std::string::npos;
             start = pos + delimiter.size())
            pieces.push_back(name.substr(start, pos - start));
        pieces.push_back(name.substr(start));
        bool shrank = false;
        std::string shorter;
        for (size_t i = 0; i < pieces.size(); ++i) {
            if (!pieces[i].empty()) {
                pieces[i].pop_back();
                shrank = true;
            }
            if (i)
                shorter += delimiter;
            shorter += pieces[i];
        }
        if (!shrank) // only delimiters are left: Alchemy would loop forever
            throw std::invalid_argument("cannot shorten the physical name of \"" + id + "\" to " +
                                        std::to_string(*maxLength) + " characters");
        name = std::move(shorter);
    }
    return name;
}

void Scope::withScopeState(const std::function<bool(Json& record)>& change) {
    if (isRoot())
        throw std::logic_error("Root scope cannot contain state");
    std::lock_guard lock(m_dataMutex);
    StateStore& parentStore = m_parent->store();
    std::optional<StateRecord> record = parentStore.get(m_name); // UnreadableRecordError propagates
    Json doc;
    if (record) {
        doc = std::move(record->document());
    } else if (isStage()) {
        const int64_t seq = nextSeq();
        const int64_t outputSeq = nextSeq();
        doc = records::stageScope(m_name, m_parent->fqn(m_name), seq, outputSeq);
    } else {
        throw StoreError("the state record of scope " + chainText() + " does not exist");
    }
    if (!doc.contains("data") || !doc["data"].is_object())
        doc["data"] = Json::object();
    if (change(doc)) {
        ++m_stateWrites; // before the write: a failed write may still have replaced the file
        parentStore.set(m_name, StateRecord(std::move(doc)));
    }
}

namespace {
std::optional<Json> objectData(const std::optional<StateRecord>& record) {
    if (!record || !record->data() || !record->data()->is_object())
        return std::nullopt;
    return *record->data();
}
} // namespace

std::optional<Json> Scope::peekData() {
    if (isRoot())
        return std::nullopt;
    std::lock_guard lock(m_dataMutex);
    if (m_remembered && m_rememberedAt == m_stateWrites.load())
        return *m_remembered;
    return objectData(m_parent->store().get(m_name));
}

void Scope::rememberRecord(const StateRecord& record) {
    std::lock_guard lock(m_dataMutex);
    m_remembered = objectData(record);
    m_rememberedAt = m_stateWrites.load();
}

std::optional<Json> Scope::dataGet(const std::string& key) {
    std::optional<Json> data = peekData();
    if (!data || !data->contains(key))
        return std::nullopt;
    static const PasswordRing kNoPasswords;
    const PasswordRing& ring = m_settings->passwords ? *m_settings->passwords : kNoPasswords;
    return openSecrets(data->at(key), ring, chainText());
}

void Scope::dataSet(const std::string& key, const Json& plainValue) {
    Json sealed;
    if (containsPlainSecrets(plainValue)) {
        const SecureString* pw = password();
        if (!pw)
            throw std::runtime_error("cannot store a secret in the data of scope " + chainText() +
                                     ": no password (set ALCHEMY_PASSWORD or the stack's password)");
        sealed = sealSecrets(plainValue, *pw);
    } else {
        sealed = plainValue;
    }
    withScopeState([&](Json& record) {
        record["data"][key] = sealed;
        return true;
    });
}

void Scope::dataDelete(const std::string& key) {
    withScopeState([&](Json& record) { return record["data"].erase(key) > 0; });
}

void Scope::fail() {
    for (Scope* s = this; s && !s->isRoot(); s = s->m_parent)
        s->m_failed.store(true);
}

void Scope::defer(std::function<void()> fn) {
    std::lock_guard lock(m_hooksMutex);
    m_deferred.push_back(std::move(fn));
}

void Scope::runDeferred() {
    std::vector<std::function<void()>> deferred;
    {
        std::lock_guard lock(m_hooksMutex);
        deferred.swap(m_deferred);
    }
    for (auto& fn : deferred)
        fn();
}

void Scope::onCleanup(std::function<void()> fn) {
    Scope* root = this;
    while (root->m_parent)
        root = root->m_parent;
    std::lock_guard lock(root->m_hooksMutex);
    root->m_cleanups.push_back(std::move(fn));
}

void Scope::runCleanups() {
    std::vector<std::function<void()>> cleanups;
    {
        std::lock_guard lock(m_hooksMutex);
        cleanups.swap(m_cleanups);
    }
    for (auto& fn : cleanups)
        fn();
}

} // namespace athanor

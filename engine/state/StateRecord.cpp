#include "state/StateRecord.h"

#include "json/JsJsonText.h"
#include "json/JsonNumber.h"

namespace athanor {

const Json* StateRecord::field(const char* name) const {
    if (!m_doc.is_object())
        return nullptr;
    auto it = m_doc.find(name);
    return it == m_doc.end() ? nullptr : &*it;
}

namespace {
std::string stringField(const Json* v) {
    return v && v->is_string() ? v->get<std::string>() : std::string();
}
} // namespace

std::string StateRecord::kind() const {
    if (const Json* k = field("kind"); k && k->is_string())
        return k->get<std::string>();
    return stringField(field("provider"));
}

bool StateRecord::usesLegacyProviderKey() const {
    return !field("kind") && field("provider");
}

std::string StateRecord::id() const {
    return stringField(field("id"));
}
std::string StateRecord::fqn() const {
    return stringField(field("fqn"));
}

int64_t StateRecord::seq() const {
    const Json* s = field("seq");
    return s ? saturatingInt64(*s) : 0;
}

std::optional<ResourceStatus> StateRecord::status() const {
    return parseResourceStatus(statusText());
}
std::string StateRecord::statusText() const {
    return stringField(field("status"));
}

std::string StateRecord::toFileText() const {
    return stringifyJs(m_doc, 2);
}

} // namespace athanor

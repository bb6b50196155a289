#pragma once

#include "state/ResourceStatus.h"

#include "json/Json.h"
#include <cstdint>
#include <optional>
#include <string>

namespace athanor {

inline constexpr const char* kScopeKind = "alchemy::Scope";

// One Alchemy state record in its serialized form (secrets still encrypted, serde tags as written).
// The document is kept verbatim, key order included, so writing it back reproduces the file byte for byte.
// Accessors are tolerant: use RecordValidator to find what is wrong with a malformed record.
class StateRecord {
public:
    StateRecord() = default;
    explicit StateRecord(Json document) : m_doc(std::move(document)) {}

    const Json& document() const { return m_doc; }
    Json& document() { return m_doc; }

    // `kind`, or `provider` in the older documented shape.
    std::string kind() const;
    bool usesLegacyProviderKey() const;
    std::string id() const;
    std::string fqn() const;
    int64_t seq() const;
    std::optional<ResourceStatus> status() const;
    std::string statusText() const;

    // Null when the field is absent.
    const Json* props() const { return field("props"); }
    const Json* oldProps() const { return field("oldProps"); }
    const Json* output() const { return field("output"); }
    const Json* data() const { return field("data"); }

    bool isScope() const { return kind() == kScopeKind; }

    // JSON.stringify(record, null, 2): the exact bytes Alchemy's file store writes.
    std::string toFileText() const;

private:
    const Json* field(const char* name) const;
    Json m_doc = Json::object();
};

} // namespace athanor

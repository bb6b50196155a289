#pragma once

#include "lifecycle/RunApi.h"
#include "providers/Provider.h"
#include "state/ResourceStatus.h"

#include "json/Json.h"
#include <optional>
#include <string>

namespace athanor {

// What up does with a declared resource before its handler runs (reference §7.2): the one decision that up
// acts on and plan shows, so that the two never disagree.
struct ChangeInputs {
    std::string declaredKind;
    bool exists = false;                  // the resource has a record
    std::string recordKind;               // its kind
    std::optional<ResourceStatus> status; // nullopt: unknown status text
    std::string statusText;               // as written
    const Json* storedProps = nullptr;    // plain
    // Plain, $refs substituted. In a plan a $ref to a resource that will change is a "known after apply"
    // text, which never equals what is stored.
    const Json* props = nullptr;
    bool force = false;
};

struct ChangeDecision {
    PlannedChange::Action action = PlannedChange::Action::Skip;
    std::string reason;
};

// Create (no record), Resume (interrupted), Update / Replace (forced, always updated, props changed: Replace
// when the provider says so from props alone, Provider::replacementFor), or Skip. Throws RunFailure when the
// record holds another kind.
ChangeDecision decideChange(const ChangeInputs& inputs, const Provider& provider);

// The reason of a Skip (also up's fast skip, decided on the record's text: UpPhase skipUnchanged()).
inline constexpr const char* kNoChangesReason = "no changes";

} // namespace athanor

#include "lifecycle/ChangeDecision.h"

#include "lifecycle/RunContext.h"
#include "serde/PlainForms.h"

namespace athanor {

ChangeDecision decideChange(const ChangeInputs& in, const Provider& provider) {
    using Action = PlannedChange::Action;
    if (!in.exists)
        return {Action::Create, "new resource"};
    if (in.recordKind != in.declaredKind)
        throw RunFailure("the state record holds a " + in.recordKind + ", the stack declares a " +
                         in.declaredKind + "; destroy it or use another id");
    if (!in.status || !isSettled(*in.status))
        return {Action::Resume, "interrupted while " + in.statusText};

    const Json empty = Json::object();
    const Json& stored = in.storedProps && in.storedProps->is_object() ? *in.storedProps : empty;
    const Json& props = in.props ? *in.props : empty;
    std::string why;
    if (in.force)
        why = "forced";
    else if (provider.alwaysUpdate())
        why = "always updated (" + in.declaredKind + ")";
    else if (canonicalText(in.storedProps ? *in.storedProps : Json()) == canonicalText(props))
        return {Action::Skip, "no changes"};
    else
        why = "props changed";

    std::string replacement;
    switch (provider.replacementFor(stored, props, replacement)) {
    case Provider::Replacement::Yes:
        return {Action::Replace, replacement.empty() ? why : replacement};
    case Provider::Replacement::No:
        return {Action::Update, why};
    case Provider::Replacement::Unknown:
        break;
    }
    return {Action::Update, why == "props changed" ? why + " (the provider may replace it)" : why};
}

} // namespace athanor

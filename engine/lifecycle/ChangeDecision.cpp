#include "lifecycle/ChangeDecision.h"

#include "lifecycle/RunContext.h"
#include "serde/PlainForms.h"

namespace athanor {

namespace {

// True only when `a` and `b` are the same document, key order and number kinds included, so that their
// canonical texts are certainly equal; false decides nothing (1 and 1.0, or keys JavaScript reorders, can
// still give the same text). Spares building two texts for every unchanged resource of an up.
bool identicalDocuments(const Json& a, const Json& b) {
    using Type = Json::value_t;
    const Type ta = a.type(), tb = b.type();
    const auto isInteger = [](Type t) {
        return t == Type::number_integer || t == Type::number_unsigned;
    };
    if (isInteger(ta) && isInteger(tb)) {
        if ((ta == Type::number_integer && a.get<int64_t>() < 0) !=
            (tb == Type::number_integer && b.get<int64_t>() < 0))
            return false;
        return ta == Type::number_integer && a.get<int64_t>() < 0 ? a.get<int64_t>() == b.get<int64_t>()
                                                                  : a.get<uint64_t>() == b.get<uint64_t>();
    }
    if (ta != tb)
        return false;
    switch (ta) {
    case Type::object: {
        const auto& ma = a.get_ref<const Json::object_t&>();
        const auto& mb = b.get_ref<const Json::object_t&>();
        if (ma.size() != mb.size())
            return false;
        for (auto ia = ma.begin(), ib = mb.begin(); ia != ma.end(); ++ia, ++ib)
            if (ia->first != ib->first || !identicalDocuments(ia->second, ib->second))
                return false;
        return true;
    }
    case Type::array: {
        if (a.size() != b.size())
            return false;
        for (size_t i = 0; i < a.size(); ++i)
            if (!identicalDocuments(a[i], b[i]))
                return false;
        return true;
    }
    case Type::string:
        return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
    case Type::boolean:
        return a.get<bool>() == b.get<bool>();
    case Type::null:
        return true;
    case Type::number_float:
        return a.get<double>() == b.get<double>(); // the same double prints the same (and -0 prints as 0)
    default:
        return false; // binary, discarded: left to the texts
    }
}

// canonicalText(a) == canonicalText(b), without building the texts when the documents are identical.
bool sameCanonicalText(const Json& a, const Json& b) {
    return identicalDocuments(a, b) || canonicalText(a) == canonicalText(b);
}

} // namespace

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
    else if (sameCanonicalText(in.storedProps ? *in.storedProps : Json(), props))
        return {Action::Skip, kNoChangesReason};
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

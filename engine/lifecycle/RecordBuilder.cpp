#include "lifecycle/RecordBuilder.h"

#include "serde/SerdeTag.h"
#include "state/StateRecord.h"

namespace athanor::records {

namespace {

Json scopeTag() {
    Json tag = Json::object();
    tag["@scope"] = nullptr;
    return tag;
}

} // namespace

Json placeholderOutput(const RecordIdentity& who, std::string_view destroyStrategy) {
    Json output = Json::object();
    output[symbol_keys::kId] = who.id;
    output[symbol_keys::kFqn] = who.fqn;
    output[symbol_keys::kKind] = who.kind;
    output[symbol_keys::kScope] = scopeTag();
    output[symbol_keys::kSeq] = who.seq;
    output[symbol_keys::kDestroyStrategy] = std::string(destroyStrategy);
    return output;
}

bool isPlaceholderOutput(const Json& output) {
    if (!output.is_object())
        return false;
    for (auto it = output.begin(); it != output.end(); ++it)
        if (symbolDescription(it.key()).empty())
            return false;
    return true;
}

Json placeholder(const RecordIdentity& who) {
    Json record = Json::object();
    record["kind"] = who.kind;
    record["id"] = who.id;
    record["fqn"] = who.fqn;
    record["seq"] = who.seq;
    record["status"] = std::string(toString(ResourceStatus::Creating));
    record["data"] = Json::object();
    record["output"] = placeholderOutput(who);
    record["props"] = Json::object();
    return record;
}

void markInFlight(Json& record, ResourceStatus status, Json props) {
    // Same statement order as apply.ts: status, then oldProps := props, then props := new props.
    record["status"] = std::string(toString(status));
    auto previous = record.find("props");
    if (previous != record.end())
        record["oldProps"] = *previous;
    else
        record.erase("oldProps"); // JS: oldProps = undefined, which JSON.stringify omits
    record["props"] = std::move(props);
}

Json success(const RecordIdentity& who, Json data, ResourceStatus status, Json output, Json props) {
    Json record = Json::object();
    record["kind"] = who.kind;
    record["id"] = who.id;
    record["fqn"] = who.fqn;
    record["seq"] = who.seq;
    record["data"] = data.is_object() ? std::move(data) : Json::object();
    record["status"] = std::string(toString(status));
    record["output"] = std::move(output);
    record["props"] = std::move(props);
    return record;
}

Json nakedScope(const std::string& id, int64_t seq) {
    const RecordIdentity who{kScopeKind, id, "", seq};
    Json record = Json::object();
    record["kind"] = kScopeKind;
    record["id"] = id;
    record["seq"] = seq;
    record["data"] = Json::object();
    record["fqn"] = "";
    record["props"] = Json::object();
    record["status"] = "created";
    record["output"] = placeholderOutput(who);
    return record;
}

Json stageScope(const std::string& stage, const std::string& fqn, int64_t seq, int64_t outputSeq) {
    Json record = Json::object();
    record["kind"] = kScopeKind;
    record["id"] = stage;
    record["fqn"] = fqn;
    record["seq"] = seq;
    record["status"] = "created";
    record["data"] = Json::object();
    record["output"] = placeholderOutput(RecordIdentity{kScopeKind, stage, fqn, outputSeq});
    record["props"] = Json::object();
    return record;
}

Json envelope(const Json& handlerOutput, const RecordIdentity& who) {
    Json output = Json::object();
    const auto metaValue = [&](const std::string& key) -> Json {
        if (key == symbol_keys::kKind)
            return who.kind;
        if (key == symbol_keys::kId)
            return who.id;
        if (key == symbol_keys::kFqn)
            return who.fqn;
        if (key == symbol_keys::kScope)
            return scopeTag();
        return who.seq;
    };
    static const char* const kMeta[] = {symbol_keys::kKind, symbol_keys::kId, symbol_keys::kFqn,
                                        symbol_keys::kScope, symbol_keys::kSeq};
    const bool isObject = handlerOutput.is_object();
    if (isObject)
        for (auto it = handlerOutput.begin(); it != handlerOutput.end(); ++it)
            if (!symbolDescription(it.key()).empty())
                output[it.key()] = it.value();
    for (const char* key : kMeta)
        output[key] = metaValue(key);
    if (isObject)
        for (auto it = handlerOutput.begin(); it != handlerOutput.end(); ++it)
            if (symbolDescription(it.key()).empty())
                output[it.key()] = it.value();
    return output;
}

std::string stringField(const Json& object, const char* key) {
    if (!object.is_object())
        return {};
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get_ref<const std::string&>() : std::string();
}

Json withoutSymbols(const Json& output) {
    if (!output.is_object())
        return output;
    Json out = Json::object();
    for (auto it = output.begin(); it != output.end(); ++it)
        if (symbolDescription(it.key()).empty())
            out[it.key()] = it.value();
    return out;
}

} // namespace athanor::records

#include "store/StateStore.h"

#include "store/RecordParse.h"
#include "store/StoreError.h"

#include "json/JsonParse.h"

namespace athanor {

void StateStore::putText(const std::string& id, const std::string& text) {
    StateRecord record;
    try {
        record = StateRecord(parseRecordText(text));
    } catch (const std::exception& e) {
        throw StoreError("cannot store " + location(id) + ": the record does not parse (" + e.what() + ")");
    }
    put(id, record);
}

std::optional<StateRecord> StateStore::parseRecord(const std::string& id, const std::string& text) const {
    try {
        Json doc = parseRecordText(text);
        if (!doc.is_object())
            throw JsonParseError("the record is not a JSON object");
        return StateRecord(std::move(doc));
    } catch (const JsonParseError& e) {
        throw UnreadableRecordError(location(id), e.what());
    }
}

} // namespace athanor

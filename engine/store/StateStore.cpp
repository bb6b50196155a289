#include "store/StateStore.h"

#include "store/RecordParse.h"
#include "store/StoreError.h"

#include "json/JsonParse.h"

namespace athanor {

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

#pragma once

#include "serde/SerdeTag.h"

#include "json/Json.h"
#include <QString>
#include <string>
#include <string_view>

namespace athanor::ui {

// How one JSON value reads in the value views: scalars in JavaScript's own notation, containers as a size,
// serde tags as what they stand for (a date, a symbol, bytes, a scope marker, a reference).
class JsonValueText {
public:
    static QString display(const Json& value);
    static QString typeName(const Json& value);
    // Text for the clipboard: a string without quotes, anything else as compact JSON.
    static QString copyText(const Json& value);
    // A key as shown: "Symbol(alchemy::ResourceKind)" loses its wrapper (it is drawn in italics instead).
    static QString displayKey(std::string_view key);
    static bool isSymbolKey(std::string_view key);
    // Serde-tagged objects are shown as one value, not expanded (except @schema, which is plain JSON inside).
    static bool isLeafTag(const Json& value);
    // "props.list[0]" from the keys along the way, quoting keys that are not identifiers.
    static QString appendPathSegment(const QString& path, std::string_view key, bool arrayIndex);
    // The FQN an @resource reference points at; empty otherwise.
    static QString referenceTarget(const Json& value);

    static QString elide(const QString& text, int maxLength = 400);
    static QString fromStd(std::string_view s) {
        return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
    }
};

} // namespace athanor::ui

#include "models/JsonValueText.h"

#include "serde/BufferTag.h"

#include "json/JsJsonText.h"
#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

namespace athanor::ui {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("JsonValueText", text);
}

QString sizeText(qint64 bytes) {
    if (bytes < 1024)
        return bytes == 1 ? tr("1 byte") : tr("%1 bytes").arg(bytes);
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}
} // namespace

QString JsonValueText::elide(const QString& text, int maxLength) {
    QString t = text;
    t.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    if (t.size() > maxLength)
        t = t.left(maxLength) + QStringLiteral("…");
    return t;
}

bool JsonValueText::isSymbolKey(std::string_view key) {
    return !symbolDescription(key).empty();
}

QString JsonValueText::displayKey(std::string_view key) {
    const std::string_view symbol = symbolDescription(key);
    return fromStd(symbol.empty() ? key : symbol);
}

bool JsonValueText::isLeafTag(const Json& value) {
    const SerdeTag tag = serdeTagOf(value);
    return tag != SerdeTag::None && tag != SerdeTag::Schema;
}

QString JsonValueText::referenceTarget(const Json& value) {
    if (serdeTagOf(value) != SerdeTag::Resource)
        return {};
    const Json& target = value.at("@resource");
    return target.is_string() ? fromStd(target.get_ref<const std::string&>()) : QString();
}

QString JsonValueText::display(const Json& value) {
    switch (value.type()) {
    case Json::value_t::object: {
        switch (serdeTagOf(value)) {
        case SerdeTag::Date: {
            const Json& v = value.at("@date");
            if (!v.is_string())
                return elide(fromStd(stringifyJs(value, 0)));
            const QString iso = fromStd(v.get_ref<const std::string&>());
            const QDateTime when = QDateTime::fromString(iso, Qt::ISODateWithMs);
            return when.isValid() ? when.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz 'UTC'"))
                                  : iso;
        }
        case SerdeTag::Symbol: {
            const Json& v = value.at("@symbol");
            if (!v.is_string())
                return elide(fromStd(stringifyJs(value, 0)));
            const std::string_view d = symbolDescription(v.get_ref<const std::string&>());
            return QStringLiteral("Symbol(%1)")
                .arg(fromStd(d.empty() ? std::string_view(v.get_ref<const std::string&>()) : d));
        }
        case SerdeTag::Scope:
            return tr("the enclosing scope");
        case SerdeTag::Buffer: {
            // The bytes Alchemy reads ("104,105", its form of a Uint8Array, is four bytes to it).
            const auto decoded = bufferTagBytes(value.at("@buffer"));
            if (!decoded)
                return elide(fromStd(stringifyJs(value, 0)));
            const QByteArray bytes(reinterpret_cast<const char*>(decoded->data()),
                                   qsizetype(decoded->size()));
            QString preview;
            const QString asText = QString::fromUtf8(bytes);
            const bool printable =
                !bytes.isEmpty() && !asText.contains(QChar::ReplacementCharacter) &&
                !asText.contains(QRegularExpression(QStringLiteral("[\\x00-\\x08\\x0e-\\x1f]")));
            if (printable)
                preview = QStringLiteral(" · “%1”").arg(elide(asText, 80));
            else if (!bytes.isEmpty())
                preview = QStringLiteral(" · ") + QString::fromLatin1(bytes.left(16).toHex(' ')) +
                          (bytes.size() > 16 ? QStringLiteral(" …") : QString());
            return sizeText(bytes.size()) + preview;
        }
        case SerdeTag::Resource: {
            const QString target = referenceTarget(value);
            return target.isEmpty() ? elide(fromStd(stringifyJs(value, 0))) : QStringLiteral("→ ") + target;
        }
        case SerdeTag::Secret:
            return QStringLiteral("•••••••");
        case SerdeTag::Schema:
            return tr("JSON schema");
        case SerdeTag::Unknown:
            return elide(fromStd(stringifyJs(value, 0)));
        case SerdeTag::None:
            break;
        }
        const auto n = value.size();
        return n == 0 ? QStringLiteral("{}") : (n == 1 ? tr("{ 1 key }") : tr("{ %1 keys }").arg(n));
    }
    case Json::value_t::array: {
        const auto n = value.size();
        return n == 0 ? QStringLiteral("[]") : (n == 1 ? tr("[ 1 item ]") : tr("[ %1 items ]").arg(n));
    }
    case Json::value_t::string:
        return QLatin1Char('"') + elide(fromStd(value.get_ref<const std::string&>())) + QLatin1Char('"');
    default:
        return fromStd(stringifyJs(value, 0));
    }
}

QString JsonValueText::typeName(const Json& value) {
    switch (value.type()) {
    case Json::value_t::object:
        switch (serdeTagOf(value)) {
        case SerdeTag::Date:
            return tr("date");
        case SerdeTag::Symbol:
            return tr("symbol");
        case SerdeTag::Scope:
            return tr("scope marker");
        case SerdeTag::Buffer:
            return tr("bytes");
        case SerdeTag::Resource:
            return tr("reference");
        case SerdeTag::Secret:
            return tr("secret");
        case SerdeTag::Schema:
            return tr("schema");
        case SerdeTag::Unknown:
            return tr("unknown tag");
        case SerdeTag::None:
            break;
        }
        return tr("object");
    case Json::value_t::array:
        return tr("array");
    case Json::value_t::string:
        return tr("string");
    case Json::value_t::boolean:
        return tr("boolean");
    case Json::value_t::null:
        return tr("null");
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return tr("number");
    default:
        break;
    }
    return {};
}

QString JsonValueText::copyText(const Json& value) {
    if (value.is_string())
        return fromStd(value.get_ref<const std::string&>());
    if (value.is_primitive())
        return fromStd(stringifyJs(value, 0));
    return fromStd(stringifyJs(value, 2));
}

QString JsonValueText::appendPathSegment(const QString& path, std::string_view key, bool arrayIndex) {
    if (arrayIndex)
        return path + QLatin1Char('[') + fromStd(key) + QLatin1Char(']');
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$]*$"));
    const QString k = fromStd(key);
    if (identifier.match(k).hasMatch())
        return path.isEmpty() ? k : path + QLatin1Char('.') + k;
    QString quoted = k;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return path + QStringLiteral("[\"") + quoted + QStringLiteral("\"]");
}

} // namespace athanor::ui

#include "json/JsonParse.h"

#include "json/JsonPointer.h"
#include "json/Utf8.h"
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace athanor {

namespace {

std::string describeLocation(std::string_view text, size_t byteOffset) {
    byteOffset = std::min(byteOffset, text.size());
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byteOffset; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string tooDeepReason() {
    return "nesting deeper than " + std::to_string(kMaxJsonDepth) +
           " levels of arrays and objects (no real record comes near it)";
}

// nlohmann reads 1e400 as infinity and refuses it; JSON.parse would give Infinity, which JSON.stringify
// writes as null, so Alchemy never writes such a number.
std::string numberOutOfRangeReason(std::string_view token) {
    return "the number " + std::string(token) + " is beyond the range of a double";
}

// Where the first array or object deeper than kMaxJsonDepth opens. Only called once the parser stopped
// there, so the text before it is valid JSON and brackets inside strings are the only ones to skip.
size_t offsetOfTooDeepNesting(std::string_view text) {
    size_t depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return text.size();
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 2: "; keep
// the tail.
std::string shortReason(const std::string& what) {
    const auto colon = what.find(": ", what.find("parse error"));
    return colon == std::string::npos ? what : what.substr(colon + 2);
}

// JSON.stringify writes a lone UTF-16 surrogate as an escape ("\ud800"), so Alchemy state can hold one;
// nlohmann rejects it. Texts with such escapes take this parser, which keeps a lone surrogate as WTF-8 (its
// code point encoded like any other three-byte sequence, ED A0..BF xx); stringifyJs writes it back as the
// same escape. Everything else is as nlohmann parses it: numbers through nlohmann, duplicate keys keep the
// first position and the last value, raw text must be valid UTF-8.
class LoneSurrogateParser {
public:
    explicit LoneSurrogateParser(std::string_view text) : m_text(text) {}

    Json parse() {
        Json value = parseValue();
        skipSpace();
        if (m_pos != m_text.size())
            fail("unexpected text after the JSON value");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& reason) const {
        throw JsonParseError(describeLocation(m_text, m_pos) + ": " +
                             (m_pos >= m_text.size() ? "unexpected end of file (truncated JSON?): " : "") +
                             reason);
    }
    [[noreturn]] void failAt(const std::string& pointer, const std::string& reason) const {
        throw JsonParseError(describeLocation(m_text, m_pos) + ", at " + escapeControlCharacters(pointer) +
                             ": " + reason);
    }

    void skipSpace() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n' ||
                                         m_text[m_pos] == '\r' || m_text[m_pos] == '\t'))
            ++m_pos;
    }

    bool consume(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word)
            return false;
        m_pos += word.size();
        return true;
    }

    Json parseValue() {
        skipSpace();
        if (m_pos >= m_text.size())
            fail("expected a value");
        const char c = m_text[m_pos];
        if ((c == '{' || c == '[') && m_path.size() >= kMaxJsonDepth)
            fail(tooDeepReason());
        if (c == '{')
            return parseObject();
        if (c == '[')
            return parseArray();
        if (c == '"')
            return Json(parseString());
        if (consume("true"))
            return Json(true);
        if (consume("false"))
            return Json(false);
        if (consume("null"))
            return Json(nullptr);
        return parseNumber();
    }

    Json parseObject() {
        ++m_pos; // {
        Json object = Json::object();
        skipSpace();
        if (consume("}"))
            return object;
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                fail("expected a string key");
            std::string key = parseString();
            skipSpace();
            if (!consume(":"))
                fail("expected ':'");
            m_path.push_back(jsonPointerToken(key));
            object[key] = parseValue();
            m_path.pop_back();
            skipSpace();
            if (consume("}"))
                return object;
            if (!consume(","))
                fail("expected ',' or '}'");
        }
    }

    Json parseArray() {
        ++m_pos; // [
        Json array = Json::array();
        skipSpace();
        if (consume("]"))
            return array;
        for (;;) {
            m_path.push_back(std::to_string(array.size()));
            array.push_back(parseValue());
            m_path.pop_back();
            skipSpace();
            if (consume("]"))
                return array;
            if (!consume(","))
                fail("expected ',' or ']'");
        }
    }

    Json parseNumber() {
        const size_t start = m_pos;
        auto digits = [this] {
            const size_t from = m_pos;
            while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos > from;
        };
        consume("-");
        if (!digits())
            fail("expected a value");
        if (consume(".") && !digits())
            fail("expected digits after '.'");
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            if (!consume("+"))
                consume("-");
            if (!digits())
                fail("expected digits in the exponent");
        }
        const std::string_view token = m_text.substr(start, m_pos - start);
        try {
            return Json::parse(token.begin(), token.end()); // nlohmann decides the number's kind
        } catch (const Json::out_of_range&) {
            std::string pointer;
            for (const std::string& step : m_path)
                pointer += "/" + step;
            m_pos = start;
            failAt(pointer.empty() ? "/" : pointer, numberOutOfRangeReason(token));
        } catch (const Json::parse_error&) {
            m_pos = start;
            fail("invalid number");
        }
    }

    unsigned hex4() {
        if (m_pos + 4 > m_text.size())
            fail("incomplete \\u escape");
        unsigned value = 0;
        for (int k = 0; k < 4; ++k) {
            const char h = m_text[m_pos++];
            value <<= 4;
            if (h >= '0' && h <= '9')
                value |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
                value |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                value |= static_cast<unsigned>(h - 'A' + 10);
            else
                fail("invalid \\u escape");
        }
        return value;
    }

    static void appendCodePoint(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) { // includes a lone surrogate: WTF-8
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    // Copies one raw UTF-8 sequence starting at m_pos; invalid UTF-8 is an error, as in nlohmann.
    void copyUtf8(std::string& out) {
        const std::size_t length = utf8SequenceLength(m_text.substr(m_pos));
        if (length == 0)
            fail("invalid UTF-8 byte in a string");
        out.append(m_text.substr(m_pos, length));
        m_pos += length;
    }

    std::string parseString() {
        ++m_pos; // opening quote
        std::string out;
        for (;;) {
            if (m_pos >= m_text.size())
                fail("missing closing quote");
            const auto c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20)
                fail("control character in a string must be escaped");
            if (c >= 0x80) {
                copyUtf8(out);
                continue;
            }
            if (c != '\\') {
                out.push_back(static_cast<char>(c));
                ++m_pos;
                continue;
            }
            if (++m_pos >= m_text.size())
                fail("missing closing quote");
            const char e = m_text[m_pos++];
            switch (e) {
            case '"':
                out.push_back('"');
                break;
            case '\\':
                out.push_back('\\');
                break;
            case '/':
                out.push_back('/');
                break;
            case 'b':
                out.push_back('\b');
                break;
            case 'f':
                out.push_back('\f');
                break;
            case 'n':
                out.push_back('\n');
                break;
            case 'r':
                out.push_back('\r');
                break;
            case 't':
                out.push_back('\t');
                break;
            case 'u': {
                unsigned unit = hex4();
                if (unit >= 0xD800 && unit <= 0xDBFF && m_text.substr(m_pos, 2) == "\\u") {
                    const size_t back = m_pos;
                    m_pos += 2;
                    const unsigned low = hex4();
                    if (low >= 0xDC00 && low <= 0xDFFF)
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    else
                        m_pos = back; // a lone high surrogate followed by another escape
                }
                appendCodePoint(out, unit);
                break;
            }
            default:
                --m_pos;
                fail("invalid escape in a string");
            }
        }
    }

    std::string_view m_text;
    size_t m_pos = 0;
    std::vector<std::string> m_path; // pointer tokens of the value being parsed: its depth, and its place
};

// True when `text` has a \u escape of a surrogate that is not half of a well-formed pair.
bool hasLoneSurrogateEscape(std::string_view text) {
    const auto unitAt = [&text](size_t at) -> int {
        if (at + 6 > text.size() || text[at] != '\\' || (text[at + 1] != 'u'))
            return -1;
        unsigned value = 0;
        for (size_t k = at + 2; k < at + 6; ++k) {
            const char h = text[k];
            value <<= 4;
            if (h >= '0' && h <= '9')
                value |= static_cast<unsigned>(h - '0');
            else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
                value |= static_cast<unsigned>((h | 0x20) - 'a' + 10);
            else
                return -1;
        }
        return static_cast<int>(value);
    };
    for (size_t at = text.find("\\u"); at != std::string_view::npos; at = text.find("\\u", at + 1)) {
        // An escaped backslash ("\\u…" in the text is the two characters \ and u): count the run of
        // backslashes.
        size_t slashes = 0;
        for (size_t k = at; k > 0 && text[k - 1] == '\\'; --k)
            ++slashes;
        if (slashes % 2 != 0)
            continue;
        const int unit = unitAt(at);
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return true;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const int low = unitAt(at + 6);
            if (low < 0xDC00 || low > 0xDFFF)
                return true;
            at += 6; // skip the pair's low half
        }
    }
    return false;
}

// nlohmann's DOM builder with the depth limit, and errors that keep their position: its own builder throws a
// number overflow (1e400) as an out_of_range exception that names no place in the text.
class BoundedDomBuilder : public nlohmann::detail::json_sax_dom_parser<Json> {
    using Base = nlohmann::detail::json_sax_dom_parser<Json>;

public:
    struct Failure {
        size_t position = 0; // characters read when it failed: one past the offending character
        std::string lastToken;
        int id = 0; // nlohmann's exception id: 1xx parse_error, 406 number overflow
        std::string what;
    };

    explicit BoundedDomBuilder(Json& result) : Base(result, false) {}

    bool start_object(std::size_t size) { return enter() && Base::start_object(size); }
    bool end_object() {
        --m_depth;
        return Base::end_object();
    }
    bool start_array(std::size_t size) { return enter() && Base::start_array(size); }
    bool end_array() {
        --m_depth;
        return Base::end_array();
    }
    template <typename Exception>
    bool parse_error(std::size_t position, const std::string& lastToken, const Exception& e) {
        m_failure = Failure{position, lastToken, e.id, e.what()};
        return false;
    }

    bool tooDeep() const { return m_tooDeep; }
    const std::optional<Failure>& failure() const { return m_failure; }

private:
    bool enter() {
        if (m_depth == kMaxJsonDepth) {
            m_tooDeep = true;
            return false;
        }
        ++m_depth;
        return true;
    }

    size_t m_depth = 0;
    bool m_tooDeep = false;
    std::optional<Failure> m_failure;
};

constexpr int kNumberOverflow = 406;

// Follows a parse to its first error and gives the JSON pointer of the value it stopped at (run only after a
// failure, so successful parses never pay for the path).
class PointerTracker {
public:
    bool null() { return value(); }
    bool boolean(bool) { return value(); }
    bool number_integer(Json::number_integer_t) { return value(); }
    bool number_unsigned(Json::number_unsigned_t) { return value(); }
    bool number_float(Json::number_float_t, const std::string&) { return value(); }
    bool string(std::string&) { return value(); }
    bool binary(Json::binary_t&) { return value(); }
    bool start_object(std::size_t) { return open(false); }
    bool start_array(std::size_t) { return open(true); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& key) {
        m_frames.back().key = key;
        return true;
    }
    template <typename Exception>
    bool parse_error(std::size_t, const std::string&, const Exception&) {
        for (const Frame& frame : m_frames)
            appendJsonPointerToken(m_pointer, frame.array ? std::to_string(frame.index) : frame.key);
        return false;
    }

    const std::string& pointer() const { return m_pointer; }

private:
    struct Frame {
        bool array = false;
        size_t index = 0;
        std::string key;
    };

    bool value() {
        if (!m_frames.empty() && m_frames.back().array)
            ++m_frames.back().index;
        return true;
    }
    bool open(bool array) {
        if (m_frames.size() == kMaxJsonDepth)
            return false;
        m_frames.push_back(Frame{array, 0, {}});
        return true;
    }
    bool close() {
        m_frames.pop_back();
        return value(); // the closed container was a value of its parent
    }

    std::vector<Frame> m_frames;
    std::string m_pointer;
};

std::string pointerOfFailure(std::string_view text) {
    PointerTracker tracker;
    Json::sax_parse(text.begin(), text.end(), &tracker);
    return tracker.pointer();
}

} // namespace

Json parseJsonText(std::string_view text) {
    if (std::all_of(text.begin(), text.end(),
                    [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }))
        throw JsonParseError("file is empty");
    Json result;
    BoundedDomBuilder builder(result);
    if (Json::sax_parse(text.begin(), text.end(), &builder))
        return result;
    if (builder.tooDeep())
        throw JsonParseError(describeLocation(text, offsetOfTooDeepNesting(text)) + ": " + tooDeepReason());
    const BoundedDomBuilder::Failure failure = builder.failure().value_or(BoundedDomBuilder::Failure{});
    if (failure.id == kNumberOverflow) {
        // The position is just past the number.
        const size_t start =
            failure.position >= failure.lastToken.size() ? failure.position - failure.lastToken.size() : 0;
        const std::string pointer = pointerOfFailure(text);
        throw JsonParseError(describeLocation(text, start) + ", at " +
                             (pointer.empty() ? "/" : escapeControlCharacters(pointer)) + ": " +
                             numberOutOfRangeReason(failure.lastToken));
    }
    if (hasLoneSurrogateEscape(text))
        return LoneSurrogateParser(text).parse();
    // The position is one past the offending character.
    const size_t offset = failure.position > 0 ? failure.position - 1 : 0;
    std::string reason = shortReason(failure.what);
    if (offset >= text.size())
        reason = "unexpected end of file (truncated JSON?): " + reason;
    throw JsonParseError(describeLocation(text, offset) + ": " + reason);
}

} // namespace athanor

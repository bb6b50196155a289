#include "store/s3/S3Xml.h"

#include <cstdint>

namespace athanor::s3 {

namespace {

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    XmlElement document() {
        skipMisc();
        if (!startsWith("<"))
            fail("no root element");
        XmlElement root = element();
        skipMisc();
        if (m_pos != m_text.size())
            fail("text after the root element");
        return root;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw XmlError("not valid XML at byte " + std::to_string(m_pos) + ": " + what);
    }
    bool startsWith(std::string_view s) const { return m_text.substr(m_pos, s.size()) == s; }
    void skipSpace() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' ||
                                         m_text[m_pos] == '\r' || m_text[m_pos] == '\n'))
            ++m_pos;
    }
    void skipPast(std::string_view end) {
        const size_t at = m_text.find(end, m_pos);
        if (at == std::string_view::npos)
            fail("unterminated markup (no \"" + std::string(end) + "\")");
        m_pos = at + end.size();
    }
    // Declaration, processing instructions, comments, doctype and space between elements.
    void skipMisc() {
        for (;;) {
            skipSpace();
            if (startsWith("<?"))
                skipPast("?>");
            else if (startsWith("<!--"))
                skipPast("-->");
            else if (startsWith("<!DOCTYPE"))
                skipPast(">");
            else
                return;
        }
    }
    std::string name() {
        const size_t begin = m_pos;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/' || c == '=')
                break;
            ++m_pos;
        }
        if (m_pos == begin)
            fail("a tag without a name");
        return std::string(m_text.substr(begin, m_pos - begin));
    }
    static std::string localName(const std::string& qualified) {
        const size_t colon = qualified.find(':');
        return colon == std::string::npos ? qualified : qualified.substr(colon + 1);
    }
    void decodeInto(std::string& out, std::string_view raw) {
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] != '&') {
                out += raw[i];
                continue;
            }
            const size_t semi = raw.find(';', i);
            if (semi == std::string_view::npos)
                fail("an unterminated entity");
            const std::string_view entity = raw.substr(i + 1, semi - i - 1);
            if (entity == "amp")
                out += '&';
            else if (entity == "lt")
                out += '<';
            else if (entity == "gt")
                out += '>';
            else if (entity == "quot")
                out += '"';
            else if (entity == "apos")
                out += '\'';
            else if (entity.size() > 1 && entity[0] == '#') {
                const bool hex = entity[1] == 'x' || entity[1] == 'X';
                const std::string digits(entity.substr(hex ? 2 : 1));
                if (digits.empty())
                    fail("an empty character reference");
                size_t used = 0;
                unsigned long cp = 0;
                try {
                    cp = std::stoul(digits, &used, hex ? 16 : 10);
                } catch (const std::exception&) {
                    fail("a bad character reference &" + std::string(entity) + ";");
                }
                if (used != digits.size() || cp > 0x10FFFF)
                    fail("a bad character reference &" + std::string(entity) + ";");
                appendUtf8(out, static_cast<uint32_t>(cp));
            } else {
                fail("an unknown entity &" + std::string(entity) + ";");
            }
            i = semi;
        }
    }
    XmlElement element() {
        // S3's documents are three levels deep; a hostile server cannot exhaust the stack.
        if (++m_depth > kMaxDepth)
            fail("elements nested more than " + std::to_string(kMaxDepth) + " deep");
        struct Leave {
            int& depth;
            ~Leave() { --depth; }
        } leave{m_depth};
        ++m_pos; // '<'
        XmlElement e;
        const std::string qualified = name();
        e.name = localName(qualified);
        // Attributes: skipped, but their quoted values may hold '>' and '/'.
        for (;;) {
            skipSpace();
            if (m_pos >= m_text.size())
                fail("an unterminated start tag <" + qualified + ">");
            if (startsWith("/>")) {
                m_pos += 2;
                return e;
            }
            if (m_text[m_pos] == '>') {
                ++m_pos;
                break;
            }
            name();
            skipSpace();
            if (m_pos >= m_text.size() || m_text[m_pos] != '=')
                fail("an attribute without a value in <" + qualified + ">");
            ++m_pos;
            skipSpace();
            if (m_pos >= m_text.size() || (m_text[m_pos] != '"' && m_text[m_pos] != '\''))
                fail("an unquoted attribute value in <" + qualified + ">");
            const char quote = m_text[m_pos++];
            const size_t end = m_text.find(quote, m_pos);
            if (end == std::string_view::npos)
                fail("an unterminated attribute value in <" + qualified + ">");
            m_pos = end + 1;
        }
        // Content.
        for (;;) {
            if (m_pos >= m_text.size())
                fail("<" + qualified + "> is never closed");
            if (startsWith("</")) {
                m_pos += 2;
                const std::string closing = name();
                skipSpace();
                if (closing != qualified)
                    fail("</" + closing + "> closes <" + qualified + ">");
                if (m_pos >= m_text.size() || m_text[m_pos] != '>')
                    fail("an unterminated end tag </" + closing + ">");
                ++m_pos;
                return e;
            }
            if (startsWith("<!--")) {
                skipPast("-->");
            } else if (startsWith("<![CDATA[")) {
                const size_t begin = m_pos + 9;
                skipPast("]]>");
                e.text.append(m_text.substr(begin, m_pos - 3 - begin));
            } else if (startsWith("<?")) {
                skipPast("?>");
            } else if (m_text[m_pos] == '<') {
                e.children.push_back(element());
            } else {
                const size_t end = m_text.find('<', m_pos);
                const size_t stop = end == std::string_view::npos ? m_text.size() : end;
                decodeInto(e.text, m_text.substr(m_pos, stop - m_pos));
                m_pos = stop;
            }
        }
    }

    static constexpr int kMaxDepth = 64;
    std::string_view m_text;
    size_t m_pos = 0;
    int m_depth = 0;
};

} // namespace

const XmlElement* XmlElement::child(std::string_view childName) const {
    for (const auto& c : children)
        if (c.name == childName)
            return &c;
    return nullptr;
}

std::optional<std::string> XmlElement::childText(std::string_view childName) const {
    const XmlElement* c = child(childName);
    return c ? std::optional<std::string>(c->text) : std::nullopt;
}

XmlElement parseXml(std::string_view text) {
    return Parser(text).document();
}

} // namespace athanor::s3

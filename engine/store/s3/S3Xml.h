#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::s3 {

// The small XML documents S3 answers with (ListBucketResult, Error): elements, their text and children.
// Attributes, comments, processing instructions and the declaration are skipped; the five predefined
// entities and numeric character references are decoded; CDATA sections are text.
struct XmlElement {
    std::string name; // without a namespace prefix ("s3:Key" -> "Key")
    std::string text; // the element's own character data, decoded
    std::vector<XmlElement> children;

    const XmlElement* child(std::string_view childName) const;
    // The text of child `childName`, nullopt when there is none.
    std::optional<std::string> childText(std::string_view childName) const;
};

class XmlError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The document's root element; throws XmlError saying where the text stops being XML.
XmlElement parseXml(std::string_view text);

} // namespace athanor::s3

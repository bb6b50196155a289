#include "lifecycle/OutputsText.h"

#include "providers/PlainJson.h"

#include "json/JsJsonText.h"
#include <algorithm>

namespace athanor {

std::string shownOutputText(Json output, const OutputsTextFormat& format) {
    Json shown = withoutEnvelope(std::move(output));
    shown = format.showSecrets ? unwrapSecrets(shown) : maskSecrets(std::move(shown), format.mask);
    std::string text;
    appendJs(text, shown, format.indent, 1);
    return text;
}

OutputTexts outputTextsOf(std::map<std::string, Json>&& outputs, const OutputsTextFormat& format) {
    OutputTexts texts;
    texts.reserve(outputs.size());
    for (auto& [fqn, output] : outputs)
        texts.emplace_back(fqn, shownOutputText(std::move(output), format));
    outputs.clear();
    return texts;
}

std::string outputsDocumentText(const OutputTexts& texts, const OutputsTextFormat& format) {
    const bool pretty = format.indent > 0;
    size_t size = 64;
    for (const auto& [fqn, text] : texts)
        size += fqn.size() + text.size() + 8 + static_cast<size_t>(format.indent);
    std::string out;
    out.reserve(size);
    if (!pretty)
        out += "{\"type\":\"outputs\",\"outputs\":";
    if (texts.empty()) {
        out += "{}";
    } else {
        // JavaScript prints array-index keys first, ascending (an FQN "app/stage/id" never is one).
        std::vector<const OutputTexts::value_type*> order;
        order.reserve(texts.size());
        for (const auto& entry : texts)
            if (isArrayIndexKey(entry.first))
                order.push_back(&entry);
        std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
            return std::stoull(a->first) < std::stoull(b->first);
        });
        for (const auto& entry : texts)
            if (!isArrayIndexKey(entry.first))
                order.push_back(&entry);
        bool first = true;
        for (const auto* entry : order) {
            const auto& [fqn, text] = *entry;
            out.push_back(first ? '{' : ',');
            first = false;
            if (pretty) {
                out.push_back('\n');
                out.append(static_cast<size_t>(format.indent), ' ');
            }
            appendJsString(out, fqn);
            out += pretty ? ": " : ":";
            out += text;
        }
        if (pretty)
            out.push_back('\n');
        out.push_back('}');
    }
    if (!pretty)
        out.push_back('}');
    return out;
}

} // namespace athanor

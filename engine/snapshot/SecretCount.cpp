#include "snapshot/SecretCount.h"

#include <vector>

namespace athanor {

uint32_t countSecretTags(simdjson::dom::element root) {
    uint32_t n = 0;
    std::vector<simdjson::dom::element> pending{root};
    while (!pending.empty()) {
        const simdjson::dom::element e = pending.back();
        pending.pop_back();
        simdjson::dom::object object;
        simdjson::dom::array array;
        if (e.get_object().get(object) == simdjson::SUCCESS) {
            for (auto field : object) {
                if (field.key == "@secret")
                    ++n;
                else
                    pending.push_back(field.value);
            }
        } else if (e.get_array().get(array) == simdjson::SUCCESS) {
            for (auto child : array)
                pending.push_back(child);
        }
    }
    return n;
}

uint32_t countSecretTags(const Json& root) {
    uint32_t n = 0;
    std::vector<const Json*> pending{&root};
    while (!pending.empty()) {
        const Json* v = pending.back();
        pending.pop_back();
        if (v->is_object()) {
            for (const auto& [key, child] : v->items()) {
                if (key == "@secret")
                    ++n;
                else
                    pending.push_back(&child);
            }
        } else if (v->is_array()) {
            for (const auto& child : *v)
                pending.push_back(&child);
        }
    }
    return n;
}

} // namespace athanor

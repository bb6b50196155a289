#include "json/JsonPointer.h"

namespace athanor {

void appendJsonPointerToken(std::string& pointer, std::string_view key) {
    pointer += '/';
    for (char c : key) {
        if (c == '~')
            pointer += "~0";
        else if (c == '/')
            pointer += "~1";
        else
            pointer += c;
    }
}

std::string jsonPointerToken(std::string_view key) {
    std::string pointer;
    appendJsonPointerToken(pointer, key);
    return pointer.substr(1);
}

} // namespace athanor

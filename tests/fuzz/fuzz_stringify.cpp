// The JS-exact writer round trip: whatever parses, stringifyJs writes as text that parses back to the same
// JavaScript value, and text stringifyJs wrote (so text Alchemy could have written) comes back byte for byte,
// in both the indented form of state files and the compact form of comparisons.
#include "FuzzSupport.h"

#include "json/JsonParse.h"

using namespace athanor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Json value;
    try {
        value = parseJsonText(fuzz::textOf(data, size));
    } catch (const JsonParseError&) {
        return 0;
    }
    for (const int indent : {2, 0}) {
        const std::string written = stringifyJs(value, indent);
        Json reread;
        try {
            reread = parseJsonText(written);
        } catch (const JsonParseError& e) {
            fuzz::fail("stringifyJs output parses", written, e.what());
        }
        // The compact JS text is the JavaScript value: the same after the round trip.
        if (stringifyJs(reread, 0) != stringifyJs(value, 0))
            fuzz::fail("parse(stringifyJs(v)) is v", stringifyJs(reread, 0), stringifyJs(value, 0));
        // Text in Alchemy's own form is written back byte for byte.
        const std::string rewritten = stringifyJs(reread, indent);
        if (rewritten != written)
            fuzz::fail("stringifyJs(parse(t)) == t for t in JSON.stringify's form", rewritten, written);
    }
    return 0;
}

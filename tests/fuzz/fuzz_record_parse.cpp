// Record parsing: the simdjson fast paths (parseRecordText, parseLargeJsonText, parseRecordFields) give
// exactly what the reference parser (parseJsonText) gives, or the same error; whatever parses survives every
// walker a record meets (validation, the serde scan, the secret walker, canonical text) and the snapshot
// summary.
#include "FuzzSupport.h"
#include "lifecycle/OutputsText.h"
#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"
#include "serde/SerdeTag.h"
#include "snapshot/RecordValidator.h"
#include "snapshot/SnapshotLoader.h"
#include "state/StateRecord.h"
#include "store/RecordParse.h"

#include "json/JsonParse.h"
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace athanor;
using fuzz::exactText;

namespace {

std::string outcome(std::string_view text, Json (*parse)(std::string_view)) {
    try {
        return exactText(parse(text));
    } catch (const JsonParseError& e) {
        return std::string("error: ") + e.what();
    }
}

// One record file in a private .alchemy tree, rewritten for each input.
const std::filesystem::path& projectFolder() {
    static const std::filesystem::path folder = [] {
        const auto dir =
            std::filesystem::temp_directory_path() / ("athanor-fuzz-record-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir / ".alchemy" / "app" / "dev");
        return dir;
    }();
    return folder;
}

void walk(const Json& doc) {
    validateRecord(doc, "app/dev/r.json");
    findSerdeIssues(doc);
    containsSealedSecrets(doc);
    containsPlainSecrets(doc);
    canonicalText(doc);
    const StateRecord record(doc);
    record.seq();
    record.kind();
    record.toFileText();
    try {
        findSecrets(doc);
        revealSecretsPartially(doc, PasswordRing{}, "app/dev/r");
    } catch (const SecretError&) {
        // a malformed secret shape: reported, never a crash
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text = fuzz::textOf(data, size);
    const std::string reference = outcome(text, parseJsonText);
    const std::string fast = outcome(text, parseRecordText);
    if (fast != reference)
        fuzz::fail("parseRecordText == parseJsonText", fast, reference);
    const std::string large = outcome(text, [](std::string_view t) { return parseLargeJsonText(t, 3); });
    if (large != reference)
        fuzz::fail("parseLargeJsonText == parseJsonText", large, reference);

    const bool parsed = reference.rfind("error: ", 0) != 0;
    if (const auto fields = parseRecordFields(text, {"kind", "status", "props"})) {
        if (!parsed)
            fuzz::fail("parseRecordFields of a text the reference parser refuses", exactText(*fields),
                       reference);
        const Json whole = parseJsonText(text);
        for (const auto& [key, value] : fields->items())
            if (exactText(value) != exactText(whole.at(key)))
                fuzz::fail("parseRecordFields field == whole parse's field", exactText(value),
                           exactText(whole.at(key)));
    }
    if (parsed)
        walk(parseJsonText(text));

    // Read's printed output from the DOM is the Json path's text, for both layouts (or left to that path).
    for (int indent : {2, 0}) {
        std::string printed;
        if (!appendRecordOutputJs(printed, text, "fs::File", indent, 1))
            continue;
        if (!parsed)
            fuzz::fail("appendRecordOutputJs of a text the reference parser refuses", printed, reference);
        const Json whole = parseJsonText(text);
        OutputsTextFormat format;
        format.indent = indent;
        const std::string expected =
            shownOutputText(whole.contains("output") ? whole.at("output") : Json::object(), format);
        if (printed != expected)
            fuzz::fail("appendRecordOutputJs == the Json path's printed output", printed, expected);
    }

    // The snapshot reads the same text through its own simdjson summary.
    const auto file = projectFolder() / ".alchemy" / "app" / "dev" / "r.json";
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    const auto snapshot = loadSnapshot(projectFolder());
    if (snapshot->records.size() != 1)
        fuzz::fail("the snapshot holds the one record", std::to_string(snapshot->records.size()), "1");
    if (!parsed && snapshot->records.front().ok())
        fuzz::fail("a text the parser refuses is a snapshot error", reference, "(no error)");
    return 0;
}

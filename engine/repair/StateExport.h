#pragma once

#include "repair/RepairPlan.h"
#include "secrets/PasswordRing.h"

#include "json/Json.h"
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// `state export` / `state import`: a whole tree, app or stage as one JSON document (like `pulumi stack
// export`):
//   {"format": "athanor-state-export", "version": 1, "exportedAt": "...", "app": "...", "stage": "...",
//    "secrets": "encrypted" | "plaintext",
//    "records": [{"scope": ["shop", "dev"], "id": "config", "record": {...}}, ...]}
// A record is kept as its JSON document when JSON.stringify(document, null, 2) gives its text back exactly
// (always for what Alchemy wrote); otherwise (hand-edited spacing, a file that does not parse) as
// {"text": "<its exact text>"}. So export -> import into an empty source writes every record byte for byte.
// With decryption, a record whose secrets were opened holds them in plain form ("@secret": <plaintext>)
// and is marked "plaintext": true.

struct ExportSelection {
    std::string app;   // empty: every app
    std::string stage; // empty: every stage (with an app: that app's stage only, and its stage record)
};

struct ExportResult {
    Json document;
    size_t records = 0;
    std::vector<std::string> errors; // records exported encrypted because their secrets did not open
};

// `decryptWith` empty: secrets stay encrypted.
ExportResult exportState(RepairSource& source, const ExportSelection& selection,
                         const PasswordRing& decryptWith);

// The document as written to a file: two-space JSON and a final newline.
std::string exportText(const Json& document);

// The records of an export as a plan. A record that exists with other content is a conflict: refused
// (RepairError listing them) unless `overwrite`; one that exists with the same content is left alone.
// Records the source holds but the export does not are left alone. Plaintext records are encrypted with the
// first of `passwords` (RepairError without one).
RepairPlan planImport(RepairSource& source, std::string_view exportText, bool overwrite,
                      const PasswordRing& passwords);

} // namespace athanor

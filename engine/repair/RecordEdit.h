#pragma once

#include "repair/RepairPlan.h"
#include "secrets/PasswordRing.h"

#include "json/Json.h"
#include <optional>
#include <string>
#include <string_view>

namespace athanor {

// `state edit FQN`: the record as text for an editor, then the edited text checked and turned back into
// the record to write. With passwords the text is the record's plain form (each secret as
// {"@secret": <plaintext>}); without, the serialized form as stored (secrets stay encrypted).
struct EditSession {
    RecordKey key;
    std::string before; // the record's text when the edit began
    std::string text;   // what the editor shows
    bool decrypted = false;
    std::optional<size_t> sealWith; // the ring index of the password that opened the record's secrets
    Json serialized;                // the record as stored
    Json plain;                     // decrypted: the record with its secrets opened
};

// Throws RepairError for a missing or unreadable record, SecretError when `passwords` (not empty) cannot
// open one of its secrets.
EditSession beginEdit(RepairSource& source, const std::string& fqn, const PasswordRing& passwords);

// The edited text as a plan of one write. A secret whose plaintext is unchanged keeps its ciphertext; a
// changed or new one is encrypted with the password that opened the record (the first one given when it
// had none). The result is validated as a record of its location (fields, status, id, fqn, serde tags) and,
// when decrypted, opened again and compared before anything can be written. RepairError lists what is
// wrong; an unchanged text gives an empty plan.
RepairPlan planEdit(RepairSource& source, const EditSession& session, std::string_view editedText,
                    const PasswordRing& passwords);

} // namespace athanor

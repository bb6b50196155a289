#pragma once

#include "repair/RepairPlan.h"
#include "secrets/PasswordRing.h"
#include "secrets/SecureString.h"

#include <atomic>
#include <functional>
#include <string>

namespace athanor {

// `state rekey`: changes the password of a subtree. Every secret sealed with the subtree's password is
// opened with the old passwords and sealed again with the new one (Alchemy's v1 format; legacy secrets are
// upgraded), and each rewritten record is opened again with the new password and compared to the old
// plaintexts before it can be written. Alchemy itself can only --erase-secrets (alchemy #464, #118).
struct RekeySelection {
    std::string app;   // empty: every app
    std::string stage; // with app: that stage (and its stage record)
    std::string scope; // a scope's FQN ("vault/dev/team"): the records in it and below (wins over app/stage)
};

struct RekeyProgress {
    std::function<void(size_t done, size_t total)> onRecord; // called after each record (any thread)
    const std::atomic<bool>* cancel = nullptr;               // set: RepairError("cancelled"), nothing planned
};

// The subtree's password is the one that opens the secrets nearest its top. Records sealed with another
// password (a child scope with its own) are kept as they are, with a note, unless the selection names that
// scope; a secret near the top that no password opens, or a record that does not parse, refuses the whole
// rekey (a half-rotated stage would be worse than none). Throws RepairError; scrypt-heavy: run it off the
// GUI thread.
RepairPlan planRekey(RepairSource& source, const RekeySelection& selection, const PasswordRing& oldPasswords,
                     const SecureString& newPassword, const RekeyProgress& progress = {});

} // namespace athanor

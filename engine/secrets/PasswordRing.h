#pragma once

#include "secrets/SecureString.h"

#include <cstddef>
#include <vector>

namespace athanor {

// The passwords tried, in order, when opening a secret: ALCHEMY_PASSWORD first, then any extra ones (a child
// scope such as `vault/dev/team` may have been written with its own). Empty passwords and duplicates are
// dropped so a password is never derived twice for the same secret (each try costs one scrypt).
class PasswordRing {
public:
    PasswordRing() = default;
    PasswordRing(PasswordRing&&) noexcept = default;
    PasswordRing& operator=(PasswordRing&&) noexcept = default;
    PasswordRing(const PasswordRing&) = delete;
    PasswordRing& operator=(const PasswordRing&) = delete;

    void add(SecureString password); // ignores empty and duplicates
    size_t size() const { return passwords_.size(); }
    bool empty() const { return passwords_.empty(); }
    const SecureString& at(size_t i) const { return passwords_.at(i); }
    void clear(); // wipes all
    PasswordRing clone() const;

private:
    std::vector<SecureString> passwords_;
};

} // namespace athanor

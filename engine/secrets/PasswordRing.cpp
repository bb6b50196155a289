#include "secrets/PasswordRing.h"

#include <algorithm>

namespace athanor {

void PasswordRing::add(SecureString password) {
    if (password.empty())
        return;
    const bool known = std::any_of(passwords_.begin(), passwords_.end(),
                                   [&](const SecureString& p) { return p.equals(password); });
    if (known)
        return; // `password` is wiped by its destructor
    passwords_.push_back(std::move(password));
}

void PasswordRing::clear() {
    // Each SecureString wipes itself on destruction.
    passwords_.clear();
}

PasswordRing PasswordRing::clone() const {
    PasswordRing copy;
    copy.passwords_.reserve(passwords_.size());
    for (const SecureString& p : passwords_)
        copy.passwords_.push_back(p.clone());
    return copy;
}

} // namespace athanor

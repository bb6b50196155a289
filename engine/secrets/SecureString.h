#pragma once

#include <cstddef>
#include <string_view>

namespace athanor {

// The bytes of a password or a decrypted plaintext. The buffer is wiped with sodium_memzero when the
// string is destroyed, cleared, moved from or assigned over, so secrets do not linger in freed heap memory.
// Move-only so that copies are always explicit (clone()). There is deliberately no stream operator or
// formatter: nothing can print it by accident.
class SecureString {
public:
    SecureString();
    explicit SecureString(std::string_view text);
    static SecureString fromBytes(const unsigned char* data, size_t size);
    // A zero-filled buffer of `size` bytes that a cipher writes into through mutableData(); avoids staging
    // plaintext in unwiped temporary memory.
    static SecureString zeroed(size_t size);

    SecureString(SecureString&& other) noexcept;
    SecureString& operator=(SecureString&& other) noexcept;
    SecureString(const SecureString&) = delete;
    SecureString& operator=(const SecureString&) = delete;
    ~SecureString();

    SecureString clone() const;

    std::string_view view() const;
    // Never null (points at a static empty byte when empty), so it can go straight into C crypto APIs.
    const unsigned char* data() const;
    unsigned char* mutableData();
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

    // Wipes and releases the buffer; the string is empty afterwards.
    void clear();

    // Byte-wise equality without an early exit on the first differing byte.
    bool equals(const SecureString& other) const;

private:
    unsigned char* bytes_ = nullptr;
    size_t size_ = 0;
};

} // namespace athanor

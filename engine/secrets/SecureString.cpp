#include "secrets/SecureString.h"

#include <cstring>
#include <sodium.h>
#include <utility>

namespace athanor {

namespace {

// Returned by data() for empty strings so callers never receive a null pointer.
const unsigned char kEmptyByte = 0;

} // namespace

SecureString::SecureString() = default;

SecureString::SecureString(std::string_view text) {
    if (!text.empty()) {
        bytes_ = new unsigned char[text.size()];
        size_ = text.size();
        std::memcpy(bytes_, text.data(), text.size());
    }
}

SecureString SecureString::fromBytes(const unsigned char* data, size_t size) {
    SecureString result = zeroed(size);
    if (size != 0)
        std::memcpy(result.bytes_, data, size);
    return result;
}

SecureString SecureString::zeroed(size_t size) {
    SecureString result;
    if (size != 0) {
        result.bytes_ = new unsigned char[size]();
        result.size_ = size;
    }
    return result;
}

SecureString::SecureString(SecureString&& other) noexcept
    : bytes_(std::exchange(other.bytes_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecureString& SecureString::operator=(SecureString&& other) noexcept {
    if (this != &other) {
        clear();
        bytes_ = std::exchange(other.bytes_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

SecureString::~SecureString() {
    clear();
}

SecureString SecureString::clone() const {
    return fromBytes(bytes_, size_);
}

std::string_view SecureString::view() const {
    if (size_ == 0)
        return {};
    return {reinterpret_cast<const char*>(bytes_), size_};
}

const unsigned char* SecureString::data() const {
    return size_ == 0 ? &kEmptyByte : bytes_;
}

unsigned char* SecureString::mutableData() {
    return bytes_;
}

void SecureString::clear() {
    if (bytes_ != nullptr) {
        // sodium_memzero cannot be optimised away, unlike memset on memory about to be freed.
        sodium_memzero(bytes_, size_);
        delete[] bytes_;
    }
    bytes_ = nullptr;
    size_ = 0;
}

bool SecureString::equals(const SecureString& other) const {
    if (size_ != other.size_)
        return false;
    if (size_ == 0)
        return true;
    return sodium_memcmp(bytes_, other.bytes_, size_) == 0;
}

} // namespace athanor

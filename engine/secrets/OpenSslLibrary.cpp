#include "secrets/OpenSslLibrary.h"

#include "system/DynamicLibrary.h"

#include <atomic>
#include <stdexcept>

namespace athanor {

namespace {

constexpr const char* kSoname = "libcrypto.so.3";
constexpr const char* kInstallHint =
    "secrets on a CPU without AES-NI are encrypted with OpenSSL 3: install the "
    "Debian package libssl3";

std::atomic<bool> g_loaded{false};

OpenSslLibrary load() {
    void* handle = system::openLibrary<std::runtime_error>(kSoname, kInstallHint);
    OpenSslLibrary library{};
#define ATHANOR_OPENSSL_RESOLVE(name)                                                                        \
    system::resolveSymbol<std::runtime_error>(handle, kSoname, #name, kInstallHint, library.name);
    ATHANOR_OPENSSL_FUNCTIONS(ATHANOR_OPENSSL_RESOLVE)
#undef ATHANOR_OPENSSL_RESOLVE
    g_loaded.store(true, std::memory_order_release);
    return library;
}

} // namespace

const OpenSslLibrary& openSslLibrary() {
    // A throwing initialiser leaves it unset, so a later call tries again (after an install).
    static const OpenSslLibrary library = load();
    return library;
}

bool openSslLibraryLoaded() {
    return g_loaded.load(std::memory_order_acquire);
}

} // namespace athanor

#pragma once

#include <openssl/evp.h>

namespace athanor {

// The OpenSSL functions SecretCipher's AES-256-GCM fallback calls.
#define ATHANOR_OPENSSL_FUNCTIONS(X)                                                                         \
    X(EVP_CIPHER_CTX_new)                                                                                    \
    X(EVP_CIPHER_CTX_free)                                                                                   \
    X(EVP_CIPHER_CTX_ctrl)                                                                                   \
    X(EVP_aes_256_gcm)                                                                                       \
    X(EVP_EncryptInit_ex)                                                                                    \
    X(EVP_EncryptUpdate)                                                                                     \
    X(EVP_EncryptFinal_ex)                                                                                   \
    X(EVP_DecryptInit_ex)                                                                                    \
    X(EVP_DecryptUpdate)                                                                                     \
    X(EVP_DecryptFinal_ex)

// libcrypto, opened with dlopen the first time a secret is encrypted or decrypted with OpenSSL: only on a
// CPU without AES-NI, where libsodium has no AES-256-GCM (or when a test asks for it). Linking it would load
// and relocate its 4.5 MB in every athanorctl command (~2 ms and ~120 page faults of start-up, 6 % of a local
// 1,000-resource `read`) that almost never uses it. Each member is the function of the same name, typed as
// openssl/evp.h declares it.
struct OpenSslLibrary {
#define ATHANOR_OPENSSL_MEMBER(name) decltype(&::name) name;
    ATHANOR_OPENSSL_FUNCTIONS(ATHANOR_OPENSSL_MEMBER)
#undef ATHANOR_OPENSSL_MEMBER
};

// The library, loaded once (thread-safe). Throws std::runtime_error naming libcrypto.so.3 and the Debian
// package when it is missing or lacks a function; a later call tries again.
const OpenSslLibrary& openSslLibrary();

// Whether openSslLibrary() has been loaded in this process (tests check that local work never loads it).
bool openSslLibraryLoaded();

} // namespace athanor

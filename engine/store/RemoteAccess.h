#pragma once

#include "secrets/SecureString.h"
#include "store/SourceSpec.h"
#include "store/StoreError.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace athanor {

// The secret that opens a remote source: the Cloudflare worker's state token (`secret`), or an AWS key pair
// (`accessKeyId` + `secret`, with `sessionToken` when temporary). `origin` says where it came from, for
// messages ("ALCHEMY_STATE_TOKEN", "the token typed in", "the desktop keychain"); never the value.
struct AccessSecret {
    std::string accessKeyId;
    SecureString secret;
    SecureString sessionToken;
    std::string origin;

    AccessSecret clone() const { return {accessKeyId, secret.clone(), sessionToken.clone(), origin}; }
};

// Secrets given to this process for a source (the GUI: typed in, or read from the desktop keychain), held
// in memory only, for the session. Sources look here first, then in the environment (athanorctl only ever
// uses the environment). Thread-safe.
void rememberAccessSecret(const SourceSpec& spec, AccessSecret secret);
void forgetAccessSecret(const SourceSpec& spec);
std::optional<AccessSecret> rememberedAccessSecret(const SourceSpec& spec);

// A remote source has no secret to use: neither one given to the process nor one in the environment. The
// message says which variables to set; the GUI asks instead.
class MissingAccessSecretError : public SourceUnavailableError {
public:
    using SourceUnavailableError::SourceUnavailableError;
};

// A remote source could not be reached or refused the call (offline, timeout, 401, 5xx). Nothing was
// changed; a viewer keeps its last snapshot and says why in a banner (`reason`: "offline", "unauthorized",
// "server error", "timeout", ...).
class RemoteUnavailableError : public SourceUnavailableError {
public:
    RemoteUnavailableError(std::string reason, const std::string& message)
        : SourceUnavailableError(message), m_reason(std::move(reason)) {}
    const std::string& reason() const { return m_reason; }

private:
    std::string m_reason;
};

namespace http {
class RemoteError;
}
// The load / store error for a failed remote call: Cancelled becomes LoadCancelled, everything else
// RemoteUnavailableError with the call's message (which names the source).
[[noreturn]] void throwRemoteFailure(const http::RemoteError& error);

// $XDG_DATA_HOME/athanor/sources/<hash of the source's text>: where Athanor keeps run history of a source
// that is not a local folder.
std::filesystem::path athanorHomeOutsideSource(const SourceSpec& spec);

} // namespace athanor

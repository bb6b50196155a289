#include "store/RemoteAccess.h"

#include "secrets/Sha256.h"
#include "store/http/HttpClient.h"

#include <cstdlib>
#include <map>
#include <mutex>

namespace athanor {

namespace {

std::mutex& secretsMutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<std::string, AccessSecret>& secrets() {
    static std::map<std::string, AccessSecret> held; // SecureString wipes each one when it goes
    return held;
}

} // namespace

void rememberAccessSecret(const SourceSpec& spec, AccessSecret secret) {
    std::lock_guard lock(secretsMutex());
    secrets().insert_or_assign(spec.toString(), std::move(secret));
}

void forgetAccessSecret(const SourceSpec& spec) {
    std::lock_guard lock(secretsMutex());
    secrets().erase(spec.toString());
}

std::optional<AccessSecret> rememberedAccessSecret(const SourceSpec& spec) {
    std::lock_guard lock(secretsMutex());
    const auto it = secrets().find(spec.toString());
    if (it == secrets().end())
        return std::nullopt;
    return it->second.clone();
}

void throwRemoteFailure(const http::RemoteError& error) {
    if (error.kind() == http::RemoteError::Kind::Cancelled)
        throw LoadCancelled();
    throw RemoteUnavailableError(std::string(http::toString(error.kind())), error.what());
}

std::filesystem::path athanorHomeOutsideSource(const SourceSpec& spec) {
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = std::filesystem::path(home) / ".local" / "share";
    else
        base = std::filesystem::temp_directory_path();
    return base / "athanor" / "sources" / sha256Hex(spec.toString()).substr(0, 16);
}

} // namespace athanor

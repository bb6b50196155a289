#include "store/http/CurlLibrary.h"

#include "store/StoreError.h"
#include "system/DynamicLibrary.h"

#include <atomic>
#include <string>

namespace athanor::http {

namespace {

constexpr const char* kSoname = "libcurl.so.4";
constexpr unsigned kOldestVersion = 0x075500; // 7.85.0
constexpr const char* kInstallHint = "remote state (S3, Cloudflare) needs libcurl 7.85 or newer: install the "
                                     "Debian package libcurl4";

std::atomic<bool> g_loaded{false};

template <typename Function>
void resolve(void* handle, const char* name, Function& out) {
    system::resolveSymbol<StoreError>(handle, kSoname, name, kInstallHint, out);
}

CurlLibrary load() {
    void* handle = system::openLibrary<StoreError>(kSoname, kInstallHint);
    CurlLibrary curl{};
    resolve(handle, "curl_global_init", curl.global_init);
    resolve(handle, "curl_version_info", curl.version_info);
    resolve(handle, "curl_easy_init", curl.easy_init);
    resolve(handle, "curl_easy_cleanup", curl.easy_cleanup);
    resolve(handle, "curl_easy_reset", curl.easy_reset);
    resolve(handle, "curl_easy_setopt", curl.easy_setopt);
    resolve(handle, "curl_easy_getinfo", curl.easy_getinfo);
    resolve(handle, "curl_easy_strerror", curl.easy_strerror);
    resolve(handle, "curl_slist_append", curl.slist_append);
    resolve(handle, "curl_slist_free_all", curl.slist_free_all);
    resolve(handle, "curl_multi_init", curl.multi_init);
    resolve(handle, "curl_multi_cleanup", curl.multi_cleanup);
    resolve(handle, "curl_multi_add_handle", curl.multi_add_handle);
    resolve(handle, "curl_multi_remove_handle", curl.multi_remove_handle);
    resolve(handle, "curl_multi_perform", curl.multi_perform);
    resolve(handle, "curl_multi_poll", curl.multi_poll);
    resolve(handle, "curl_multi_wakeup", curl.multi_wakeup);
    resolve(handle, "curl_multi_info_read", curl.multi_info_read);
    resolve(handle, "curl_multi_strerror", curl.multi_strerror);
    const curl_version_info_data* version = curl.version_info(CURLVERSION_NOW);
    if (!version || version->version_num < kOldestVersion)
        throw StoreError(std::string(kSoname) + " is version " + (version ? version->version : "unknown") +
                         "; " + kInstallHint);
    if (const CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
        throw StoreError(std::string(kSoname) + " failed to initialise (code " + std::to_string(code) + ")");
    g_loaded.store(true, std::memory_order_release);
    return curl;
}

} // namespace

const CurlLibrary& curlLibrary() {
    // Thread-safe; a throwing initialiser leaves it unset, so a later call tries again (after an install).
    static const CurlLibrary library = load();
    return library;
}

bool curlLibraryLoaded() {
    return g_loaded.load(std::memory_order_acquire);
}

} // namespace athanor::http

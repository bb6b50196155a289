#pragma once

#include <curl/curl.h>

namespace athanor::http {

// libcurl, opened with dlopen the first time a remote store needs HTTP. Linking it would load ~28 libraries
// (TLS, Kerberos, LDAP, SSH, ...) into every athanorctl and athanor process and cost ~20 ms of start-up,
// which dominates a local no-change `up` or `read`; local folders and SQLite files never touch it.
struct CurlLibrary {
    CURLcode (*global_init)(long flags);
    curl_version_info_data* (*version_info)(CURLversion);
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    void (*easy_reset)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    CURLM* (*multi_init)();
    CURLMcode (*multi_cleanup)(CURLM*);
    CURLMcode (*multi_add_handle)(CURLM*, CURL*);
    CURLMcode (*multi_remove_handle)(CURLM*, CURL*);
    CURLMcode (*multi_perform)(CURLM*, int*);
    CURLMcode (*multi_poll)(CURLM*, curl_waitfd[], unsigned int, int, int*);
    CURLMcode (*multi_wakeup)(CURLM*);
    CURLMsg* (*multi_info_read)(CURLM*, int*);
    const char* (*multi_strerror)(CURLMcode);
};

// The library, loaded and globally initialised once (thread-safe). Throws StoreError naming libcurl.so.4 and
// the package to install when it is missing, too old (before 7.85: CURLOPT_PROTOCOLS_STR, CURLOPT_AWS_SIGV4)
// or lacks a function.
const CurlLibrary& curlLibrary();

// Whether curlLibrary() has been loaded in this process (tests check that local work never loads it).
bool curlLibraryLoaded();

} // namespace athanor::http

#pragma once

#include <dlfcn.h>
#include <string>

namespace athanor::system {

// Opening an optional shared library with dlopen the first time a feature needs it, so the processes that
// never use the feature do not pay for loading and relocating it: on this project's machines each linked
// library costs a command 1-2 ms of start-up (page faults), a large share of a 30 ms local `read`.
// Users: libcurl (remote stores), libsqlite3 (SQLite store), libcrypto (AES-GCM without AES-NI).
// Errors are thrown as `Error` (the caller's exception type) with a message naming the soname and `hint`
// (which package to install).

// dlopen(RTLD_NOW | RTLD_LOCAL): the symbols stay out of the global namespace. Never closed: the libraries
// keep global state for the life of the process.
template <typename Error>
void* openLibrary(const char* soname, const char* hint) {
    void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        throw Error(std::string("cannot load ") + soname + " (" + (why ? why : "unknown error") + "); " +
                    hint);
    }
    return handle;
}

// Sets `out` to the function `name`, typed as declared by the library's header (decltype(&name)).
template <typename Error, typename Function>
void resolveSymbol(void* handle, const char* soname, const char* name, const char* hint, Function& out) {
    void* symbol = dlsym(handle, name);
    if (!symbol)
        throw Error(std::string(soname) + " has no " + name + "; " + hint);
    out = reinterpret_cast<Function>(symbol);
}

} // namespace athanor::system

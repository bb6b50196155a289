#include "store/sqlite/SqliteLibrary.h"

#include "store/StoreError.h"
#include "system/DynamicLibrary.h"

#include <atomic>

namespace athanor::sqlite {

namespace {

constexpr const char* kSoname = "libsqlite3.so.0";
constexpr const char* kInstallHint = "SQLite state needs SQLite 3.20 or newer: install the Debian package "
                                     "libsqlite3-0";

std::atomic<bool> g_loaded{false};

SqliteLibrary load() {
    void* handle = system::openLibrary<StoreError>(kSoname, kInstallHint);
    SqliteLibrary library{};
#define ATHANOR_SQLITE_RESOLVE(name)                                                                         \
    system::resolveSymbol<StoreError>(handle, kSoname, "sqlite3_" #name, kInstallHint, library.name);
    ATHANOR_SQLITE_FUNCTIONS(ATHANOR_SQLITE_RESOLVE)
#undef ATHANOR_SQLITE_RESOLVE
    g_loaded.store(true, std::memory_order_release);
    return library;
}

} // namespace

const SqliteLibrary& sqliteLibrary() {
    // A throwing initialiser leaves it unset, so a later call tries again (after an install).
    static const SqliteLibrary library = load();
    return library;
}

bool sqliteLibraryLoaded() {
    return g_loaded.load(std::memory_order_acquire);
}

} // namespace athanor::sqlite

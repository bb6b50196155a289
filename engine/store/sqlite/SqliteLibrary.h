#pragma once

#include <sqlite3.h>

namespace athanor::sqlite {

// The SQLite functions the SQLite state store calls (SqliteDatabase.cpp, the one file that talks to SQLite).
#define ATHANOR_SQLITE_FUNCTIONS(X)                                                                          \
    X(open_v2)                                                                                               \
    X(close_v2)                                                                                              \
    X(extended_result_codes)                                                                                 \
    X(busy_timeout)                                                                                          \
    X(errmsg)                                                                                                \
    X(errstr)                                                                                                \
    X(exec)                                                                                                  \
    X(free)                                                                                                  \
    X(prepare_v3)                                                                                            \
    X(finalize)                                                                                              \
    X(reset)                                                                                                 \
    X(clear_bindings)                                                                                        \
    X(sql)                                                                                                   \
    X(step)                                                                                                  \
    X(bind_text64)                                                                                           \
    X(bind_int64)                                                                                            \
    X(bind_double)                                                                                           \
    X(bind_null)                                                                                             \
    X(column_type)                                                                                           \
    X(column_int64)                                                                                          \
    X(column_double)                                                                                         \
    X(column_text)                                                                                           \
    X(column_bytes)

// libsqlite3, opened with dlopen the first time a SQLite state file is opened. Only SQLite users need it:
// linking it would load and relocate it in every athanorctl command (~1.5 ms and ~70 page faults of start-up,
// about 5 % of a local 1,000-resource `read`). Each member is the function of the same name without
// "sqlite3_", typed as sqlite3.h declares it.
struct SqliteLibrary {
#define ATHANOR_SQLITE_MEMBER(name) decltype(&::sqlite3_##name) name;
    ATHANOR_SQLITE_FUNCTIONS(ATHANOR_SQLITE_MEMBER)
#undef ATHANOR_SQLITE_MEMBER
};

// The library, loaded once (thread-safe). Throws StoreError naming libsqlite3.so.0 and the Debian package
// when it is missing or lacks a function (older than 3.20: sqlite3_prepare_v3); a later call tries again.
const SqliteLibrary& sqliteLibrary();

// Whether sqliteLibrary() has been loaded in this process (tests check that local work never loads it).
bool sqliteLibraryLoaded();

} // namespace athanor::sqlite

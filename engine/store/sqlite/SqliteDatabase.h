#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace athanor::sqlite {
struct SqliteLibrary;
}

namespace athanor::sqlite {

// Alchemy's SQLiteStateStore opens its database with this busy timeout (reference §6.4); so does Athanor.
inline constexpr int kBusyTimeoutMs = 5000;

class Database;

// A prepared statement, reset when it goes out of scope (statements are kept by their Database).
class Statement {
public:
    Statement(Database& db, sqlite3_stmt* stmt) : m_db(&db), m_stmt(stmt) {}
    Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement& operator=(Statement&&) = delete;
    ~Statement();

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, int64_t value);
    Statement& bindDouble(int index, double value);
    Statement& bindNull(int index);
    // True while there is a row; throws DatabaseError (SourceUnavailableError when busy).
    bool step();
    void run() {
        while (step()) {
        }
    }

    bool isNull(int column) const;
    bool isInteger(int column) const;
    int64_t integer(int column) const;
    double real(int column) const;
    // The column as text (empty for NULL); valid until the next step().
    std::string_view text(int column) const;

private:
    Database* m_db;
    sqlite3_stmt* m_stmt;
};

// One connection to a SQLite database file, with Alchemy's settings (busy timeout 5 s). Used by one thread at
// a time (SqliteSource pools them). Errors are StoreError naming the file; a busy database past the timeout
// is a SourceUnavailableError.
class Database {
public:
    enum class Mode { ReadOnly, ReadWrite, Create };
    Database(const std::filesystem::path& file, Mode mode);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    const std::filesystem::path& file() const { return m_file; }
    Mode mode() const { return m_mode; }
    // A statement, prepared once per connection and kept.
    Statement prepare(const std::string& sql);
    // Runs statements without results (DDL, PRAGMA, BEGIN/COMMIT).
    void exec(const std::string& sql);
    bool tableExists(const std::string& name);
    std::string errorMessage() const;
    [[noreturn]] void fail(int code, const std::string& doing) const;
    sqlite3* handle() const { return m_db; }
    const SqliteLibrary& library() const { return *m_lib; }

private:
    std::filesystem::path m_file;
    Mode m_mode;
    const SqliteLibrary* m_lib; // loaded by the first Database (dlopen)
    sqlite3* m_db = nullptr;
    std::map<std::string, sqlite3_stmt*> m_statements;
};

// BEGIN IMMEDIATE (the write lock, waiting up to the busy timeout) ... COMMIT; rolled back unless committed.
class WriteTransaction {
public:
    explicit WriteTransaction(Database& db);
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction();
    void commit();

private:
    Database& m_db;
    bool m_open = true;
};

// A read transaction: one consistent view of the database across several statements.
class ReadTransaction {
public:
    explicit ReadTransaction(Database& db);
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    ~ReadTransaction();

private:
    Database& m_db;
};

} // namespace athanor::sqlite

#include "store/sqlite/SqliteDatabase.h"

#include "store/StoreError.h"

#include <sqlite3.h>

namespace athanor::sqlite {

Statement::~Statement() {
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
}

Statement& Statement::bind(int index, std::string_view text) {
    const int rc =
        sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, int64_t value) {
    const int rc = sqlite3_bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bindDouble(int index, double value) {
    const int rc = sqlite3_bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bindNull(int index) {
    const int rc = sqlite3_bind_null(m_stmt, index);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db->fail(rc, sqlite3_sql(m_stmt));
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

bool Statement::isInteger(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_INTEGER;
}

int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

std::string_view Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    if (!data)
        return {};
    return {data, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))};
}

Database::Database(const std::filesystem::path& file, Mode mode) : m_file(file), m_mode(mode) {
    int flags = SQLITE_OPEN_NOMUTEX; // one thread at a time per connection: the pool sees to it
    switch (mode) {
    case Mode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::Create:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    const int rc = sqlite3_open_v2(file.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw SourceUnavailableError("cannot open " + file.string() + ": " + message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
}

Database::~Database() {
    for (auto& [sql, stmt] : m_statements)
        sqlite3_finalize(stmt);
    sqlite3_close_v2(m_db);
}

std::string Database::errorMessage() const {
    return sqlite3_errmsg(m_db);
}

void Database::fail(int code, const std::string& doing) const {
    const int primary = code & 0xff;
    const std::string message = sqlite3_errmsg(m_db);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw SourceUnavailableError(m_file.string() + " is locked by another writer (waited " +
                                     std::to_string(kBusyTimeoutMs / 1000) +
                                     " s, Alchemy's busy timeout): " + message);
    if (primary == SQLITE_NOTADB)
        throw SourceUnavailableError(m_file.string() + " is not a SQLite database: " + message);
    if (primary == SQLITE_CORRUPT)
        throw SourceUnavailableError(m_file.string() + " is damaged: " + message);
    if (primary == SQLITE_READONLY)
        throw StoreError(m_file.string() + " cannot be written: " + message);
    throw StoreError(m_file.string() + ": " + message + " (" + doing + ")");
}

Statement Database::prepare(const std::string& sql) {
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        sqlite3_stmt* stmt = nullptr;
        const int rc = sqlite3_prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size() + 1),
                                          SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK)
            fail(rc, sql);
        it = m_statements.emplace(sql, stmt).first;
    }
    return Statement(*this, it->second);
}

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &error);
    if (error)
        sqlite3_free(error);
    if (rc != SQLITE_OK)
        fail(rc, sql);
}

bool Database::tableExists(const std::string& name) {
    Statement q = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    q.bind(1, name);
    return q.step();
}

WriteTransaction::WriteTransaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
    if (m_open)
        sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
    m_db.exec("COMMIT");
    m_open = false;
}

ReadTransaction::ReadTransaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN DEFERRED");
}

ReadTransaction::~ReadTransaction() {
    sqlite3_exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace athanor::sqlite

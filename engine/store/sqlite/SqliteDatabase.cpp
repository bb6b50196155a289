#include "store/sqlite/SqliteDatabase.h"

#include "store/StoreError.h"
#include "store/sqlite/SqliteLibrary.h"

namespace athanor::sqlite {

Statement::~Statement() {
    if (m_stmt) {
        m_db->library().reset(m_stmt);
        m_db->library().clear_bindings(m_stmt);
    }
}

Statement& Statement::bind(int index, std::string_view text) {
    const int rc =
        m_db->library().bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, int64_t value) {
    const int rc = m_db->library().bind_int64(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bindDouble(int index, double value) {
    const int rc = m_db->library().bind_double(m_stmt, index, value);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

Statement& Statement::bindNull(int index) {
    const int rc = m_db->library().bind_null(m_stmt, index);
    if (rc != SQLITE_OK)
        m_db->fail(rc, "binding a value");
    return *this;
}

bool Statement::step() {
    const int rc = m_db->library().step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db->fail(rc, m_db->library().sql(m_stmt));
}

bool Statement::isNull(int column) const {
    return m_db->library().column_type(m_stmt, column) == SQLITE_NULL;
}

bool Statement::isInteger(int column) const {
    return m_db->library().column_type(m_stmt, column) == SQLITE_INTEGER;
}

int64_t Statement::integer(int column) const {
    return m_db->library().column_int64(m_stmt, column);
}

double Statement::real(int column) const {
    return m_db->library().column_double(m_stmt, column);
}

std::string_view Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(m_db->library().column_text(m_stmt, column));
    if (!data)
        return {};
    return {data, static_cast<size_t>(m_db->library().column_bytes(m_stmt, column))};
}

Database::Database(const std::filesystem::path& file, Mode mode)
    : m_file(file), m_mode(mode), m_lib(&sqliteLibrary()) {
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
    const int rc = m_lib->open_v2(file.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string message = m_db ? m_lib->errmsg(m_db) : m_lib->errstr(rc);
        m_lib->close_v2(m_db);
        m_db = nullptr;
        throw SourceUnavailableError("cannot open " + file.string() + ": " + message);
    }
    m_lib->extended_result_codes(m_db, 1);
    m_lib->busy_timeout(m_db, kBusyTimeoutMs);
}

Database::~Database() {
    for (auto& [sql, stmt] : m_statements)
        m_lib->finalize(stmt);
    m_lib->close_v2(m_db);
}

std::string Database::errorMessage() const {
    return m_lib->errmsg(m_db);
}

void Database::fail(int code, const std::string& doing) const {
    const int primary = code & 0xff;
    const std::string message = m_lib->errmsg(m_db);
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
        const int rc = m_lib->prepare_v3(m_db, sql.c_str(), static_cast<int>(sql.size() + 1),
                                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK)
            fail(rc, sql);
        it = m_statements.emplace(sql, stmt).first;
    }
    return Statement(*this, it->second);
}

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = m_lib->exec(m_db, sql.c_str(), nullptr, nullptr, &error);
    if (error)
        m_lib->free(error);
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
        m_db.library().exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void WriteTransaction::commit() {
    m_db.exec("COMMIT");
    m_open = false;
}

ReadTransaction::ReadTransaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN DEFERRED");
}

ReadTransaction::~ReadTransaction() {
    m_db.library().exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace athanor::sqlite

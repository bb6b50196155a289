#include "store/sqlite/ConnectionPool.h"

#include "store/StoreError.h"
#include "store/sqlite/AlchemySchema.h"

#include "json/JsJsonText.h"
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor::sqlite {

ConnectionPool::Lease::~Lease() {
    if (!m_db)
        return;
    std::lock_guard lock(m_pool->m_mutex);
    m_pool->m_idle.push_back(std::move(m_db));
}

bool ConnectionPool::exists() const {
    std::error_code ec;
    return fs::is_regular_file(m_file, ec);
}

ConnectionPool::Lease ConnectionPool::borrow() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_idle.empty()) {
            std::unique_ptr<Database> db = std::move(m_idle.back());
            m_idle.pop_back();
            return Lease(*this, std::move(db));
        }
    }
    // A file Athanor may not write (another user's, a read-only mount) is still browsable.
    const Database::Mode mode =
        ::access(m_file.c_str(), W_OK) == 0 ? Database::Mode::ReadWrite : Database::Mode::ReadOnly;
    return Lease(*this, std::make_unique<Database>(m_file, mode));
}

std::optional<ConnectionPool::Lease> ConnectionPool::reader() {
    if (!exists())
        return std::nullopt;
    Lease db = borrow();
    if (!m_schemaChecked.load()) {
        bool empty = false;
        {
            Statement tables = db->prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
            tables.step();
            empty = tables.integer(0) == 0;
        }
        if (empty)
            return std::nullopt;
        if (const std::string problem = alchemySchemaProblem(*db); !problem.empty())
            throw SourceUnavailableError(problem);
        m_schemaChecked = true;
    }
    return db;
}

ConnectionPool::Lease ConnectionPool::writer() {
    if (m_writable.load())
        return borrow();
    std::error_code ec;
    if (!exists()) {
        if (m_file.has_parent_path())
            fs::create_directories(m_file.parent_path(), ec);
        if (ec)
            throw StoreError("cannot create the folder of " + m_file.string() + ": " + ec.message());
        Database create(m_file, Database::Mode::Create);
        (void)create;
    }
    Lease db = borrow();
    if (db->mode() == Database::Mode::ReadOnly)
        throw StoreError(m_file.string() + " cannot be written (no write permission)");
    bool created = false;
    {
        WriteTransaction tx(*db);
        created = !db->tableExists("resources");
        ensureWritableSchema(*db);
        tx.commit();
    }
    if (created)
        db->exec("PRAGMA journal_mode = WAL"); // as Alchemy opens it; persistent in the file
    m_schemaChecked = true;
    m_recordKeys = true;
    m_writable = true;
    return db;
}

bool ConnectionPool::hasRecordKeys(Database& db) {
    if (m_recordKeys.load())
        return true;
    if (db.tableExists(kRecordKeysTable))
        m_recordKeys = true;
    return m_recordKeys.load();
}

std::string ConnectionPool::rowLocation(const std::string& scope, const std::string& id) const {
    return m_file.string() + " (row scope " + scope + ", id " + stringifyJs(Json(id), 0) + ")";
}

} // namespace athanor::sqlite

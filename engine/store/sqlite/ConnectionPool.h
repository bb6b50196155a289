#pragma once

#include "store/sqlite/SqliteDatabase.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace athanor::sqlite {

// The connections of one database file, kept open for the source's lifetime (opening one per read would
// create and delete the WAL files around every read, which a watcher would take for writes). A connection
// serves one thread at a time; threads borrow one each.
class ConnectionPool {
public:
    explicit ConnectionPool(std::filesystem::path file) : m_file(std::move(file)) {}

    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<Database> db) : m_pool(&pool), m_db(std::move(db)) {}
        Lease(Lease&&) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        Database& operator*() const { return *m_db; }
        Database* operator->() const { return m_db.get(); }

    private:
        ConnectionPool* m_pool;
        std::unique_ptr<Database> m_db;
    };

    const std::filesystem::path& file() const { return m_file; }
    bool exists() const;
    // A connection to the existing database; nullopt when there is no database file, or it holds no tables
    // yet (nothing written: no records). SourceUnavailableError when it is not Alchemy's database.
    std::optional<Lease> reader();
    // A connection for writing: the first one creates the database (Alchemy's schema, WAL) or Athanor's own
    // tables in an existing Alchemy database. StoreError when it is another kind of database.
    Lease writer();
    // Whether athanor_record_keys exists (Athanor has written to this database).
    bool hasRecordKeys(Database& db);
    // "<file> (row scope ["shop","dev"], id "config")"
    std::string rowLocation(const std::string& scope, const std::string& id) const;

private:
    Lease borrow();
    std::filesystem::path m_file;
    std::mutex m_mutex;
    std::vector<std::unique_ptr<Database>> m_idle;
    std::atomic<bool> m_schemaChecked{false}; // `resources` found with Alchemy's columns
    std::atomic<bool> m_writable{false};      // Athanor's tables exist
    std::atomic<bool> m_recordKeys{false};
};

} // namespace athanor::sqlite

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace athanor::sqlite {

class Database;

// Alchemy 0.94's SQL schema (reference §6.3) exactly as its package ships it (drizzle/default/*.sql and
// meta/_journal.json), so a database Athanor creates is one Alchemy's SQLiteStateStore opens without
// applying a migration: drizzle's bookkeeping table holds both migrations, hash = SHA-256 hex of each file's
// text, created_at = the journal's `when`.
struct AlchemyMigration {
    std::string_view tag;
    std::string_view sql; // the file's text, byte for byte
    int64_t when;         // the journal's "when"
};
const std::vector<AlchemyMigration>& alchemyMigrations();

// The columns of Alchemy's `resources` table, in its order.
inline constexpr const char* kResourceColumns[] = {"id",  "scope", "status", "kind",     "fqn",
                                                   "seq", "data",  "props",  "oldProps", "output"};

// Athanor's own tables beside Alchemy's (real Alchemy reads only `resources` and `__drizzle_migrations`):
//   athanor_record_keys  the top-level key order of records Athanor wrote, so a record written from a file
//                        reads back as the same text (only while the row is unchanged: a fingerprint)
//   athanor_locks        stage locks of runs, one row per (app, stage)
inline constexpr const char* kRecordKeysTable = "athanor_record_keys";
inline constexpr const char* kLocksTable = "athanor_locks";

// Problems that make the database unusable as Alchemy's state: a missing table or column. Empty when fine.
std::string alchemySchemaProblem(Database& db);
// In a new or empty database: Alchemy's tables (both migrations, as drizzle applies them) and their
// bookkeeping; in any Alchemy database: Athanor's own tables when missing. Refuses (StoreError) a database
// that holds other tables but not Alchemy's. Call inside a write transaction.
void ensureWritableSchema(Database& db);

} // namespace athanor::sqlite

#include "store/sqlite/AlchemySchema.h"

#include "secrets/Sha256.h"
#include "store/StoreError.h"
#include "store/sqlite/SqliteDatabase.h"

#include <set>

namespace athanor::sqlite {

namespace {

// drizzle/default/0000_busy_mauler.sql of alchemy@0.94.0, byte for byte.
constexpr std::string_view kMigration0000 = R"sql(CREATE TABLE `resources` (
	`id` text NOT NULL,
	`scope` text NOT NULL,
	`status` text NOT NULL,
	`kind` text NOT NULL,
	`fqn` text NOT NULL,
	`seq` integer NOT NULL,
	`data` text NOT NULL,
	`props` text,
	`oldProps` text,
	`output` text NOT NULL,
	PRIMARY KEY(`scope`, `id`),
	FOREIGN KEY (`scope`) REFERENCES `scopes`(`chain`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `scopes` (
	`chain` text PRIMARY KEY NOT NULL,
	`parent` text
);
)sql";

// drizzle/default/0001_concerned_iceman.sql of alchemy@0.94.0, byte for byte (no final newline).
constexpr std::string_view kMigration0001 = R"sql(DROP TABLE `scopes`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_resources` (
	`id` text NOT NULL,
	`scope` text NOT NULL,
	`status` text NOT NULL,
	`kind` text NOT NULL,
	`fqn` text NOT NULL,
	`seq` integer NOT NULL,
	`data` text NOT NULL,
	`props` text,
	`oldProps` text,
	`output` text NOT NULL,
	PRIMARY KEY(`scope`, `id`)
);
--> statement-breakpoint
INSERT INTO `__new_resources`("id", "scope", "status", "kind", "fqn", "seq", "data", "props", "oldProps", "output") SELECT "id", "scope", "status", "kind", "fqn", "seq", "data", "props", "oldProps", "output" FROM `resources`;--> statement-breakpoint
DROP TABLE `resources`;--> statement-breakpoint
ALTER TABLE `__new_resources` RENAME TO `resources`;--> statement-breakpoint
PRAGMA foreign_keys=ON;)sql";

// What drizzle-orm's libsql migrator runs first (drizzle-orm/libsql/migrator.js), byte for byte.
constexpr std::string_view kDrizzleMigrationsTable = R"sql(
		CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
			id SERIAL PRIMARY KEY,
			hash text NOT NULL,
			created_at numeric
		)
	)sql";

constexpr std::string_view kStatementBreakpoint = "--> statement-breakpoint";

} // namespace

const std::vector<AlchemyMigration>& alchemyMigrations() {
    static const std::vector<AlchemyMigration> migrations{
        {"0000_busy_mauler", kMigration0000, 1751858205551},
        {"0001_concerned_iceman", kMigration0001, 1751942782611},
    };
    return migrations;
}

std::string alchemySchemaProblem(Database& db) {
    if (!db.tableExists("resources"))
        return db.file().string() + " is not Alchemy's state database: it has no table \"resources\"";
    std::set<std::string> columns;
    Statement info = db.prepare("SELECT name FROM pragma_table_info('resources')");
    while (info.step())
        columns.emplace(info.text(0));
    std::string missing;
    for (const char* column : kResourceColumns)
        if (!columns.count(column))
            missing += std::string(missing.empty() ? "" : ", ") + column;
    if (!missing.empty())
        return db.file().string() +
               " is not Alchemy's state database: its table \"resources\" has no column " + missing;
    return {};
}

void ensureWritableSchema(Database& db) {
    if (!db.tableExists("resources")) {
        bool empty = false;
        {
            Statement tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'");
            tables.step();
            empty = tables.integer(0) == 0;
        }
        if (!empty)
            throw StoreError(
                db.file().string() +
                " holds tables but not Alchemy's: Athanor creates Alchemy's tables only in a new "
                "or empty database");
        // As drizzle's migrator does it: its table, each migration split at the breakpoints, a row each.
        db.exec(std::string(kDrizzleMigrationsTable));
        for (const AlchemyMigration& m : alchemyMigrations()) {
            size_t start = 0;
            while (start < m.sql.size()) {
                size_t end = m.sql.find(kStatementBreakpoint, start);
                if (end == std::string_view::npos)
                    end = m.sql.size();
                db.exec(std::string(m.sql.substr(start, end - start)));
                start = end == m.sql.size() ? end : end + kStatementBreakpoint.size();
            }
            Statement row =
                db.prepare(R"(INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES(?, ?))");
            row.bind(1, sha256Hex(m.sql)).bind(2, m.when);
            row.run();
        }
    } else if (const std::string problem = alchemySchemaProblem(db); !problem.empty()) {
        throw StoreError(problem);
    }
    db.exec(std::string("CREATE TABLE IF NOT EXISTS ") + kRecordKeysTable +
            " (scope TEXT NOT NULL, id TEXT NOT NULL, keys TEXT NOT NULL, fingerprint TEXT NOT NULL, "
            "PRIMARY KEY (scope, id))");
    db.exec(std::string("CREATE TABLE IF NOT EXISTS ") + kLocksTable +
            " (app TEXT NOT NULL, stage TEXT NOT NULL, holder TEXT NOT NULL, PRIMARY KEY (app, stage))");
}

} // namespace athanor::sqlite

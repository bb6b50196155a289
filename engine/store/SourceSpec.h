#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace athanor {

// Where state lives, named the same way everywhere (athanorctl --state, the GUI, recent sources):
//   a folder          the project folder holding .alchemy (or the .alchemy folder itself), as Alchemy's
//                     FileSystemStateStore keeps it
//   sqlite:PATH       the database of Alchemy's SQLiteStateStore; `sqlite:` alone means what Alchemy opens:
//                     $ALCHEMY_STATE_FILE, else .alchemy/state.sqlite (relative to the current folder)
struct SourceSpec {
    enum class Kind { Folder, Sqlite };

    Kind kind = Kind::Folder;
    std::filesystem::path path; // absolute: the project folder (Folder) or the database file (Sqlite)

    // Throws std::invalid_argument naming the text when it cannot be a source.
    static SourceSpec parse(std::string_view text);
    static SourceSpec folder(const std::filesystem::path& projectOrDotAlchemy);
    static SourceSpec sqlite(const std::filesystem::path& databaseFile);
    // The database Alchemy's SQLiteStateStore opens when given no file name.
    static std::filesystem::path defaultSqliteFile();

    // The text form: parse(toString()) gives this spec back.
    std::string toString() const;
    // Where a stack file, run outputs and relative paths of a run belong: the project folder, or for a
    // database the folder holding its .alchemy folder (else the database's own folder).
    std::filesystem::path projectFolder() const;
    // A short name for titles: the project folder's name, or the database file's name.
    std::string shortName() const;

    bool operator==(const SourceSpec& other) const = default;
};

std::string_view toString(SourceSpec::Kind kind);

} // namespace athanor

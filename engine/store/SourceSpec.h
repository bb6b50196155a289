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
//   cloudflare:URL    the `alchemy-state-service` worker of Alchemy's CloudflareStateStore (http(s) URL)
//   s3://BUCKET[/PREFIX][?region=R]  Alchemy's S3StateStore (PREFIX as its `prefix` option, default alchemy/)
struct SourceSpec {
    enum class Kind { Folder, Sqlite, Cloudflare, S3 };

    Kind kind = Kind::Folder;
    std::filesystem::path path; // absolute: the project folder (Folder) or the database file (Sqlite)
    std::string remote;         // Cloudflare: the worker's URL (no trailing '/'); S3: the s3:// text

    // Throws std::invalid_argument naming the text when it cannot be a source.
    static SourceSpec parse(std::string_view text);
    static SourceSpec folder(const std::filesystem::path& projectOrDotAlchemy);
    static SourceSpec sqlite(const std::filesystem::path& databaseFile);
    // The database Alchemy's SQLiteStateStore opens when given no file name.
    static std::filesystem::path defaultSqliteFile();
    // Throw std::invalid_argument naming the text when it is not a worker URL / an S3 location.
    static SourceSpec cloudflare(std::string_view workerUrl);
    static SourceSpec s3(std::string_view s3Text);

    // State kept on a server (Cloudflare, S3): loads go over the network, changes are polled.
    bool isRemote() const { return kind == Kind::Cloudflare || kind == Kind::S3; }

    // The text form: parse(toString()) gives this spec back.
    std::string toString() const;
    // Where a stack file, run outputs and relative paths of a run belong: the project folder, or for a
    // database the folder holding its .alchemy folder (else the database's own folder); for a remote
    // source the current folder.
    std::filesystem::path projectFolder() const;
    // A short name for titles: the project folder's name, the database file's name, the worker's host, or
    // the bucket and prefix.
    std::string shortName() const;

    bool operator==(const SourceSpec& other) const = default;
};

std::string_view toString(SourceSpec::Kind kind);

} // namespace athanor

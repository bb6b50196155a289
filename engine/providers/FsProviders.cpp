// fs::File, fs::Folder and fs::CopyFile (reference §12.1-§12.3).
#include "providers/BuiltinProviders.h"
#include "providers/PlainJson.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace athanor {
namespace fs = std::filesystem;
namespace {

std::string describe(const std::error_code& ec) {
    return ec.message();
}

// unlink(), a missing file is not an error (Alchemy's ignore("ENOENT")).
void removeFileIfPresent(const fs::path& file, std::string_view kind) {
    std::error_code ec;
    fs::remove(file, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        throw ProviderError(std::string(kind) + ": cannot remove " + file.string() + ": " + describe(ec));
}

// The string props `keys` (`fallback` for a missing one, when not empty) as a footprint; nullopt when one is
// not a plain string (a sealed secret, a wrong type): then the deletion is ordered as if it touched anything.
std::optional<std::vector<std::string>>
pathsOf(const Json& props, std::initializer_list<std::string_view> keys, const std::string& fallback) {
    std::vector<std::string> paths;
    for (std::string_view key : keys) {
        const Json* value = findMember(props, key);
        if (!value && !fallback.empty())
            paths.push_back(fallback);
        else if (value && value->is_string())
            paths.push_back(value->get<std::string>());
        else
            return std::nullopt;
    }
    return paths;
}

class FileProvider final : public Provider {
public:
    std::string kind() const override { return "fs::File"; }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        const std::string path = optionalStringProp(props, "path", kind()).value_or(ctx.id());
        // content may be a secret in Athanor (the file gets the plaintext, state keeps it sealed).
        const std::string content = requiredStringProp(props, "content", kind(), true);
        const fs::path target = resolveAgainst(ctx.workingDirectory(), path);
        if (ctx.phase() == HandlerPhase::Update) {
            if (const Json* oldPath = findMember(ctx.previousOutput(), "path");
                oldPath && oldPath->is_string() && oldPath->get<std::string>() != path) {
                ctx.log(LogLevel::Info, "File: Path changed from " + oldPath->get<std::string>() + " to " +
                                            path + ", removing old file");
                removeFileIfPresent(resolveAgainst(ctx.workingDirectory(), oldPath->get<std::string>()),
                                    kind());
            }
        }
        if (const fs::path parent = target.parent_path(); !parent.empty()) {
            std::error_code ec;
            fs::create_directories(parent, ec);
            if (ec)
                throw ProviderError("fs::File: cannot create folder " + parent.string() + ": " +
                                    describe(ec));
        }
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        if (!out)
            throw ProviderError("fs::File: cannot write " + target.string() + ": " + std::strerror(errno));
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.close();
        if (!out)
            throw ProviderError("fs::File: cannot write " + target.string() + ": " + std::strerror(errno));
        Json output = Json::object();
        output["path"] = path;
        output["content"] = props.at("content");
        return output;
    }

    void remove(ProviderContext& ctx) override {
        const std::string path = optionalStringProp(ctx.props(), "path", kind()).value_or(ctx.id());
        removeFileIfPresent(resolveAgainst(ctx.workingDirectory(), path), kind());
    }

    std::optional<std::vector<std::string>> deleteFootprint(const std::string& id,
                                                            const Json& props) const override {
        return pathsOf(props, {"path"}, id);
    }
    Replacement replacementFor(const Json&, const Json&, std::string&) const override {
        return Replacement::No;
    }
};

class FolderProvider final : public Provider {
public:
    std::string kind() const override { return "fs::Folder"; }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        const std::string path = optionalStringProp(props, "path", kind()).value_or(ctx.id());
        const bool recursive = boolProp(props, "recursive", true, kind());
        boolProp(props, "delete", true, kind()); // validated now so a typo fails at create, not at delete
        boolProp(props, "clean", false, kind());
        const fs::path target = resolveAgainst(ctx.workingDirectory(), path);
        std::error_code ec;
        if (recursive)
            fs::create_directories(target, ec);
        else
            fs::create_directory(target, ec);
        if (ec)
            throw ProviderError("fs::Folder: cannot create " + target.string() + ": " + describe(ec));
        // Alchemy ignores EEXIST even when the path is a file; a file where a folder should be is an error
        // here.
        if (!fs::is_directory(target, ec))
            throw ProviderError("fs::Folder: " + target.string() + " exists and is not a folder");
        Json output = Json::object();
        output["path"] = path;
        return output;
    }

    void remove(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        if (!boolProp(props, "delete", true, kind()))
            return;
        const std::string path = optionalStringProp(props, "path", kind()).value_or(ctx.id());
        const fs::path target = resolveAgainst(ctx.workingDirectory(), path);
        std::error_code ec;
        const auto status = fs::symlink_status(target, ec);
        if (ec || !fs::exists(status))
            return;
        if (boolProp(props, "clean", false, kind())) {
            fs::remove_all(target, ec);
            if (ec)
                throw ProviderError("fs::Folder: cannot delete " + target.string() + ": " + describe(ec));
            return;
        }
        // Node fails here (rmdir without recursive on a directory); Alchemy means "best effort", so Athanor
        // removes an empty folder, keeps a non-empty one and says so, and lets the destroy go on.
        fs::remove(target, ec);
        if (ec == std::errc::directory_not_empty) {
            ctx.log(LogLevel::Warn, "Folder " + path +
                                        " is not empty, leaving it in place (set clean: true to "
                                        "delete it with its contents)");
            return;
        }
        if (ec && ec != std::errc::no_such_file_or_directory)
            throw ProviderError("fs::Folder: cannot delete " + target.string() + ": " + describe(ec));
    }

    std::optional<std::vector<std::string>> deleteFootprint(const std::string& id,
                                                            const Json& props) const override {
        if (const Json* keep = findMember(props, "delete"); keep && keep->is_boolean() && !keep->get<bool>())
            return std::vector<std::string>{};
        return pathsOf(props, {"path"}, id);
    }
    Replacement replacementFor(const Json&, const Json&, std::string&) const override {
        return Replacement::No;
    }
};

class CopyFileProvider final : public Provider {
public:
    std::string kind() const override { return "fs::CopyFile"; }

    Json apply(ProviderContext& ctx) override {
        const Json& props = ctx.props();
        const std::string src = requiredStringProp(props, "src", kind());
        const std::string dest = requiredStringProp(props, "dest", kind());
        const bool overwrite = boolProp(props, "overwrite", true, kind());
        const fs::path from = resolveAgainst(ctx.workingDirectory(), src);
        const fs::path to = resolveAgainst(ctx.workingDirectory(), dest);
        auto fail = [&](const std::string& reason) -> ProviderError {
            const std::string message = "Error copying file from " + src + " to " + dest + ": " + reason;
            ctx.log(LogLevel::Error, message);
            return ProviderError("fs::CopyFile: " + message);
        };
        std::error_code ec;
        if (!fs::exists(from, ec))
            throw fail("source " + from.string() + " does not exist");
        if (ctx.phase() == HandlerPhase::Update) {
            if (const Json* oldDest = findMember(ctx.previousOutput(), "dest");
                oldDest && oldDest->is_string() && oldDest->get<std::string>() != dest) {
                removeFileIfPresent(resolveAgainst(ctx.workingDirectory(), oldDest->get<std::string>()),
                                    kind());
            }
        }
        const bool destinationExists = fs::exists(to, ec);
        if (!destinationExists || overwrite) {
            fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
            if (ec)
                throw fail(describe(ec));
        }
        Json output = Json::object();
        output["src"] = src;
        output["dest"] = dest;
        output["overwrite"] = overwrite;
        output["copied"] = true;
        output["createdAt"] = epochMilliseconds();
        return output;
    }

    void remove(ProviderContext& ctx) override {
        const std::string dest = requiredStringProp(ctx.props(), "dest", kind());
        removeFileIfPresent(resolveAgainst(ctx.workingDirectory(), dest), kind());
    }

    // The source too: a copy is deleted before the file it was copied from (the stack's reference).
    std::optional<std::vector<std::string>> deleteFootprint(const std::string&,
                                                            const Json& props) const override {
        return pathsOf(props, {"src", "dest"}, {});
    }
    Replacement replacementFor(const Json&, const Json&, std::string&) const override {
        return Replacement::No;
    }
};

} // namespace

std::unique_ptr<Provider> makeFileProvider() {
    return std::make_unique<FileProvider>();
}
std::unique_ptr<Provider> makeFolderProvider() {
    return std::make_unique<FolderProvider>();
}
std::unique_ptr<Provider> makeCopyFileProvider() {
    return std::make_unique<CopyFileProvider>();
}

} // namespace athanor

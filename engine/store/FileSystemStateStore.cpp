#include "store/FileSystemStateStore.h"

#include "json/JsonParse.h"
#include "store/IdCodec.h"
#include "store/StoreError.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace athanor {

FileSystemStateStore::FileSystemStateStore(DotAlchemyLayout layout, std::vector<std::string> chain,
                                           Durability durability)
    : m_layout(std::move(layout)), m_chain(std::move(chain)), m_durability(durability) {
    for (const auto& part : m_chain) {
        requireValidId(part, "scope name");
        m_relativeDir /= part;
    }
}

fs::path FileSystemStateStore::directory() const { return m_layout.dotAlchemy / m_relativeDir; }
fs::path FileSystemStateStore::relativeFileFor(const std::string& id) const {
    requireValidId(id);
    return m_relativeDir / idToFileName(id);
}
fs::path FileSystemStateStore::fileFor(const std::string& id) const { return m_layout.dotAlchemy / relativeFileFor(id); }

void FileSystemStateStore::init() { ContainedDir::open(m_layout.dotAlchemy, m_relativeDir, true); }

void FileSystemStateStore::deinit() {
    std::error_code ec;
    const fs::path dir = directory();
    if (!fs::exists(dir, ec))
        return;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file())
            throw StoreError("cannot remove scope folder " + dir.string() + ": it still contains " +
                             entry.path().filename().string());
    fs::remove_all(dir, ec);
    if (ec)
        throw StoreError("cannot remove scope folder " + dir.string() + ": " + ec.message());
}

std::vector<std::string> FileSystemStateStore::list() {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory(), ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file(ec) && isRecordFileName(name))
            ids.push_back(fileNameToId(name));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::string> FileSystemStateStore::listScopes() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory(), ec))
        if (entry.is_directory(ec) && entry.path().filename().string().front() != '.')
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::string> FileSystemStateStore::readText(const std::string& id) {
    return readFileContained(m_layout.dotAlchemy, relativeFileFor(id));
}

std::optional<StateRecord> FileSystemStateStore::get(const std::string& id) {
    auto text = readText(id);
    if (!text)
        return std::nullopt;
    try {
        Json doc = parseJsonText(*text);
        if (!doc.is_object())
            throw JsonParseError("the record is not a JSON object");
        return StateRecord(std::move(doc));
    } catch (const JsonParseError& e) {
        throw UnreadableRecordError(fileFor(id).string(), e.what());
    }
}

void FileSystemStateStore::set(const std::string& id, const StateRecord& record) { writeText(id, record.toFileText()); }

void FileSystemStateStore::writeText(const std::string& id, const std::string& text) {
    writeFileAtomically(m_layout.dotAlchemy, relativeFileFor(id), text, m_durability);
}

void FileSystemStateStore::remove(const std::string& id) {
    removeFileContained(m_layout.dotAlchemy, relativeFileFor(id), m_durability);
}

} // namespace athanor

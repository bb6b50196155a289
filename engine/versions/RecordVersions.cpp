#include "versions/RecordVersions.h"

#include "events/EventJson.h"
#include "secrets/Base64.h"
#include "store/AtomicFile.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include "json/Utf8.h"
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

constexpr const char* kSummarySuffix = ".json";
constexpr const char* kRecordsSuffix = ".records.jsonl";
constexpr auto kIncompleteGrace = std::chrono::hours(24);

// "20250102-030405-123456": UTC with microseconds, so ids sort by start time.
std::string idStamp(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto micros = duration_cast<microseconds>(time.time_since_epoch()).count();
    const auto seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d%02d%02d-%02d%02d%02d-%06lld", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<long long>(micros % 1000000));
    return buffer;
}

std::string safeSegment(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep =
            (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-';
        out += keep ? c : '-';
    }
    return out.empty() ? "op" : out;
}

std::string stringAt(const Json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json summaryJson(const OperationInfo& info) {
    Json j = Json::object();
    j["version"] = 1;
    j["id"] = info.id;
    j["kind"] = std::string(toString(info.kind));
    j["operation"] = info.operation;
    j["title"] = info.title;
    j["startedAt"] = info.startedAt;
    j["finishedAt"] = info.finishedAt;
    j["complete"] = info.complete;
    j["error"] = info.error;
    j["records"] = info.records;
    j["stages"] = info.stages;
    if (!info.undoes.empty())
        j["undoes"] = info.undoes;
    if (!info.undoneBy.empty())
        j["undoneBy"] = info.undoneBy;
    if (!info.run.empty())
        j["run"] = info.run;
    return j;
}

std::optional<OperationInfo> summaryFromJson(const Json& j) {
    if (!j.is_object() || j.value("version", 0) != 1)
        return std::nullopt;
    OperationInfo info;
    info.id = stringAt(j, "id");
    if (info.id.empty())
        return std::nullopt;
    info.kind = stringAt(j, "kind") == "run" ? OperationKind::Run : OperationKind::Repair;
    info.operation = stringAt(j, "operation");
    info.title = stringAt(j, "title");
    info.startedAt = stringAt(j, "startedAt");
    info.finishedAt = stringAt(j, "finishedAt");
    info.complete = j.value("complete", false);
    info.error = stringAt(j, "error");
    if (auto it = j.find("records"); it != j.end() && it->is_number_unsigned())
        info.records = it->get<size_t>();
    info.undoes = stringAt(j, "undoes");
    info.undoneBy = stringAt(j, "undoneBy");
    info.run = stringAt(j, "run");
    if (auto it = j.find("stages"); it != j.end() && it->is_array())
        for (const auto& s : *it)
            if (s.is_string())
                info.stages.push_back(s.get<std::string>());
    return info;
}

std::optional<OperationInfo> readSummaryFile(const fs::path& file) {
    const auto text = readWholeFile(file);
    if (!text)
        return std::nullopt;
    try {
        return summaryFromJson(parseJsonText(*text));
    } catch (const std::exception&) {
        return std::nullopt; // damaged summary: not listed
    }
}

Json keyJson(const RecordKey& key) {
    Json j = Json::object();
    j["scope"] = key.chain;
    j["id"] = key.id;
    return j;
}

// A record's text as a JSON value: a string when it is well-formed UTF-8 (always for what Alchemy writes),
// else {"base64": ...} so that any bytes come back exactly.
Json imageJson(const std::optional<std::string>& text) {
    if (!text)
        return nullptr;
    if (toWellFormedUtf8(*text) == *text)
        return *text;
    Json j = Json::object();
    j["base64"] = encodeBase64(reinterpret_cast<const unsigned char*>(text->data()), text->size());
    return j;
}

std::optional<std::string> imageFromJson(const Json& j) {
    if (j.is_string())
        return j.get<std::string>();
    if (j.is_object() && j.contains("base64") && j["base64"].is_string())
        if (auto bytes = decodeBase64Lenient(j["base64"].get<std::string>()))
            return std::string(bytes->begin(), bytes->end());
    return std::nullopt;
}

std::optional<RecordKey> keyFromJson(const Json& j) {
    if (!j.is_object())
        return std::nullopt;
    auto scope = j.find("scope");
    auto id = j.find("id");
    if (scope == j.end() || !scope->is_array() || id == j.end() || !id->is_string())
        return std::nullopt;
    RecordKey key;
    for (const auto& part : *scope) {
        if (!part.is_string())
            return std::nullopt;
        key.chain.push_back(part.get<std::string>());
    }
    key.id = id->get<std::string>();
    return key;
}

// Folds an operation's records file into per-record images, in first-touch order. `only`: skip lines whose
// text cannot be about that record (cheap filter before parsing a possibly large line).
std::vector<RecordImages> readImages(const fs::path& file, const RecordKey* only) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + file.string());
    std::vector<RecordImages> out;
    std::map<RecordKey, size_t> index;
    const std::string idNeedle = only ? stringifyJs(Json(only->id), 0) : std::string();
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || (only && line.find(idNeedle) == std::string::npos))
            continue;
        Json j;
        try {
            j = parseJsonText(line);
        } catch (const std::exception&) {
            continue; // a line cut short by a crash
        }
        const std::optional<RecordKey> key = keyFromJson(j);
        if (!key || (only && *key != *only))
            continue;
        auto [it, inserted] = index.emplace(*key, out.size());
        if (inserted) {
            out.push_back({});
            out.back().key = *key;
        }
        RecordImages& images = out[it->second];
        if (auto before = j.find("before"); before != j.end() && inserted)
            images.before = imageFromJson(*before);
        if (auto after = j.find("after"); after != j.end()) {
            images.after = imageFromJson(*after);
            images.written = true;
        }
    }
    return out;
}

void writeAll(int fd, const std::string& data, const std::string& what) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error("cannot write " + what + ": " + std::strerror(errno));
        }
        done += static_cast<size_t>(n);
    }
}

} // namespace

std::string_view toString(OperationKind kind) {
    return kind == OperationKind::Run ? "run" : "repair";
}

VersionStore::VersionStore(fs::path athanorHome) : m_folder(std::move(athanorHome) / "history") {}

fs::path VersionStore::summaryFile(const std::string& id) const {
    return m_folder / (id + kSummarySuffix);
}

fs::path VersionStore::recordsFile(const std::string& id) const {
    return m_folder / (id + kRecordsSuffix);
}

VersionSettings VersionStore::settings() const {
    VersionSettings settings;
    const auto text = readWholeFile(m_folder / "settings.json");
    if (!text)
        return settings;
    try {
        const Json j = parseJsonText(*text);
        if (auto it = j.find("keep"); it != j.end() && it->is_number_integer() && it->get<int>() >= 1)
            settings.keep = it->get<int>();
    } catch (const std::exception&) {
        // An unreadable settings file keeps the defaults (it only bounds how much is kept).
    }
    return settings;
}

void VersionStore::setSettings(const VersionSettings& settings) {
    if (settings.keep < 1)
        throw std::invalid_argument("the history must keep at least 1 operation (asked to keep " +
                                    std::to_string(settings.keep) + ")");
    Json j = Json::object();
    j["keep"] = settings.keep;
    std::error_code ec;
    fs::create_directories(m_folder, ec);
    try {
        writeFileAtomically(m_folder, "settings.json", stringifyJs(j, 2) + "\n");
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write the history settings in " + m_folder.string() + ": " +
                                 e.what());
    }
}

void VersionStore::writeSummary(const OperationInfo& info) const {
    try {
        writeFileAtomically(m_folder, info.id + kSummarySuffix, stringifyJs(summaryJson(info), 2) + "\n");
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write the history of operation " + info.id + " in " +
                                 m_folder.string() + ": " + e.what());
    }
}

std::unique_ptr<VersionStore::Writer> VersionStore::begin(const Begin& what) {
    std::error_code ec;
    fs::create_directories(m_folder, ec);
    if (ec || !fs::is_directory(m_folder))
        throw std::runtime_error("cannot create the history folder " + m_folder.string() +
                                 (ec ? ": " + ec.message() : std::string()));
    const auto now = std::chrono::system_clock::now();
    OperationInfo info;
    info.kind = what.kind;
    info.operation = what.operation;
    info.title = what.title;
    info.stages = what.stages;
    info.run = what.run;
    info.undoes = what.undoes;
    info.startedAt = formatIsoTime(now);
    const std::string base = idStamp(now) + "-" + safeSegment(what.operation);
    // The records file is created exclusively: it reserves the id against another process starting now.
    for (int attempt = 1;; ++attempt) {
        info.id = attempt == 1 ? base : base + "-" + std::to_string(attempt);
        const fs::path file = recordsFile(info.id);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
        if (fd >= 0) {
            try {
                writeSummary(info);
            } catch (...) {
                ::close(fd);
                ::unlink(file.c_str());
                throw;
            }
            return std::unique_ptr<Writer>(new Writer(*this, std::move(info), fd));
        }
        if (errno != EEXIST || attempt > 100)
            throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
    }
}

VersionStore::Writer::Writer(VersionStore& store, OperationInfo info, int fd)
    : m_store(std::make_unique<VersionStore>(store)), m_info(std::move(info)), m_fd(fd) {}

VersionStore::Writer::~Writer() {
    if (!m_finished) {
        try {
            finish("stopped before it finished");
        } catch (const std::exception&) {
            // The summary keeps saying incomplete; the before-images are all in the records file.
        }
    }
    if (m_fd >= 0)
        ::close(m_fd);
}

void VersionStore::Writer::append(const std::string& line) {
    writeAll(m_fd, line, recordsFileName());
}

std::string VersionStore::Writer::recordsFileName() const {
    return m_store->recordsFile(m_info.id).string();
}

void VersionStore::Writer::before(const RecordKey& key, const std::optional<std::string>& text) {
    Json j = keyJson(key);
    j["before"] = imageJson(text);
    std::lock_guard lock(m_mutex);
    if (!m_touched.emplace(key, true).second)
        return;
    append(stringifyJs(j, 0) + "\n");
}

bool VersionStore::Writer::hasBefore(const RecordKey& key) const {
    std::lock_guard lock(m_mutex);
    return m_touched.count(key) > 0;
}

void VersionStore::Writer::after(const RecordKey& key, const std::optional<std::string>& text) {
    Json j = keyJson(key);
    j["after"] = imageJson(text);
    const std::string line = stringifyJs(j, 0) + "\n";
    std::lock_guard lock(m_mutex);
    append(line);
}

void VersionStore::Writer::sync() {
    std::lock_guard lock(m_mutex);
    if (::fsync(m_fd) != 0)
        throw std::runtime_error("cannot sync " + recordsFileName() + ": " + std::strerror(errno));
}

size_t VersionStore::Writer::records() const {
    std::lock_guard lock(m_mutex);
    return m_touched.size();
}

void VersionStore::Writer::finish(const std::string& error) {
    std::unique_lock lock(m_mutex);
    if (m_finished)
        return;
    m_finished = true;
    if (m_touched.empty() && error.empty()) {
        ::close(m_fd);
        m_fd = -1;
        ::unlink(m_store->recordsFile(m_info.id).c_str());
        ::unlink(m_store->summaryFile(m_info.id).c_str());
        return;
    }
    ::fsync(m_fd);
    m_info.records = m_touched.size();
    m_info.complete = error.empty();
    m_info.error = error;
    m_info.finishedAt = formatIsoTime(std::chrono::system_clock::now());
    lock.unlock();
    m_store->writeSummary(m_info);
    if (error.empty())
        m_store->prune();
}

std::vector<OperationInfo> VersionStore::operations() const {
    std::vector<OperationInfo> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == "settings.json" || name.size() <= std::strlen(kSummarySuffix) ||
            name.compare(name.size() - std::strlen(kSummarySuffix), std::string::npos, kSummarySuffix) != 0)
            continue;
        if (auto info = readSummaryFile(entry.path()))
            out.push_back(std::move(*info));
    }
    std::sort(out.begin(), out.end(),
              [](const OperationInfo& a, const OperationInfo& b) { return a.id > b.id; });
    return out;
}

std::optional<OperationInfo> VersionStore::operation(const std::string& id) const {
    if (id.empty() || id.find('/') != std::string::npos || id.front() == '.')
        return std::nullopt;
    return readSummaryFile(summaryFile(id));
}

std::optional<OperationInfo> VersionStore::operationOfRun(const std::string& runSummaryFileName) const {
    for (auto& info : operations())
        if (info.kind == OperationKind::Run && info.run == runSummaryFileName)
            return info;
    return std::nullopt;
}

std::vector<RecordImages> VersionStore::images(const std::string& id) const {
    if (!operation(id))
        throw std::runtime_error("no operation " + id + " in " + m_folder.string());
    return readImages(recordsFile(id), nullptr);
}

std::vector<RecordVersion> VersionStore::versionsOf(const RecordKey& key) const {
    std::vector<RecordVersion> out;
    for (auto& info : operations()) {
        std::vector<RecordImages> found;
        try {
            found = readImages(recordsFile(info.id), &key);
        } catch (const std::exception&) {
            continue; // its records file was pruned or lost: nothing to restore from it
        }
        for (auto& images : found)
            out.push_back({info, std::move(images)});
    }
    return out;
}

void VersionStore::markUndone(const std::string& id, const std::string& by) {
    std::optional<OperationInfo> info = operation(id);
    if (!info)
        throw std::runtime_error("no operation " + id + " in " + m_folder.string());
    info->undoneBy = by;
    writeSummary(*info);
}

void VersionStore::prune() {
    const int keep = settings().keep;
    const auto now = std::chrono::system_clock::now();
    int kept = 0;
    for (const auto& info : operations()) {
        if (kept < keep) {
            ++kept;
            continue;
        }
        // An operation without an end that started recently may still be running in another process.
        if (!info.complete && info.finishedAt.empty()) {
            const auto started = parseIsoTime(info.startedAt);
            if (started && now - *started < kIncompleteGrace)
                continue;
        }
        std::error_code ec;
        fs::remove(recordsFile(info.id), ec);
        fs::remove(summaryFile(info.id), ec);
    }
}

} // namespace athanor

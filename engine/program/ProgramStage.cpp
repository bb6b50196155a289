#include "program/ProgramStage.h"

#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"
#include "snapshot/SnapshotLoader.h"
#include "state/StateRecord.h"
#include "store/AtomicFile.h"
#include "store/DotAlchemyLayout.h"
#include "store/IdCodec.h"

#include "json/JsonParse.h"
#include <algorithm>

namespace fs = std::filesystem;

namespace athanor {

namespace {

std::optional<Json> readRecordDocument(const fs::path& file) {
    const auto text = readWholeFile(file);
    if (!text)
        return std::nullopt;
    try {
        return parseJsonText(*text);
    } catch (const JsonParseError&) {
        return std::nullopt;
    }
}

size_t depth(const std::string& relativePath) {
    return static_cast<size_t>(std::count(relativePath.begin(), relativePath.end(), '/'));
}

} // namespace

ProgramStage::ProgramStage(const fs::path& projectRoot, std::string app, std::string stage)
    : m_root(projectRoot) {
    const DotAlchemyLayout layout = DotAlchemyLayout::forProject(projectRoot);
    m_dotAlchemy = layout.dotAlchemy;
    std::vector<std::string> apps;
    if (!app.empty())
        apps.push_back(app);
    else
        apps = appsWithStage(projectRoot, stage);
    for (const auto& name : apps) {
        SnapshotOptions options;
        options.app = name;
        options.stage = stage;
        const auto snapshot = loadSnapshot(projectRoot, options);
        for (const auto& record : snapshot->records) {
            m_records.push_back(record);
            if (record.kind != kScopeKind)
                m_resources.push_back(record);
        }
    }
}

std::vector<std::string> ProgramStage::appsWithStage(const fs::path& projectRoot, const std::string& stage) {
    const DotAlchemyLayout layout = DotAlchemyLayout::forProject(projectRoot);
    std::vector<std::string> apps;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(layout.dotAlchemy, ec)) {
        const std::string name = entry.path().filename().string();
        if (isReservedTopLevelName(name) || !entry.is_directory(ec))
            continue;
        if (fs::is_directory(entry.path() / stage, ec) || fs::exists(entry.path() / idToFileName(stage), ec))
            apps.push_back(name);
    }
    std::sort(apps.begin(), apps.end());
    return apps;
}

bool ProgramStage::holdsSecrets() const {
    return std::any_of(m_records.begin(), m_records.end(), [](const auto& r) { return r.secretCount > 0; });
}

std::string ProgramStage::firstSecretFqn() const {
    for (const auto& record : m_records)
        if (record.secretCount > 0)
            return record.fqn;
    return {};
}

std::optional<size_t> ProgramStage::passwordFor(const PasswordRing& candidates) const {
    if (candidates.empty())
        return std::nullopt;
    std::vector<const SnapshotRecord*> withSecrets;
    for (const auto& record : m_records)
        if (record.secretCount > 0)
            withSecrets.push_back(&record);
    if (withSecrets.empty())
        return 0;
    // The stage's own secrets first: a child scope may have been written with a password of its own.
    std::stable_sort(withSecrets.begin(), withSecrets.end(),
                     [](const SnapshotRecord* a, const SnapshotRecord* b) {
                         return depth(a->relativePath) < depth(b->relativePath);
                     });
    for (const SnapshotRecord* record : withSecrets) {
        const auto document = readRecordDocument(m_dotAlchemy / record->relativePath);
        if (!document)
            continue;
        std::vector<SecretSite> sites;
        try {
            sites = findSecrets(*document);
        } catch (const SecretError&) {
            continue;
        }
        for (const SecretSite& site : sites) {
            try {
                const Json& tag = document->at(Json::json_pointer(site.pointer)).at("@secret");
                return decryptSecretTag(tag, candidates).passwordIndex;
            } catch (const SecretError& e) {
                if (e.reason == SecretError::Reason::WrongPassword)
                    break; // no candidate opens this record's secrets; try the next record
            } catch (const std::exception&) {
            }
        }
    }
    return std::nullopt;
}

std::map<std::string, Json> ProgramStage::outputs(const PasswordRing& passwords,
                                                  std::vector<std::string>& problems) const {
    std::map<std::string, Json> outputs;
    for (const auto& record : m_resources) {
        if (!record.ok()) {
            problems.push_back(record.fqn + ": " + record.error);
            continue;
        }
        const auto document = readRecordDocument(m_dotAlchemy / record.relativePath);
        if (!document || !document->is_object() || !document->contains("output")) {
            problems.push_back(record.fqn + ": the record has no output");
            continue;
        }
        const Json& output = document->at("output");
        try {
            outputs[record.fqn] = openSecrets(output, passwords, record.fqn);
        } catch (const std::exception& e) {
            problems.push_back(e.what());
            outputs[record.fqn] = output;
        }
    }
    return outputs;
}

} // namespace athanor

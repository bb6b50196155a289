#include "repair/Rekey.h"

#include "repair/RecordAddress.h"
#include "repair/RecordRepairs.h"
#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "store/IdCodec.h"

#include "json/JsJsonText.h"
#include <algorithm>
#include <mutex>
#include <thread>

namespace athanor {

namespace {

constexpr size_t kUnopened = static_cast<size_t>(-1);

struct OpenedSecret {
    SecretSite site;
    size_t passwordIndex = kUnopened;
    std::optional<SecureString> plaintext;
    std::string error;
};

struct RecordWork {
    RecordKey key;
    std::string text;
    Json doc;
    std::vector<OpenedSecret> secrets;
    std::string problem; // does not parse / malformed secret
};

std::vector<RecordKey> selectRecords(RepairSource& source, const RekeySelection& selection) {
    std::vector<RecordKey> keys;
    if (!selection.scope.empty()) {
        const std::vector<std::string> chain = splitFqn(selection.scope);
        for (const auto& part : chain)
            if (auto problem = idProblem(part); !problem.empty())
                throw RepairError("invalid scope \"" + selection.scope + "\": " + problem);
        if (chain.size() < 2)
            throw RepairError("--scope names a stage or a scope below it (app/stage/...), not \"" +
                              selection.scope + "\"");
        keys = recordsUnder(source, chain);
        if (keys.empty())
            throw RepairError("no records in scope " + selection.scope + " of " + source.describe());
        return keys;
    }
    std::vector<std::string> apps;
    if (!selection.app.empty())
        apps.push_back(selection.app);
    else
        apps = source.apps();
    for (const auto& app : apps) {
        if (selection.stage.empty()) {
            for (auto& key : recordsUnder(source, {app}))
                keys.push_back(std::move(key));
            continue;
        }
        const RecordKey stageRecord{{app}, selection.stage};
        if (source.readText(stageRecord))
            keys.push_back(stageRecord);
        for (auto& key : recordsUnder(source, {app, selection.stage}))
            keys.push_back(std::move(key));
    }
    return keys;
}

// A record's depth below the selection's top, for "nearest the top": a stage record counts as its stage.
size_t depthOf(const RecordKey& key) {
    return std::max<size_t>(key.chain.size(), 2);
}

void openRecord(RepairSource& source, RecordWork& work, const PasswordRing& passwords) {
    try {
        work.doc = parseRecordForRepair(source, work.key, work.text);
        for (const SecretSite& site : findSecrets(work.doc)) {
            OpenedSecret opened;
            opened.site = site;
            try {
                const Json& tag = work.doc.at(Json::json_pointer(site.pointer)).at("@secret");
                DecryptedSecret secret = decryptSecretTag(tag, passwords);
                opened.passwordIndex = secret.passwordIndex;
                opened.plaintext = std::move(secret.plaintext);
            } catch (const SecretError& e) {
                if (e.reason == SecretError::Reason::Malformed)
                    throw;
                opened.error = e.what();
            }
            work.secrets.push_back(std::move(opened));
        }
    } catch (const std::exception& e) {
        work.problem = e.what();
    }
}

// Seals one opened secret again with the new password, keeping its shape (string or data), and checks it.
Json resealed(const OpenedSecret& secret, const SecureString& newPassword, const std::string& recordName) {
    const Json v1 = encryptV1(secret.plaintext->view(), newPassword);
    Json tag = isDataFormat(secret.site.format) ? Json::object({{"data", v1}}) : v1;
    PasswordRing only;
    only.add(newPassword.clone());
    const DecryptedSecret check = decryptSecretTag(tag, only);
    if (!check.plaintext.equals(*secret.plaintext) ||
        isDataFormat(check.format) != isDataFormat(secret.site.format))
        throw RepairError("the re-encrypted secret " + secret.site.pointer + " of " + recordName +
                          " does not decrypt to its old value; nothing was written");
    return tag;
}

} // namespace

RepairPlan planRekey(RepairSource& source, const RekeySelection& selection, const PasswordRing& oldPasswords,
                     const SecureString& newPassword, const RekeyProgress& progress) {
    if (newPassword.empty())
        throw RepairError("the new password is empty");
    if (oldPasswords.empty())
        throw RepairError("rekey needs the current password (ALCHEMY_PASSWORD or --password-file)");
    const std::vector<RecordKey> keys = selectRecords(source, selection);

    std::vector<RecordWork> work;
    for (const auto& key : keys) {
        std::optional<std::string> text = source.readText(key);
        if (!text)
            continue;
        work.push_back({key, std::move(*text), {}, {}, {}});
    }
    // Opening every secret is one scrypt per password tried: spread the records over the cores.
    std::atomic<size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    const auto worker = [&] {
        for (size_t i; !stop && (i = next.fetch_add(1)) < work.size();) {
            if (progress.cancel && progress.cancel->load()) {
                stop = true;
                break;
            }
            openRecord(source, work[i], oldPasswords);
            const size_t count = ++done;
            if (progress.onRecord)
                progress.onRecord(count, work.size() * 2);
        }
    };
    {
        const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
        std::vector<std::jthread> pool;
        for (size_t t = 1; t < threads && t < work.size(); ++t)
            pool.emplace_back(worker);
        worker();
    }
    if (stop)
        throw RepairError("rekey cancelled; nothing was written");

    for (const auto& w : work)
        if (!w.problem.empty())
            throw RepairError("cannot rekey: " + w.problem +
                              "; fix or remove that record first, nothing was "
                              "written");

    // The subtree's password: the one opening the secrets nearest the top.
    std::vector<size_t> order(work.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return depthOf(work[a].key) < depthOf(work[b].key); });
    size_t subtreePassword = kUnopened;
    size_t subtreeDepth = 0;
    for (size_t i : order) {
        for (const auto& s : work[i].secrets)
            if (s.passwordIndex != kUnopened) {
                subtreePassword = s.passwordIndex;
                subtreeDepth = depthOf(work[i].key);
                break;
            }
        if (subtreePassword != kUnopened)
            break;
    }
    size_t secretCount = 0;
    for (const auto& w : work)
        secretCount += w.secrets.size();
    if (secretCount == 0)
        throw RepairError("no secrets to rekey in " + source.describe() +
                          (selection.scope.empty() ? std::string() : " scope " + selection.scope));
    if (subtreePassword == kUnopened)
        throw RepairError("none of the given passwords opens a secret here (tried " +
                          std::to_string(oldPasswords.size()) + "); nothing was written");
    if (oldPasswords.at(subtreePassword).equals(newPassword))
        throw RepairError("the new password is the one the secrets are sealed with now");

    RepairPlan plan;
    plan.operation = "rekey";
    std::mutex planMutex;
    std::vector<std::optional<RecordChange>> changes(work.size());
    std::vector<std::string> kept(work.size());
    std::atomic<size_t> sealedCount{0};
    next = 0;
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto sealer = [&] {
        for (size_t i; !stop && (i = next.fetch_add(1)) < work.size();) {
            if (progress.cancel && progress.cancel->load()) {
                stop = true;
                break;
            }
            RecordWork& w = work[i];
            try {
                size_t ours = 0, others = 0, unopened = 0;
                for (const auto& s : w.secrets) {
                    if (s.passwordIndex == subtreePassword)
                        ++ours;
                    else if (s.passwordIndex == kUnopened)
                        ++unopened;
                    else
                        ++others;
                }
                if (unopened && depthOf(w.key) <= subtreeDepth) {
                    const auto firstUnopened =
                        std::find_if(w.secrets.begin(), w.secrets.end(),
                                     [](const auto& s) { return s.passwordIndex == kUnopened; });
                    throw RepairError("cannot rekey " + w.key.path() + ": " + firstUnopened->error +
                                      "; nothing was written");
                }
                if (ours == 0) {
                    if (!w.secrets.empty())
                        kept[i] = w.key.path() + ": sealed with " +
                                  (unopened ? std::string("a password not given")
                                            : std::string("another password")) +
                                  " (a child scope's own); kept as it is";
                } else {
                    Json doc = w.doc;
                    for (const auto& s : w.secrets)
                        if (s.passwordIndex == subtreePassword)
                            doc.at(Json::json_pointer(s.site.pointer))["@secret"] =
                                resealed(s, newPassword, w.key.path());
                    std::string what =
                        std::to_string(ours) + " secret" + (ours == 1 ? "" : "s") + " re-encrypted";
                    if (others || unopened)
                        what +=
                            "; " + std::to_string(others + unopened) + " sealed with another password kept";
                    changes[i] = RecordChange{w.key, w.text, stringifyJs(doc, 2), what};
                    sealedCount += ours;
                }
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure)
                    failure = std::current_exception();
                stop = true;
            }
            const size_t count = ++done;
            if (progress.onRecord)
                progress.onRecord(count, work.size() * 2);
        }
    };
    {
        const size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
        std::vector<std::jthread> pool;
        for (size_t t = 1; t < threads && t < work.size(); ++t)
            pool.emplace_back(sealer);
        sealer();
    }
    if (failure)
        std::rethrow_exception(failure);
    if (stop)
        throw RepairError("rekey cancelled; nothing was written");
    std::lock_guard lock(planMutex);
    for (size_t i = 0; i < work.size(); ++i) {
        if (changes[i])
            plan.changes.push_back(std::move(*changes[i]));
        if (!kept[i].empty())
            plan.notes.push_back(kept[i]);
    }
    const std::string what =
        !selection.scope.empty()
            ? selection.scope
            : (selection.app.empty()
                   ? std::string("every app")
                   : selection.app + (selection.stage.empty() ? std::string() : "/" + selection.stage));
    plan.title = "rekey " + what + ": " + std::to_string(sealedCount.load()) + " secrets in " +
                 std::to_string(plan.changes.size()) + " records";
    for (const auto& w : work)
        for (const auto& s : w.secrets)
            if (s.passwordIndex == subtreePassword && (s.site.format == SecretFormat::LegacyString ||
                                                       s.site.format == SecretFormat::LegacyObject)) {
                plan.notes.push_back("legacy (secretbox) secrets are sealed in Alchemy's current v1 format");
                return plan;
            }
    return plan;
}

} // namespace athanor

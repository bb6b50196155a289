#include "repair/RecordEdit.h"

#include "repair/RecordAddress.h"
#include "repair/RecordRepairs.h"
#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "serde/PlainForms.h"
#include "snapshot/RecordValidator.h"
#include "store/IdCodec.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"

namespace athanor {

namespace {

std::string escapePointerToken(const std::string& token) {
    std::string out;
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

// Seals the plain secrets of `node` (at `pointer` in the edited record): unchanged ones get their stored
// ciphertext back, the others are encrypted with `password`. Counts what it encrypted.
void sealEdited(Json& node, const std::string& pointer, const EditSession& session,
                const SecureString* password, size_t& encrypted) {
    if (isPlainSecret(node)) {
        const Json::json_pointer at(pointer);
        if (session.plain.contains(at) && session.plain.at(at) == node && session.serialized.contains(at)) {
            node = session.serialized.at(at);
            return;
        }
        if (!password)
            throw RepairError("the edit adds or changes the secret at " + pointer +
                              " but no password was given to encrypt it");
        Json sealed = Json::object();
        sealed["@secret"] = sealSecretValue(node.at("@secret"), *password);
        node = std::move(sealed);
        ++encrypted;
        return;
    }
    if (node.is_object()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            sealEdited(it.value(), pointer + "/" + escapePointerToken(it.key()), session, password,
                       encrypted);
    } else if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i)
            sealEdited(node[i], pointer + "/" + std::to_string(i), session, password, encrypted);
    }
}

std::string changedFields(const Json& before, const Json& after) {
    std::string out;
    const auto add = [&](const std::string& key) {
        out += (out.empty() ? "" : ", ") + key;
    };
    for (auto it = after.begin(); it != after.end(); ++it)
        if (!before.is_object() || !before.contains(it.key()) || before[it.key()] != it.value())
            add(it.key());
    if (before.is_object())
        for (auto it = before.begin(); it != before.end(); ++it)
            if (!after.contains(it.key()))
                add(it.key() + " (removed)");
    return out.empty() ? "formatting" : out;
}

} // namespace

EditSession beginEdit(RepairSource& source, const std::string& fqn, const PasswordRing& passwords) {
    EditSession session;
    session.key = resolveRecord(source, fqn);
    std::optional<std::string> text = source.readText(session.key);
    if (!text)
        throw RepairError(session.key.path() + " disappeared (" + source.location(session.key) + ")");
    session.before = *text;
    session.serialized = parseRecordForRepair(source, session.key, session.before);
    if (!passwords.empty()) {
        session.decrypted = true;
        session.plain = openSecrets(session.serialized, passwords, session.key.path());
        const std::vector<SecretSite> sites = findSecrets(session.serialized);
        if (!sites.empty()) {
            const Json::json_pointer at(sites.front().pointer);
            session.sealWith =
                decryptSecretTag(session.serialized.at(at).at("@secret"), passwords).passwordIndex;
        } else {
            session.sealWith = 0;
        }
        session.text = stringifyJs(session.plain, 2) + "\n";
    } else {
        session.text = stringifyJs(session.serialized, 2) + "\n";
    }
    return session;
}

RepairPlan planEdit(RepairSource& source, const EditSession& session, std::string_view editedText,
                    const PasswordRing& passwords) {
    const RecordKey& key = session.key;
    Json edited;
    try {
        edited = parseJsonText(editedText);
    } catch (const JsonParseError& e) {
        throw RepairError("the edited " + key.path() + " is not JSON: " + e.what());
    }
    if (!edited.is_object())
        throw RepairError("the edited " + key.path() + " is not a JSON object");

    Json record = edited;
    size_t encrypted = 0;
    if (session.decrypted) {
        const SecureString* password = session.sealWith && *session.sealWith < passwords.size()
                                           ? &passwords.at(*session.sealWith)
                                           : nullptr;
        sealEdited(record, "", session, password, encrypted);
    }
    std::vector<std::string> problems = validateRecord(record, recordPath(key.chain, key.id));
    if (!problems.empty()) {
        std::string list;
        for (const auto& p : problems)
            list += "\n  - " + p;
        throw RepairError("the edited " + key.path() + " is not a valid record for " + source.location(key) +
                          "; nothing was written:" + list);
    }
    if (session.decrypted) {
        // Opened again with the same passwords, it must be exactly what was typed.
        const Json reopened = openSecrets(record, passwords, key.path());
        if (reopened != edited)
            throw RepairError("the edited " + key.path() +
                              " does not decrypt back to what was typed; nothing was written");
    }

    RepairPlan plan;
    plan.operation = "edit";
    plan.title = "edit " + key.path();
    const std::string after = stringifyJs(record, 2);
    if (after == session.before)
        return plan; // nothing changed
    std::string what = "changed: " + changedFields(session.serialized, record);
    if (encrypted)
        what +=
            "; " + std::to_string(encrypted) + " secret" + (encrypted == 1 ? "" : "s") + " encrypted anew";
    plan.changes.push_back({key, session.before, after, what});
    return plan;
}

} // namespace athanor

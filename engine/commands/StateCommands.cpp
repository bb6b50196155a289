#include "commands/StateCommands.h"

#include "secrets/SecretCipher.h"
#include "secrets/SecretWalker.h"
#include "snapshot/RecordValidator.h"
#include "snapshot/SnapshotLoader.h"
#include "store/AtomicFile.h"
#include "store/IdCodec.h"
#include "store/RecordParseDom.h"
#include "store/StateSources.h"
#include "store/StoreError.h"

#include "json/JsJsonText.h"
#include "json/JsonParse.h"
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <ostream>
#include <sodium.h>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace athanor {

namespace {

std::shared_ptr<const StateSnapshot> loadOrComplain(const SourceSpec& spec, const SnapshotOptions& options,
                                                    std::ostream& err) {
    std::string note;
    std::shared_ptr<StateSource> source = openResolvedSource(spec, &note);
    if (!note.empty())
        err << "note: " << note << '\n';
    std::shared_ptr<const StateSnapshot> snap;
    try {
        snap = loadSnapshot(*source, options);
    } catch (const SourceUnavailableError& e) {
        err << "error: " << e.what() << '\n';
        return nullptr;
    }
    if (!snap->stateFolderExists) {
        err << "error: no Alchemy state here: " << source->describe() << " does not exist\n";
        return nullptr;
    }
    return snap;
}

std::string describeNode(const StateSnapshot& snap, const SnapshotNode& node) {
    std::string line = node.name;
    if (node.kind == SnapshotNodeKind::Scope || node.kind == SnapshotNodeKind::Stage)
        line += "/";
    if (node.record < 0)
        return line;
    const SnapshotRecord& r = snap.records[static_cast<size_t>(node.record)];
    if (!r.ok())
        return line + "  [unreadable: " + r.error + "]";
    if (node.kind != SnapshotNodeKind::Resource)
        return line;
    line += "  [" + r.kind + ", " + r.status;
    if (auto s = r.statusValue(); s && isInFlight(*s))
        line += ": interrupted or in progress";
    else if (r.hasOldProps)
        line += "; oldProps kept (SQL store)";
    return line + "]";
}

// An old copy waiting in a scope's data.pendingDeletions, listed under the scope (or owner) whose record
// holds it: Alchemy deletes it when that scope next finalizes after a run without errors (reference §7.6).
std::string describePending(const PendingDeletion& p) {
    if (p.id.empty())
        return "(no id)  [" + (p.kind.empty() ? std::string("unknown kind") : p.kind) +
               ", pending deletion: corrupted entry without an id; Alchemy drops it without deleting "
               "anything]";
    return p.id + "  [" + (p.kind.empty() ? std::string("unknown kind") : p.kind) +
           ", pending deletion: old copy of a replaced resource, deleted when this scope's next run ends "
           "without errors]";
}

void printChildren(const StateSnapshot& snap, const SnapshotNode& node, const std::string& indent,
                   std::ostream& out) {
    static const std::vector<PendingDeletion> none;
    const std::vector<PendingDeletion>& pending =
        node.record >= 0 ? snap.records[static_cast<size_t>(node.record)].pendingDeletions : none;
    const size_t entries = node.children.size() + pending.size();
    for (size_t i = 0; i < entries; ++i) {
        const bool last = i + 1 == entries;
        out << indent << (last ? "└─ " : "├─ ");
        if (i >= node.children.size()) {
            out << describePending(pending[i - node.children.size()]) << '\n';
            continue;
        }
        const SnapshotNode& child = snap.nodes[static_cast<size_t>(node.children[i])];
        out << describeNode(snap, child) << '\n';
        printChildren(snap, child, indent + (last ? "   " : "│  "), out);
    }
}

} // namespace

int stateTree(const SourceSpec& source, const StateFilter& filter, std::ostream& out, std::ostream& err) {
    auto snap = loadOrComplain(source, {filter.app, filter.stage, 0}, err);
    if (!snap)
        return 1;
    const SnapshotNode& top = snap->nodes.front();
    if (top.children.empty()) {
        out << snap->source->describe() << "\n(empty)\n";
        return 0;
    }
    for (int32_t appIndex : top.children) {
        const SnapshotNode& app = snap->nodes[static_cast<size_t>(appIndex)];
        out << app.name << '\n';
        printChildren(*snap, app, "", out);
    }
    for (const auto& problem : snap->problems)
        err << "warning: " << problem << '\n';
    return 0;
}

int stateList(const SourceSpec& source, const StateFilter& filter, std::ostream& out, std::ostream& err) {
    auto snap = loadOrComplain(source, {filter.app, filter.stage, 0}, err);
    if (!snap)
        return 1;
    for (const auto& r : snap->records)
        out << r.fqn << '\n';
    for (const auto& problem : snap->problems)
        err << "warning: " << problem << '\n';
    return 0;
}

int stateGet(const SourceSpec& source, const std::string& fqn, bool decrypt, const PasswordRing& passwords,
             std::ostream& out, std::ostream& err) {
    SnapshotOptions options;
    std::istringstream parts(fqn);
    std::getline(parts, options.app, '/');
    std::getline(parts, options.stage, '/');
    auto snap = loadOrComplain(source, options, err);
    if (!snap)
        return 1;
    auto matches = snap->findRecords(fqn);
    if (matches.empty()) {
        // As Alchemy's `state get`: every '/' may also be a folder (an id with '\' is stored in sub-folders,
        // and Alchemy lists it there: back\slash as back/slash).
        for (const auto& r : snap->records)
            if (r.relativePath == fqn + ".json")
                matches.push_back(&r);
    }
    if (matches.empty()) {
        err << "error: no record " << fqn << " in " << snap->source->describe() << '\n';
        return 1;
    }
    if (matches.size() > 1) {
        err << "error: " << fqn << " is ambiguous; it names several records:\n";
        for (const auto* r : matches)
            err << "  " << snap->location(*r) << '\n';
        return 1;
    }
    const SnapshotRecord& r = *matches.front();
    const std::string file = snap->location(r);
    try {
        auto text = snap->source->readRecordText(r.chain, r.id);
        if (!text)
            throw StoreError(file + ": the record disappeared");
        Json doc = parseJsonText(*text);
        if (decrypt)
            doc = revealSecrets(doc, passwords, fqn);
        out << stringifyJs(doc, 2) << '\n';
        return 0;
    } catch (const JsonParseError& e) {
        err << "error: cannot read " << file << ": " << e.what() << '\n';
    } catch (const SecretError& e) {
        err << "error: " << e.what() << '\n';
        if (passwords.empty())
            err << "hint: set ALCHEMY_PASSWORD or pass --password-file\n";
    } catch (const std::exception& e) {
        err << "error: " << e.what() << '\n';
    }
    return 1;
}

int stateCheck(const SourceSpec& source, std::ostream& out, std::ostream& err) {
    // A folder's records are checked as the scan reads them (its threads, its parse); what is not certainly
    // clean on the fast path gets the reference validator's exact messages. Other sources are checked below.
    std::mutex checkedLock;
    std::unordered_map<std::string, std::vector<std::string>> checked; // relativePath -> problems
    SnapshotOptions options;
    options.visitRecordText = [&](const SnapshotRecord& r, std::string_view text,
                                  const simdjson::dom::element* parsed) {
        std::vector<std::string> problems;
        if (r.ok()) {
            try {
                if (!parsed || !isCleanRecord(*parsed, r.relativePath))
                    problems = validateRecordText(text, r.relativePath);
            } catch (const std::exception& e) {
                problems = {e.what()};
            }
        }
        const std::lock_guard lock(checkedLock);
        checked.insert_or_assign(r.relativePath, std::move(problems));
    };
    auto snap = loadOrComplain(source, options, err);
    if (!snap)
        return 1;
    size_t errors = 0;
    for (const auto& problem : snap->problems) {
        out << problem << '\n';
        ++errors;
    }
    for (const auto& r : snap->records) {
        std::vector<std::string> problems;
        const auto seen = r.relativePath.empty() ? checked.end() : checked.find(r.relativePath);
        if (!r.ok()) {
            problems.push_back(r.error);
        } else if (seen != checked.end()) {
            problems = std::move(seen->second);
        } else {
            try {
                // A file is read by its path (a misplaced or unsafe name included); a database row is checked
                // as if it were the file a folder would hold it in.
                const bool file = !r.relativePath.empty();
                const std::string path = file ? r.relativePath : recordPath(r.chain, r.id);
                auto text = file ? readFileContained(snap->layout.dotAlchemy, r.relativePath)
                                 : snap->source->readRecordText(r.chain, r.id);
                problems = text ? validateRecordText(*text, path)
                                : std::vector<std::string>{"the record disappeared during the check"};
            } catch (const std::exception& e) {
                problems.push_back(e.what());
            }
        }
        if (problems.empty())
            continue;
        const std::string file = snap->location(r);
        for (const auto& p : problems)
            out << file << ": " << p << '\n';
        errors += problems.size();
    }
    out << snap->records.size() << " records, " << errors << " errors\n";
    return errors == 0 ? 0 : 1;
}

PasswordRing passwordsFromEnvironment(const std::optional<fs::path>& passwordFile) {
    PasswordRing ring;
    if (const char* env = std::getenv("ALCHEMY_PASSWORD"); env && *env)
        ring.add(SecureString(env));
    if (passwordFile) {
        auto text = readWholeFile(*passwordFile);
        if (!text)
            throw std::runtime_error("cannot read password file " + passwordFile->string() +
                                     ": it does not exist");
        size_t start = 0;
        while (start < text->size()) {
            size_t end = text->find('\n', start);
            if (end == std::string::npos)
                end = text->size();
            size_t len = end - start;
            if (len > 0 && (*text)[start + len - 1] == '\r')
                --len;
            if (len > 0)
                ring.add(SecureString(std::string_view(*text).substr(start, len)));
            start = end + 1;
        }
        sodium_memzero(text->data(), text->size());
    }
    return ring;
}

} // namespace athanor

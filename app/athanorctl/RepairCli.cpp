#include "RepairCli.h"

#include "CommandLine.h"
#include "commands/StateCommands.h"
#include "events/ConsoleFormatter.h"
#include "lifecycle/RunApi.h"
#include "repair/PendingRun.h"
#include "repair/RecordEdit.h"
#include "repair/RecordRepairs.h"
#include "repair/Rekey.h"
#include "repair/RepairPreview.h"
#include "repair/StateExport.h"
#include "repair/VersionRepairs.h"
#include "secrets/SecretCipher.h"
#include "store/AtomicFile.h"
#include "versions/RecordVersions.h"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <set>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor::cli {

const char* const kRepairUsage =
    "  athanorctl state rm FQN... [--recursive]             forget records (the real resources stay)\n"
    "  athanorctl state mv FQN NEW_FQN                      rename / move a record and its nested records\n"
    "  athanorctl state set-status FQN created|updated      settle a record left creating/updating\n"
    "  athanorctl state pending list|drop|run SCOPE_FQN [INDEX]\n"
    "  athanorctl state edit FQN [--encrypted]              the record in $EDITOR, validated before it is "
    "written\n"
    "  athanorctl state export [--app A] [--stage S] [--decrypt] [--output F]\n"
    "  athanorctl state import FILE [--overwrite]\n"
    "  athanorctl state unlock [--app A] [--stage S]        force-release a stage lock\n"
    "  athanorctl state rekey [--app A] [--stage S] [--scope FQN] --new-password-file F\n"
    "  athanorctl state undo [--force] | history [FQN] [--keep N] | restore FQN VERSION\n"
    "    common: [--state SOURCE] [--password-file F] [--yes] [--dry-run] [--no-lock]; every repair takes\n"
    "    the stage lock and keeps the previous bytes of what it writes (state undo, state history).\n"
    "    --no-lock: repair where the source cannot lock the stage (a Cloudflare worker, an S3 endpoint\n"
    "    that ignores If-None-Match), knowing nothing keeps another writer off it meanwhile.\n";

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitLocked = 3;
// More records than this make rm "dangerous": the stage name must be typed, as for destroy.
constexpr size_t kManyRecords = 5;

const std::set<std::string> kSubcommands{"rm",     "mv",     "set-status", "pending", "edit",    "export",
                                         "import", "unlock", "rekey",      "undo",    "history", "restore"};

bool interactive() {
    return ::isatty(STDIN_FILENO) == 1;
}

std::string promptLine(const std::string& question) {
    std::cerr << question << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer;
}

// Asks before writing: y/N, or the stage name for dangerous repairs. --yes answers for scripts; without a
// terminal and without --yes nothing is written.
bool confirm(const CommandLine& cl, const std::string& question, const std::string& typedName = {}) {
    if (cl.flag("yes"))
        return true;
    if (!interactive()) {
        std::cerr << "athanorctl: not asking without a terminal: add --yes to write (or --dry-run to only "
                     "preview)\n";
        return false;
    }
    if (!typedName.empty())
        return promptLine(question + " Type " + typedName + " to confirm: ") == typedName;
    const std::string answer = promptLine(question + " [y/N] ");
    return answer == "y" || answer == "Y" || answer == "yes";
}

PasswordRing passwords(const CommandLine& cl) {
    std::optional<fs::path> file;
    if (auto f = cl.value("password-file"))
        file = *f;
    return passwordsFromEnvironment(file);
}

// The first non-empty line of a file, wiped from the read buffer.
SecureString readPassword(const fs::path& file) {
    auto text = readWholeFile(file);
    if (!text)
        throw std::runtime_error("cannot read password file " + file.string() + ": it does not exist");
    std::string_view view(*text);
    SecureString password;
    while (!view.empty()) {
        size_t end = view.find('\n');
        std::string_view line = view.substr(0, end);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (!line.empty()) {
            password = SecureString(line);
            break;
        }
        if (end == std::string_view::npos)
            break;
        view.remove_prefix(end + 1);
    }
    sodium_memzero(text->data(), text->size());
    if (password.empty())
        throw std::runtime_error("password file " + file.string() + " holds no password");
    return password;
}

size_t parseIndex(const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 9)
        throw UsageError("INDEX must be a number (from state pending list), not \"" + text + "\"");
    return static_cast<size_t>(std::stoul(text));
}

void expectPositionals(const CommandLine& cl, size_t count, const std::string& usage) {
    if (cl.positionals().size() != count)
        throw UsageError(usage);
}

// Prints the plan, asks, applies. Returns the exit code.
int previewAndApply(RepairSource& source, const RepairPlan& plan, const CommandLine& cl,
                    bool dangerous = false) {
    if (plan.empty()) {
        std::cout << plan.title << ": nothing to write\n";
        for (const auto& note : plan.notes)
            std::cout << "note: " << note << "\n";
        return 0;
    }
    // Refused before the preview asks anything, with the message a run gives (names the source, why, and
    // --no-lock); a dry run writes nothing and needs no lock.
    if (!cl.flag("dry-run"))
        source.requireStageLocks(plan.stages());
    std::cout << previewText(plan);
    if (cl.flag("dry-run"))
        return 0;
    std::string typed;
    if (dangerous) {
        const auto stages = plan.stages();
        typed = stages.size() == 1 ? stages.front().second : std::string("yes");
    }
    const size_t count = plan.changes.size();
    if (!confirm(cl,
                 "Write " + std::to_string(count) + " record" + (count == 1 ? "" : "s") + " in " +
                     source.describe() + "?",
                 typed)) {
        std::cerr << "nothing was written\n";
        return kExitFailed;
    }
    const RepairOutcome outcome = applyRepair(source, plan);
    for (const auto& warning : outcome.warnings)
        std::cerr << "warning: " << warning << "\n";
    std::cout << "done: " << outcome.written << " written, " << outcome.removed << " removed (operation "
              << outcome.operationId << "; athanorctl state undo restores them)\n";
    return 0;
}

// ---- edit --------------------------------------------------------------------------------------------

// A private temporary file for the editor, overwritten with zeros and removed when done (it may hold
// decrypted secrets).
class EditorFile {
public:
    explicit EditorFile(const std::string& text) {
        const char* runtime = std::getenv("XDG_RUNTIME_DIR");
        const fs::path dir =
            runtime && *runtime && fs::is_directory(runtime) ? fs::path(runtime) : fs::temp_directory_path();
        std::string pattern = (dir / "athanor-edit-XXXXXX.json").string();
        const int fd = ::mkstemps(pattern.data(), 5);
        if (fd < 0)
            throw std::runtime_error("cannot create a temporary file in " + dir.string());
        ::fchmod(fd, 0600);
        m_path = pattern;
        size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n <= 0) {
                ::close(fd);
                throw std::runtime_error("cannot write " + m_path.string());
            }
            done += static_cast<size_t>(n);
        }
        ::close(fd);
    }
    EditorFile(const EditorFile&) = delete;
    EditorFile& operator=(const EditorFile&) = delete;
    ~EditorFile() {
        std::error_code ec;
        const auto size = fs::file_size(m_path, ec);
        if (!ec) {
            const int fd = ::open(m_path.c_str(), O_WRONLY | O_CLOEXEC);
            if (fd >= 0) {
                const std::string zeros(size, '\0');
                [[maybe_unused]] const auto written = ::write(fd, zeros.data(), zeros.size());
                ::fsync(fd);
                ::close(fd);
            }
        }
        ::unlink(m_path.c_str());
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

// $VISUAL, else $EDITOR, else vi, run through the shell (editors are often given with arguments).
int runEditor(const fs::path& file) {
    const char* editor = std::getenv("VISUAL");
    if (!editor || !*editor)
        editor = std::getenv("EDITOR");
    const std::string command = editor && *editor ? editor : "vi";
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("cannot start the editor " + command);
    if (pid == 0) {
        const std::string script = command + " \"$1\"";
        ::execl("/bin/sh", "sh", "-c", script.c_str(), "sh", file.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int editCommand(RepairSource& source, const CommandLine& cl) {
    expectPositionals(cl, 1, "state edit needs exactly one FQN");
    PasswordRing ring = cl.flag("encrypted") ? PasswordRing() : passwords(cl);
    EditSession session;
    try {
        session = beginEdit(source, cl.positionals().front(), ring);
    } catch (const SecretError& e) {
        std::cerr << "athanorctl: error: " << e.what()
                  << "\nhint: give the password that opens it (--password-file), or edit the encrypted form "
                     "(--encrypted)\n";
        return kExitFailed;
    }
    if (!cl.flag("dry-run") && !session.key.chain.empty())
        source.requireStageLocks({{session.key.app(), session.key.stage()}}); // before the editor opens
    std::string text = session.text;
    for (;;) {
        std::optional<std::string> edited;
        {
            EditorFile file(text);
            const int rc = runEditor(file.path());
            if (rc != 0) {
                std::cerr << "athanorctl: the editor exited with " << rc << "; nothing was written\n";
                return kExitFailed;
            }
            edited = readWholeFile(file.path());
        }
        if (!edited) {
            std::cerr << "athanorctl: the edited file disappeared; nothing was written\n";
            return kExitFailed;
        }
        try {
            const RepairPlan plan = planEdit(source, session, *edited, ring);
            sodium_memzero(edited->data(), edited->size());
            return previewAndApply(source, plan, cl);
        } catch (const RepairError& e) {
            std::cerr << "athanorctl: " << e.what() << "\n";
            if (!interactive() || cl.flag("yes") || promptLine("Edit again? [Y/n] ") == "n") {
                sodium_memzero(edited->data(), edited->size());
                return kExitFailed;
            }
            sodium_memzero(text.data(), text.size());
            text = std::move(*edited);
        }
    }
}

// ---- the others ----------------------------------------------------------------------------------------

int pendingCommand(RepairSource& source, const CommandLine& cl) {
    const auto& args = cl.positionals();
    if (args.size() < 2)
        throw UsageError("state pending needs list|drop|run and a SCOPE_FQN");
    const std::string& action = args[0];
    const std::string& scope = args[1];
    if (action == "list") {
        if (args.size() != 2)
            throw UsageError("state pending list takes one SCOPE_FQN");
        const PendingDeletions pending = listPendingDeletions(source, scope);
        if (pending.entries.empty()) {
            std::cout << pending.scopeRecord.path() << ": no pending deletions\n";
            return 0;
        }
        std::cout << pending.scopeRecord.path() << ": " << pending.entries.size() << " pending deletion"
                  << (pending.entries.size() == 1 ? "" : "s") << "\n";
        for (const auto& entry : pending.entries)
            std::cout << "  " << entry.index << "  " << (entry.kind.empty() ? "?" : entry.kind) << "  "
                      << (entry.fqn.empty() ? entry.id : entry.fqn)
                      << (entry.corrupted ? "  (no id: Alchemy drops it without deleting anything)" : "")
                      << "\n";
        return 0;
    }
    if (args.size() != 3)
        throw UsageError("state pending " + action + " needs SCOPE_FQN INDEX");
    const size_t index = parseIndex(args[2]);
    if (action == "drop")
        return previewAndApply(source, planPendingDrop(source, scope, index), cl);
    if (action != "run")
        throw UsageError("state pending takes list, drop or run, not " + action);
    const PendingDeletions pending = listPendingDeletions(source, scope);
    if (index >= pending.entries.size())
        throw RepairError(pending.scopeRecord.path() + " has no pending deletion " + std::to_string(index));
    const auto& entry = pending.entries[index];
    if (!cl.flag("dry-run") && !pending.scopeRecord.chain.empty())
        source.requireStageLocks({{pending.scopeRecord.app(), pending.scopeRecord.stage()}});
    std::cout << "pending run: delete the replaced copy " << (entry.fqn.empty() ? entry.id : entry.fqn)
              << " (" << entry.kind << ") through its provider now, then drop it from "
              << pending.scopeRecord.path() << "\n";
    if (cl.flag("dry-run"))
        return 0;
    if (!confirm(cl, "Delete it now?")) {
        std::cerr << "nothing was run\n";
        return kExitFailed;
    }
    ConsoleOptions options;
    options.color = colorWanted(::isatty(STDOUT_FILENO) == 1);
    ConsoleFormatter console(std::cout, std::cerr, options);
    CancellationToken cancel;
    const PasswordRing ring = passwords(cl);
    const PendingRunResult result = runPendingDeletion(source, scope, index, ring, console, cancel);
    return result.succeeded ? 0 : kExitFailed;
}

int exportCommand(RepairSource& source, const CommandLine& cl) {
    if (!cl.positionals().empty())
        throw UsageError("state export takes no arguments (--app, --stage, --output)");
    const PasswordRing ring = cl.flag("decrypt") ? passwords(cl) : PasswordRing();
    if (cl.flag("decrypt") && ring.empty())
        throw std::runtime_error("--decrypt needs a password (ALCHEMY_PASSWORD or --password-file)");
    const ExportResult result = exportState(source, {cl.valueOr("app", ""), cl.valueOr("stage", "")}, ring);
    const std::string text = exportText(result.document);
    if (auto output = cl.value("output")) {
        const fs::path file = fs::absolute(*output);
        writeFileAtomically(file.parent_path(), file.filename(), text);
        if (cl.flag("decrypt"))
            fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
        std::cerr << "exported " << result.records << " records to " << file.string() << "\n";
    } else {
        std::cout << text;
    }
    for (const auto& error : result.errors)
        std::cerr << "error: " << error << "\n";
    return result.errors.empty() ? 0 : kExitFailed;
}

int importCommand(RepairSource& source, const CommandLine& cl) {
    expectPositionals(cl, 1, "state import needs the export FILE");
    const auto text = readWholeFile(cl.positionals().front());
    if (!text)
        throw std::runtime_error("cannot read " + cl.positionals().front() + ": it does not exist");
    return previewAndApply(source, planImport(source, *text, cl.flag("overwrite"), passwords(cl)), cl);
}

std::string singleApp(RepairSource& source, const CommandLine& cl) {
    if (auto app = cl.value("app"))
        return *app;
    const auto apps = source.apps();
    if (apps.size() == 1)
        return apps.front();
    throw UsageError(apps.empty() ? "no app in " + source.describe() + "; name one with --app"
                                  : source.describe() + " holds several apps; name one with --app");
}

int unlockCommand(RepairSource& source, const CommandLine& cl) {
    if (!cl.positionals().empty())
        throw UsageError("state unlock takes --app and --stage, no arguments");
    const std::string app = singleApp(source, cl);
    const std::string stage = resolveStageName(cl.valueOr("stage", ""));
    if (!source.keepsStageLocks()) {
        // Nothing to do is not a failure: a script that unlocks before it runs goes on.
        std::cout << "there is no lock of stage " << app << "/" << stage
                  << " to release: " << source.state().stageLockSupport().reason
                  << "; runs and repairs there need --no-lock\n";
        return 0;
    }
    const std::optional<StageLockInfo> holder = source.stageLockHolder(app, stage);
    if (!holder) {
        std::cout << "stage " << app << "/" << stage << " is not locked\n";
        return 0;
    }
    std::cout << "stage " << app << "/" << stage << " is locked by " << holder->describe() << "\n  lock "
              << holder->where << "\n";
    if (!holder->processGoneHere)
        std::cout
            << "warning: unless that process is gone, releasing its lock lets a second writer in while it "
               "still writes\n";
    else
        std::cout << "that process no longer exists on this host\n";
    if (cl.flag("dry-run"))
        return 0;
    if (!confirm(cl, "Release the lock?", stage)) {
        std::cerr << "the lock was left in place\n";
        return kExitFailed;
    }
    if (!source.breakStageLock(app, stage, *holder)) {
        std::cerr << "athanorctl: the lock changed hands meanwhile; it was left in place\n";
        return kExitFailed;
    }
    std::cout << "released the lock of stage " << app << "/" << stage << " (held by pid " << holder->pid
              << ")\n";
    return 0;
}

int rekeyCommand(RepairSource& source, const CommandLine& cl) {
    if (!cl.positionals().empty())
        throw UsageError("state rekey takes --app, --stage, --scope and --new-password-file, no arguments");
    const auto newFile = cl.value("new-password-file");
    if (!newFile)
        throw UsageError("state rekey needs --new-password-file F");
    const SecureString newPassword = readPassword(*newFile);
    const PasswordRing ring = passwords(cl);
    const RekeySelection selection{cl.valueOr("app", ""), cl.valueOr("stage", ""), cl.valueOr("scope", "")};
    return previewAndApply(source, planRekey(source, selection, ring, newPassword), cl);
}

std::string versionLine(const RecordVersion& v) {
    std::string line = v.operation.id + "  " + v.operation.startedAt + "  " +
                       std::string(toString(v.operation.kind)) + ": " + v.operation.title;
    line += "  before: " + (v.images.before ? std::to_string(v.images.before->size()) + " bytes"
                                            : std::string("did not exist"));
    if (!v.operation.undoneBy.empty())
        line += "  (undone by " + v.operation.undoneBy + ")";
    if (!v.operation.complete)
        line +=
            "  (incomplete" + (v.operation.error.empty() ? std::string() : ": " + v.operation.error) + ")";
    return line;
}

int historyCommand(RepairSource& source, const CommandLine& cl) {
    VersionStore versions = versionStoreOf(source);
    if (auto keep = cl.value("keep")) {
        if (keep->empty() || keep->find_first_not_of("0123456789") != std::string::npos || keep->size() > 6)
            throw UsageError("--keep needs a number of operations");
        versions.setSettings({std::stoi(*keep)});
        versions.prune();
        std::cout << "the history of " << source.describe() << " keeps the last " << *keep << " operations\n";
        if (cl.positionals().empty())
            return 0;
    }
    if (cl.positionals().empty()) {
        const auto operations = versions.operations();
        std::cout << operations.size() << " operations kept (the last " << versions.settings().keep << ") in "
                  << versions.folder().string() << "\n";
        for (const auto& op : operations)
            std::cout << "  " << op.id << "  " << op.startedAt << "  " << toString(op.kind) << ": "
                      << op.title << "  (" << op.records << " records" << (op.complete ? "" : ", incomplete")
                      << (op.undoneBy.empty() ? "" : ", undone") << ")\n";
        return 0;
    }
    expectPositionals(cl, 1, "state history takes one FQN");
    const RecordHistory history = recordHistory(source, cl.positionals().front());
    std::cout << history.key.path() << "  (" << source.location(history.key) << ")\n";
    if (history.versions.empty())
        std::cout << "  no versions kept\n";
    for (const auto& v : history.versions)
        std::cout << "  " << versionLine(v) << "\n";
    return 0;
}

} // namespace

bool isRepairCommand(const std::string& subcommand) {
    return kSubcommands.count(subcommand) > 0;
}

int runRepairCommand(const std::string& sub, const std::vector<std::string>& args) {
    const CommandLine cl(
        args,
        {"root", "state", "password-file", "app", "stage", "scope", "output", "new-password-file", "keep"},
        {"recursive", "yes", "dry-run", "encrypted", "decrypt", "overwrite", "force", "no-lock"});
    const std::shared_ptr<RepairSource> source =
        RepairSource::open(stateSourceOption(cl).value_or(SourceSpec::folder(".")));
    source->setNoLock(cl.flag("no-lock"));
    try {
        // Import may fill an empty source; everything else needs state to repair.
        if (sub != "import" && !source->exists())
            throw RepairError("no Alchemy state here: " + source->describe() + " does not exist");
        if (sub == "rm") {
            if (cl.positionals().empty())
                throw UsageError("state rm needs at least one FQN");
            const RepairPlan plan = planRemove(*source, cl.positionals(), cl.flag("recursive"));
            return previewAndApply(*source, plan, cl, plan.changes.size() > kManyRecords);
        }
        if (sub == "mv") {
            expectPositionals(cl, 2, "state mv needs FQN and NEW_FQN");
            return previewAndApply(*source, planMove(*source, cl.positionals()[0], cl.positionals()[1]), cl);
        }
        if (sub == "set-status") {
            expectPositionals(cl, 2, "state set-status needs FQN and created|updated");
            const auto status = parseResourceStatus(cl.positionals()[1]);
            if (!status || !isSettled(*status))
                throw UsageError("state set-status takes created or updated, not " + cl.positionals()[1]);
            return previewAndApply(*source, planSetStatus(*source, cl.positionals()[0], *status), cl);
        }
        if (sub == "pending")
            return pendingCommand(*source, cl);
        if (sub == "edit")
            return editCommand(*source, cl);
        if (sub == "export")
            return exportCommand(*source, cl);
        if (sub == "import")
            return importCommand(*source, cl);
        if (sub == "unlock")
            return unlockCommand(*source, cl);
        if (sub == "rekey")
            return rekeyCommand(*source, cl);
        if (sub == "undo") {
            if (!cl.positionals().empty())
                throw UsageError("state undo takes no arguments");
            return previewAndApply(*source, planUndo(*source, cl.flag("force")), cl);
        }
        if (sub == "history")
            return historyCommand(*source, cl);
        if (sub == "restore") {
            expectPositionals(cl, 2, "state restore needs FQN and VERSION (from state history FQN)");
            return previewAndApply(*source, planRestore(*source, cl.positionals()[0], cl.positionals()[1]),
                                   cl);
        }
    } catch (const LockHeldError& e) {
        std::cerr << "athanorctl: refused: " << e.what() << "\n";
        return kExitLocked;
    } catch (const StageLockUnavailableError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n"; // as a run says it, and with its exit code
        return kExitLocked;
    } catch (const RepairError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        return kExitFailed;
    } catch (const SecretError& e) {
        std::cerr << "athanorctl: error: " << e.what() << "\n";
        return kExitFailed;
    }
    throw UsageError("unknown state subcommand " + sub);
}

} // namespace athanor::cli

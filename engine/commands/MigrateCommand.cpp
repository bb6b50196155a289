#include "commands/StateCommands.h"
#include "commands/StateMigration.h"
#include "store/StateSources.h"
#include "store/StoreError.h"

#include <ostream>

namespace athanor {

int stateMigrate(const SourceSpec& fromSpec, const SourceSpec& toSpec, bool overwrite, std::ostream& out,
                 std::ostream& err, const std::vector<std::string>& apps) {
    try {
        std::string note;
        const std::shared_ptr<StateSource> from = openResolvedSource(fromSpec, &note);
        if (!note.empty())
            err << "note: " << note << '\n';
        // The target is taken as named: a folder gets record files even beside a state.sqlite.
        const std::shared_ptr<StateSource> to = openStateSource(toSpec);
        const MigrationReport report = migrateState(*from, *to, {overwrite, apps});
        if (report.refused) {
            err << "error: " << to->describe() << " already holds " << report.targetRecordsBefore
                << " records; nothing was copied (use --overwrite to replace the records the source also "
                   "has)\n";
            return 1;
        }
        for (const auto& problem : report.problems)
            err << problem << '\n';
        for (const auto& warning : report.warnings)
            err << "warning: " << warning << '\n';
        out << "migrated " << report.copied << " records to " << to->describe() << " (" << report.verified
            << " read back identical, " << report.reformatted << " reformatted, " << report.failed
            << " failed)\n";
        if (report.targetRecordsBefore > 0)
            out << "the target held " << report.targetRecordsBefore
                << " records before; those the source does not have were left as they were\n";
        return report.succeeded() ? 0 : 1;
    } catch (const std::exception& e) {
        err << "error: " << e.what() << '\n';
        return 1;
    }
}

} // namespace athanor

#include "program/RunTarget.h"

#include "program/ProgramBackend.h"
#include "program/ProgramEntry.h"

namespace fs = std::filesystem;

namespace athanor {

std::optional<RunTarget> findRunTarget(const std::optional<fs::path>& entry, const fs::path& folder) {
    RunTarget target;
    if (entry) {
        target.entry = *entry;
        target.backend = isProgramFile(*entry) ? BackendKind::Program : BackendKind::Engine;
        return target;
    }
    std::error_code ec;
    const auto program = findProgramEntry(folder);
    if (fs::is_regular_file(folder / kDefaultStackFileName, ec)) {
        target.entry = folder / kDefaultStackFileName;
        if (program)
            target.note = "using " + std::string(kDefaultStackFileName) +
                          "; this folder also has the Alchemy "
                          "program " +
                          program->filename().string() + ", which runs when given by name";
        return target;
    }
    if (program) {
        target.backend = BackendKind::Program;
        target.entry = *program;
        return target;
    }
    return std::nullopt;
}

std::unique_ptr<RunBackend> makeRunBackend(BackendKind kind) {
    if (kind == BackendKind::Program)
        return std::make_unique<ProgramBackend>();
    return std::make_unique<EngineBackend>();
}

} // namespace athanor

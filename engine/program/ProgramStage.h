#pragma once

#include "secrets/PasswordRing.h"
#include "snapshot/StateSnapshot.h"

#include "json/Json.h"
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace athanor {

// What the state of one stage says before and after a program runs on it: read from the local file store
// (.alchemy), which is where Alchemy's default state store keeps it. A program with another state store
// leaves nothing here, and these answers are then empty.
class ProgramStage {
public:
    // `app` may be empty: every app that has this stage.
    ProgramStage(const std::filesystem::path& projectRoot, std::string app, std::string stage);

    // Resource records (not scope placeholders), sorted by FQN.
    const std::vector<SnapshotRecord>& resources() const { return m_resources; }
    // Every record of the stage, scope placeholders and the stage's own record included.
    const std::vector<SnapshotRecord>& records() const { return m_records; }
    bool holdsSecrets() const;
    // The apps in .alchemy that have this stage.
    static std::vector<std::string> appsWithStage(const std::filesystem::path& projectRoot,
                                                  const std::string& stage);

    // The password a program of this stage needs: the first of `candidates` that opens a secret of the stage
    // (records directly in the stage first; a child scope may have its own password). Without secrets: the
    // first candidate. nullopt when there is none, or none opens anything.
    std::optional<size_t> passwordFor(const PasswordRing& candidates) const;
    // The first secret's place, for messages: "shop/dev/session-key".
    std::string firstSecretFqn() const;

    // Outputs of every resource record, plain (secrets {"@secret": plaintext}) where `passwords` open them,
    // as stored otherwise; `problems` gets a line for each record that could not be read or opened.
    std::map<std::string, Json> outputs(const PasswordRing& passwords,
                                        std::vector<std::string>& problems) const;

private:
    std::filesystem::path m_root;
    std::vector<SnapshotRecord> m_records;
    std::vector<SnapshotRecord> m_resources;
    std::filesystem::path m_dotAlchemy;
};

// The state holds secrets and no password is known: ask the user (GUI) or say how to give one (CLI) before
// the program starts.
class PasswordNeededError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace athanor

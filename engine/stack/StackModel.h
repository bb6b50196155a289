#pragma once

#include "secrets/SecureString.h"

#include "json/Json.h"
#include "json/Utf8.h"
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace athanor {

// A stack file (alchemy.stack.json), the declarative equivalent of alchemy.run.ts, after parsing and
// validation. Inside props:
//   {"$secret": v}            is already {"@secret": <plaintext>} (plain form)
//   {"$env": "NAME"}          is already the variable's value
//   {"$ref": "storage/seed", "output": "a.b"}  stays as is; the engine substitutes the referenced
//                             resource's output (the whole output envelope when "output" is absent).
struct DeclaredResource {
    std::string id;
    std::string kind;
    Json props = Json::object();
    std::string jsonPath;               // where it is declared, e.g. "/scopes/storage/resources/seed"
    std::vector<std::string> dependsOn; // stage-relative paths of referenced resources ("storage/seed")
};

struct DeclaredScope {
    std::string name;                        // empty for the stage itself
    std::optional<SecureString> password;    // a child scope may have its own
    std::vector<DeclaredResource> resources; // declaration order = seq order
    std::vector<DeclaredScope> scopes;
    std::string jsonPath;
};

struct StackFile {
    std::filesystem::path file;
    std::filesystem::path folder; // relative paths in props and the default state root
    std::string app;
    std::optional<SecureString> password; // the stage's password
    DeclaredScope root;                   // resources and scopes declared at stage level
};

// A stack file problem, always naming the file and the JSON path: "alchemy.stack.json: /resources/x/props/y:
// ..."
// Control characters in the message (a NUL in an id or key) are escaped: a raw NUL would cut what() short and
// lose the reason.
class StackError : public std::runtime_error {
public:
    explicit StackError(const std::string& message) : std::runtime_error(escapeControlCharacters(message)) {}
};

} // namespace athanor

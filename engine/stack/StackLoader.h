#pragma once

#include "stack/StackModel.h"

#include "json/JsonPointer.h"
#include <filesystem>

namespace athanor {

class ProviderRegistry;

// Reads and validates a stack file (alchemy.stack.json). Everything is checked before anything runs:
//  * structure: top level {"app", "password"?, "resources"?, "scopes"?} (plus "$schema" for editors);
//    a resource {"kind", "props"?}; a scope {"password"?, "resources"?, "scopes"?}. Unknown keys are
//    errors, so a typo never silently drops a setting.
//  * ids and scope names (requireValidId; scope names and the app may not contain '/'); a resource and a
//    child scope of the same scope may not share a name (both would be <name>.json in state);
//  * {"$env": "NAME", "default"?: v} is replaced by the variable's value (unset without default: error);
//  * {"$secret": v} becomes {"@secret": v} (v may itself be an {"$env": ...});
//  * {"$ref": "storage/seed", "output"?: "a.b"} stays in props for the engine; the target must be declared,
//    becomes a dependsOn entry, and reference cycles are errors.
// Key order is declaration order. Errors are StackError("<file>: <JSON pointer>: <problem>").
StackFile loadStackFile(const std::filesystem::path& file);

// Every declared kind must be known to `providers`: StackError naming the resource's JSON path otherwise.
void requireKnownKinds(const StackFile& stack, const ProviderRegistry& providers);

} // namespace athanor

#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// Alchemy's CLI default entrypoints, in the order it tries them (reference §9).
inline constexpr std::string_view kProgramEntryNames[] = {"alchemy.run.ts", "alchemy.run.js",
                                                          "alchemy.run.mts", "alchemy.run.mjs"};
// The stack file athanorctl and the GUI open by default.
inline constexpr std::string_view kDefaultStackFileName = "alchemy.stack.json";

// The first existing of alchemy.run.ts, .js, .mts, .mjs in `folder`, as `alchemy deploy` picks it.
std::optional<std::filesystem::path> findProgramEntry(const std::filesystem::path& folder);

// .ts, .mts, .cts, .js, .mjs, .cjs: a file a JavaScript runtime runs (what the entry chooser offers).
bool isProgramFile(const std::filesystem::path& file);
bool isTypeScriptFile(const std::filesystem::path& file); // .ts, .mts, .cts

// The app name a program passes to alchemy("name", ...) as a string literal, when there is exactly one such
// name in `source`; nullopt otherwise (a computed name, or several apps).
std::optional<std::string> appNameInSource(std::string_view source);

} // namespace athanor

#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace athanor {

// os::Exec's memoize hash (reference §12.4): glob each pattern under `cwd`, SHA-256 (hex) each matching file,
// order by path with JavaScript's localeCompare, then SHA-256 over the concatenated hex digests, as hex.
// Glob syntax: `*`, `?`, `[...]` within a segment, `**` for any number of segments; like the glob package,
// `*` and `**` do not match names starting with '.' unless the pattern segment does. Brace expansion
// ({a,b}) is not part of the supported syntax. Only regular files are hashed.
std::string hashPatternInputs(const std::filesystem::path& cwd, const std::vector<std::string>& patterns);

// The files a pattern matches, relative to `cwd` with '/' separators (exposed for tests).
std::vector<std::string> globFiles(const std::filesystem::path& cwd, std::string_view pattern);

// a < b in the order of JavaScript's String.prototype.localeCompare under the root locale, for ASCII:
// punctuation before digits before letters, letters compared case-insensitively first, lower case first on
// ties. Bytes outside ASCII compare after ASCII, by value.
bool localeLess(std::string_view a, std::string_view b);

} // namespace athanor

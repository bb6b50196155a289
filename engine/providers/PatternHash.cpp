#include "providers/PatternHash.h"

#include "providers/Provider.h"
#include "secrets/Sha256.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <sodium.h>
#include <tuple>

namespace athanor {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> splitSegments(std::string_view pattern) {
    std::vector<std::string> segments;
    size_t start = 0;
    while (start <= pattern.size()) {
        const size_t slash = std::min(pattern.find('/', start), pattern.size());
        const std::string_view segment = pattern.substr(start, slash - start);
        if (!segment.empty() && segment != ".")
            segments.emplace_back(segment);
        start = slash + 1;
    }
    return segments;
}

// fnmatch-style match of one path segment.
bool matchSegment(std::string_view pattern, std::string_view name) {
    if (!name.empty() && name.front() == '.' && (pattern.empty() || pattern.front() != '.'))
        return false;
    size_t p = 0, n = 0, starP = std::string_view::npos, starN = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starN = n;
            continue;
        }
        if (p < pattern.size() && pattern[p] == '[') {
            size_t close = pattern.find(']', p + 1);
            if (close != std::string_view::npos) {
                std::string_view set = pattern.substr(p + 1, close - p - 1);
                const bool negate = !set.empty() && (set.front() == '!' || set.front() == '^');
                if (negate)
                    set.remove_prefix(1);
                bool found = false;
                for (size_t i = 0; i < set.size(); ++i) {
                    if (i + 2 < set.size() && set[i + 1] == '-') {
                        found = found || (name[n] >= set[i] && name[n] <= set[i + 2]);
                        i += 2;
                    } else {
                        found = found || name[n] == set[i];
                    }
                }
                if (found != negate) {
                    p = close + 1;
                    ++n;
                    continue;
                }
            }
        } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
            continue;
        }
        if (starP == std::string_view::npos)
            return false;
        p = starP + 1;
        n = ++starN;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

void globInto(const fs::path& dir, const std::string& relative, const std::vector<std::string>& segments,
              size_t index, std::vector<std::string>& out) {
    if (index == segments.size()) {
        std::error_code ec;
        if (fs::is_regular_file(dir, ec))
            out.push_back(relative);
        return;
    }
    const std::string& segment = segments[index];
    auto child = [&](const std::string& name) {
        return relative.empty() ? name : relative + "/" + name;
    };
    if (segment == "**") {
        // zero segments
        globInto(dir, relative, segments, index + 1, out);
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.front() == '.')
                continue;
            if (it->is_directory(ec) && !it->is_symlink(ec))
                globInto(it->path(), child(name), segments, index, out);
            else if (index + 1 == segments.size() && it->is_regular_file(ec))
                out.push_back(child(name));
        }
        return;
    }
    if (segment.find_first_of("*?[") == std::string::npos) {
        const fs::path next = dir / segment;
        std::error_code ec;
        if (fs::exists(next, ec))
            globInto(next, child(segment), segments, index + 1, out);
        return;
    }
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (matchSegment(segment, name))
            globInto(it->path(), child(name), segments, index + 1, out);
    }
}

std::string sha256HexOfFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ProviderError("os::Exec: cannot read " + file.string() + " for the memoize hash");
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::array<char, 65536> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buffer.data()),
                                  static_cast<unsigned long long>(in.gcount()));
    }
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state, digest.data());
    return lowerHex(digest.data(), digest.size());
}

// Primary weight of an ASCII character in the CLDR root collation (punctuation, symbols, digits, letters).
int primaryWeight(unsigned char c) {
    static constexpr std::string_view order =
        " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";
    if (c >= 'A' && c <= 'Z')
        c = static_cast<unsigned char>(c - 'A' + 'a');
    const size_t at = order.find(static_cast<char>(c));
    if (at != std::string_view::npos)
        return static_cast<int>(at) + 1;
    return c < 0x80 ? 0 : 1000 + c;
}

} // namespace

bool localeLess(std::string_view a, std::string_view b) {
    const size_t common = std::min(a.size(), b.size());
    for (size_t i = 0; i < common; ++i) {
        const int wa = primaryWeight(static_cast<unsigned char>(a[i]));
        const int wb = primaryWeight(static_cast<unsigned char>(b[i]));
        if (wa != wb)
            return wa < wb;
    }
    if (a.size() != b.size())
        return a.size() < b.size();
    // Same letters ignoring case: lower case sorts first (tertiary difference).
    for (size_t i = 0; i < common; ++i) {
        const bool lowerA = a[i] >= 'a' && a[i] <= 'z';
        const bool lowerB = b[i] >= 'a' && b[i] <= 'z';
        if (a[i] != b[i])
            return lowerA && !lowerB ? true : (!lowerA && lowerB ? false : a[i] < b[i]);
    }
    return false;
}

std::vector<std::string> globFiles(const fs::path& cwd, std::string_view pattern) {
    std::vector<std::string> files;
    const bool absolute = !pattern.empty() && pattern.front() == '/';
    globInto(absolute ? fs::path("/") : cwd, absolute ? std::string("/") : std::string(),
             splitSegments(pattern), 0, files);
    if (absolute) {
        for (auto& f : files)
            f.erase(0, f.starts_with("//") ? 1 : 0);
    }
    return files;
}

std::string hashPatternInputs(const fs::path& cwd, const std::vector<std::string>& patterns) {
    std::map<std::string, std::string> hashes; // joined path -> hex (a Map in Alchemy: duplicates collapse)
    for (const auto& pattern : patterns) {
        for (const auto& file : globFiles(cwd, pattern)) {
            const fs::path full = file.starts_with("/") ? fs::path(file) : cwd / file;
            hashes[full.lexically_normal().string()] = sha256HexOfFile(full);
        }
    }
    std::vector<std::pair<std::string, std::string>> sorted(hashes.begin(), hashes.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& x, const auto& y) { return localeLess(x.first, y.first); });
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    for (const auto& [path, hex] : sorted)
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(hex.data()), hex.size());
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256_final(&state, digest.data());
    return lowerHex(digest.data(), digest.size());
}

} // namespace athanor

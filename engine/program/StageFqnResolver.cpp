#include "program/StageFqnResolver.h"

#include "store/AtomicFile.h"
#include "store/IdCodec.h"

#include "json/Json.h"
#include "json/JsonParse.h"
#include <algorithm>
#include <bit>
#include <chrono>
#include <thread>

namespace fs = std::filesystem;

namespace athanor {

namespace {

constexpr std::string_view kSeparator = " > ";
// 2^10 readings of a path at most; beyond that only the plain one (every " > " a separator).
constexpr size_t kMaxAmbiguousSeparators = 10;

std::string join(const std::vector<std::string>& parts, size_t from, size_t to, std::string_view with) {
    std::string out;
    for (size_t i = from; i < to; ++i) {
        if (i > from)
            out += with;
        out += parts[i];
    }
    return out;
}

// The segments of `parts` when only the separators whose bit is set in `mask` separate.
std::vector<std::string> reading(const std::vector<std::string>& parts, unsigned mask) {
    std::vector<std::string> segments{parts.front()};
    for (size_t i = 1; i < parts.size(); ++i) {
        if (mask & (1u << (i - 1)))
            segments.push_back(parts[i]);
        else
            segments.back() += std::string(kSeparator) + parts[i];
    }
    return segments;
}

} // namespace

std::vector<std::string> splitConsolePath(std::string_view path) {
    std::vector<std::string> parts;
    if (path.empty())
        return parts;
    size_t start = 0;
    for (;;) {
        const size_t at = path.find(kSeparator, start);
        if (at == std::string_view::npos) {
            parts.emplace_back(path.substr(start));
            return parts;
        }
        parts.emplace_back(path.substr(start, at - start));
        start = at + kSeparator.size();
    }
}

StageFqnResolver::StageFqnResolver(DotAlchemyLayout layout, std::string app, std::string stage)
    : m_layout(std::move(layout)), m_app(std::move(app)), m_stage(std::move(stage)) {}

void StageFqnResolver::setApp(const std::string& app) {
    m_app = app;
}

std::optional<std::string> StageFqnResolver::recordKindAt(const std::vector<std::string>& chain) const {
    // chain: stage, scopes..., id (the id may hold '/')
    if (chain.empty() || m_app.empty() || !idProblem(m_app).empty())
        return std::nullopt;
    fs::path file = m_layout.dotAlchemy / m_app;
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
        if (!idProblem(chain[i]).empty() || chain[i].find('/') != std::string::npos)
            return std::nullopt;
        file /= chain[i];
    }
    if (!idProblem(chain.back()).empty())
        return std::nullopt;
    file /= idToFileName(chain.back());
    // Alchemy writes a record in place (truncate, then write), so a read can meet it half written: read it
    // again a few times before calling it kind-less.
    Json record;
    for (int attempt = 0;; ++attempt) {
        const auto text = readWholeFile(file);
        if (!text)
            return std::nullopt;
        try {
            record = parseJsonText(*text); // depth-limited: a hostile record is no kind, not a crash
            break;
        } catch (const JsonParseError&) {
            if (attempt == 3)
                return std::string();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    if (!record.is_object())
        return std::string();
    for (const char* key : {"kind", "provider"})
        if (auto it = record.find(key); it != record.end() && it->is_string())
            return it->get<std::string>();
    return std::string();
}

StageFqnResolver::Resolved StageFqnResolver::resolve(const std::string& path) {
    const std::string key = m_app + '\n' + path;
    if (auto it = m_known.find(key); it != m_known.end())
        return it->second;

    const std::vector<std::string> parts = splitConsolePath(path);
    std::vector<std::string> stages{m_stage};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(m_layout.dotAlchemy / m_app, ec)) {
        const std::string name = entry.path().filename().string();
        if (name != m_stage && entry.is_directory(ec))
            stages.push_back(name);
    }
    std::sort(stages.begin() + 1, stages.end());

    std::vector<unsigned> masks;
    const size_t separators = parts.empty() ? 0 : parts.size() - 1;
    const unsigned all = separators == 0 ? 0u : (1u << std::min(separators, kMaxAmbiguousSeparators)) - 1;
    if (separators > kMaxAmbiguousSeparators) {
        masks.push_back(~0u);
    } else {
        for (unsigned mask = 0; mask <= all; ++mask)
            masks.push_back(mask);
        // Plain readings first: more separators before fewer.
        std::stable_sort(masks.begin(), masks.end(),
                         [](unsigned a, unsigned b) { return std::popcount(a) > std::popcount(b); });
    }

    Resolved answer;
    for (const std::string& stage : stages) {
        for (unsigned mask : masks) {
            const std::vector<std::string> segments =
                parts.empty() ? std::vector<std::string>{} : reading(parts, mask);
            // Where the record can be: the id is segments[j..] joined by '/', the scopes segments[..j).
            for (size_t j = segments.size(); j-- > 0;) {
                std::vector<std::string> chain{stage};
                chain.insert(chain.end(), segments.begin(), segments.begin() + static_cast<long>(j));
                chain.push_back(join(segments, j, segments.size(), "/"));
                if (auto kind = recordKindAt(chain)) {
                    answer.fqn = m_app + "/" + stage;
                    for (const auto& segment : segments)
                        answer.fqn += "/" + segment;
                    answer.kind = *kind;
                    answer.found = true;
                    if (!answer.kind.empty()) // a record read half written is looked at again next time
                        m_known.emplace(key, answer);
                    return answer;
                }
            }
        }
    }
    answer.fqn = m_app + "/" + m_stage;
    for (const auto& part : parts)
        answer.fqn += "/" + part;
    m_known.emplace(key, answer);
    return answer;
}

std::string StageFqnResolver::kindOf(const std::string& fqn) const {
    const std::string prefix = m_app + "/";
    if (fqn.compare(0, prefix.size(), prefix) != 0)
        return {};
    std::vector<std::string> segments;
    size_t start = prefix.size();
    for (;;) {
        const size_t slash = fqn.find('/', start);
        segments.push_back(fqn.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    if (segments.size() < 2)
        return {};
    for (size_t j = segments.size(); j-- > 1;) {
        std::vector<std::string> chain(segments.begin(), segments.begin() + static_cast<long>(j));
        chain.push_back(join(segments, j, segments.size(), "/"));
        if (auto kind = recordKindAt(chain))
            return *kind;
    }
    return {};
}

} // namespace athanor

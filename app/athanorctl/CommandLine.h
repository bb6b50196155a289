#pragma once

#include "store/SourceSpec.h"

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace athanor::cli {

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A small strict parser: `--name value`, `--name=value` and `--flag`. Unknown options are usage errors
// (a typo must never silently change what a deploy does).
class CommandLine {
public:
    CommandLine(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                const std::set<std::string>& flags);

    const std::vector<std::string>& positionals() const { return m_positionals; }
    std::optional<std::string> value(const std::string& name) const;
    std::string valueOr(const std::string& name, const std::string& fallback) const;
    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }

private:
    std::vector<std::string> m_positionals;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
};

// Where state lives: --state SOURCE (a folder or sqlite:PATH), or --root DIR (the folder form); not both.
// nullopt when neither is given.
std::optional<SourceSpec> stateSourceOption(const CommandLine& cl);

} // namespace athanor::cli

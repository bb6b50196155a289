#include "CommandLine.h"

namespace athanor::cli {

CommandLine::CommandLine(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                         const std::set<std::string>& flags) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            m_positionals.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        if (valueOptions.count(name)) {
            if (inlineValue) {
                m_values[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option --" + name + " needs a value");
                m_values[name] = args[++i];
            }
        } else if (flags.count(name) && !inlineValue) {
            m_flags.insert(name);
        } else {
            throw UsageError("unknown option --" + name);
        }
    }
}

std::optional<std::string> CommandLine::value(const std::string& name) const {
    auto it = m_values.find(name);
    return it == m_values.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string CommandLine::valueOr(const std::string& name, const std::string& fallback) const {
    return value(name).value_or(fallback);
}

std::optional<SourceSpec> stateSourceOption(const CommandLine& cl) {
    const auto state = cl.value("state");
    const auto root = cl.value("root");
    if (state && root)
        throw UsageError("--state and --root both name the state; give one (--root DIR is --state DIR)");
    try {
        if (state)
            return SourceSpec::parse(*state);
        if (root)
            return SourceSpec::folder(*root);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    return std::nullopt;
}

} // namespace athanor::cli

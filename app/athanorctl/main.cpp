// athanorctl: Athanor's engine from a terminal or CI.
#include "CommandLine.h"
#include "RepairCli.h"
#include "RunCli.h"
#include "StateCli.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace {

void printUsage(std::ostream& out) {
    out << "usage:\n"
        << athanor::cli::kRunUsage << athanor::cli::kStateUsage << athanor::cli::kRepairUsage
        << "  athanorctl --help | --version\n"
           "The manual: man athanorctl\n";
}

bool isHelp(const std::string& arg) {
    return arg == "--help" || arg == "-h";
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printUsage(std::cerr);
        return 2;
    }
    if (args.front() == "--version") {
        std::cout << "athanorctl " << ATHANOR_VERSION << "\n";
        return 0;
    }
    // `--help` anywhere (`athanorctl up --help` too) answers with the usage instead of running anything.
    if (args.front() == "help" || std::any_of(args.begin(), args.end(), isHelp)) {
        printUsage(std::cout);
        return 0;
    }
    try {
        const std::string command = args.front();
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "state")
            return athanor::cli::runStateCommand(rest);
        if (const auto phase = athanor::parsePhase(command))
            return athanor::cli::runRunCommand(*phase, rest);
        throw athanor::cli::UsageError("unknown command " + command);
    } catch (const athanor::cli::UsageError& e) {
        std::cerr << "athanorctl: " << e.what() << "\n";
        printUsage(std::cerr);
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "athanorctl: error: " << e.what() << "\n";
        return 1;
    }
}

// athanorctl: Athanor's engine from a terminal or CI.
#include "CommandLine.h"
#include "RunCli.h"
#include "StateCli.h"

#include <iostream>
#include <string>
#include <vector>

namespace {

void printUsage(std::ostream& out) {
    out << "usage:\n" << athanor::cli::kRunUsage << athanor::cli::kStateUsage;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
        printUsage(args.empty() ? std::cerr : std::cout);
        return args.empty() ? 2 : 0;
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

// athanorctl: Athanor's engine from a terminal or CI.
#include "CommandLine.h"
#include "RepairCli.h"
#include "RunCli.h"
#include "RunsCli.h"
#include "StateCli.h"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <malloc.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

void printUsage(std::ostream& out) {
    out << "usage:\n"
        << athanor::cli::kRunUsage << athanor::cli::kRunsUsage << athanor::cli::kStateUsage
        << athanor::cli::kRepairUsage
        << "  athanorctl --help | --version\n"
           "The manual: man athanorctl\n";
}

bool isHelp(const std::string& arg) {
    return arg == "--help" || arg == "-h";
}

// A run of 10,000 resources touches tens of MiB of heap once: in 4 KiB pages that is ~10,000 page faults, a
// third of a read's system time. The main heap grows in one 64 MiB step instead of 128 KiB ones, and that
// range asks for transparent huge pages (THP "madvise" mode, Debian's default; ignored where THP is off).
void useLargePagesForTheHeap() {
    constexpr size_t kHeapStep = size_t(64) << 20;
    constexpr uintptr_t kHugePage = uintptr_t(2) << 20;
    if (mallopt(M_TOP_PAD, static_cast<int>(kHeapStep)) != 1)
        return;
    // Static initialisation already made a small heap: fill what is left of it until the heap grows.
    const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
    std::vector<void*> blocks;
    while (reinterpret_cast<uintptr_t>(sbrk(0)) == before && blocks.size() < 64)
        blocks.push_back(malloc(32 * 1024));
    const auto start = (before + kHugePage - 1) & ~(kHugePage - 1);
    const auto end = reinterpret_cast<uintptr_t>(sbrk(0)) & ~(kHugePage - 1);
    if (end > start)
        madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
    for (void* block : blocks)
        free(block);
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
    useLargePagesForTheHeap();
    try {
        const std::string command = args.front();
        const std::vector<std::string> rest(args.begin() + 1, args.end());
        if (command == "state")
            return athanor::cli::runStateCommand(rest);
        if (command == "runs")
            return athanor::cli::runRunsCommand(rest);
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

// Helper process for tst_lifecycle_lock and tst_repair_cli: takes the stage lock, prints "locked <pid>", then
// holds it until its stdin closes (or it is killed, which leaves a stale lock behind). ROOT is a project
// folder, or "sqlite:<file>" for the lock row of a SQLite source.
#include "lifecycle/RunApi.h"
#include "lifecycle/SourceStageLock.h"
#include "lifecycle/StageLock.h"
#include "store/StateSources.h"

#include <cstdio>
#include <iostream>
#include <string_view>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s ROOT|sqlite:FILE APP STAGE\n", argv[0]);
        return 2;
    }
    try {
        std::optional<athanor::StageLock> fileLock;
        std::optional<athanor::SourceStageLock> sourceLock;
        std::shared_ptr<athanor::StateSource> source;
        if (std::string_view(argv[1]).starts_with("sqlite:")) {
            source = athanor::openStateSource(athanor::SourceSpec::parse(argv[1]));
            std::vector<std::string> warnings;
            sourceLock.emplace(athanor::lockSourceStage(*source, argv[2], argv[3], "up", warnings));
        } else {
            fileLock.emplace(athanor::StageLock::acquire(athanor::DotAlchemyLayout::forProject(argv[1]),
                                                         argv[2], argv[3], "up"));
        }
        std::cout << "locked " << ::getpid() << std::endl;
        char c;
        while (::read(0, &c, 1) > 0) {
        }
        return 0;
    } catch (const athanor::LockHeldError& e) {
        std::cout << "held " << e.pid << std::endl;
        return 3;
    }
}

// Helper process for tst_lifecycle_lock: takes the stage lock, prints "locked <pid>", then holds it until its
// stdin closes (or it is killed, which leaves a stale lock behind).
#include "lifecycle/RunApi.h"
#include "lifecycle/StageLock.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s ROOT APP STAGE\n", argv[0]);
        return 2;
    }
    try {
        auto lock = athanor::StageLock::acquire(athanor::DotAlchemyLayout::forProject(argv[1]), argv[2],
                                                argv[3], "up");
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

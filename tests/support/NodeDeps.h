#pragma once
// Where the pinned real Alchemy ecosystem lives for tests (installed by the `node_deps` CTest fixture, see
// tests/support/install-node-deps.sh). A test that needs it declares NODE_DEPS in athanor_add_test and calls
// requireNodeDeps(), which fails the test with a clear message when the install is missing: never a skip.

#include <QtTest/QTest>

#include <filesystem>
#include <string>

namespace node_deps {

namespace fs = std::filesystem;

inline fs::path dir() {
    return fs::path(ATHANOR_NODE_DEPS_DIR);
}
inline fs::path nodeModules() {
    return dir() / "node_modules";
}
inline fs::path bin(const std::string& name) {
    return nodeModules() / ".bin" / name;
}
inline bool ready() {
    return fs::exists(dir() / ".complete");
}

} // namespace node_deps

// In a test function: stops it (as a failure) when the real packages are not installed.
#define requireNodeDeps()                                                                                        \
    do {                                                                                                       \
        if (!node_deps::ready())                                                                               \
            QFAIL(qPrintable(QStringLiteral("real Alchemy is not installed in %1: run "                      \
                                            "tests/support/install-node-deps.sh %1 (the node_deps test does)") \
                                 .arg(QString::fromStdString(node_deps::dir().string()))));                    \
    } while (0)

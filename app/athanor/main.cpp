#include "app/Application.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <cstdlib>
#include <cstring>

namespace {

bool windowSystemSet() {
    for (const char* variable : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        if (const char* value = std::getenv(variable); value && *value)
            return true;
    return false;
}

// Whether the command line may ask for help or the version (QCommandLineParser's spellings). Only a hint: the
// parser decides, so `--filter --help` still opens the window filtered by "--help". --help-all lists Qt's
// window-system options too, which only QApplication knows: it goes this way only when there is no display.
bool mayAskForInformation(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        for (const char* option : {"-h", "--help", "-?", "-v", "--version"})
            if (std::strcmp(argv[i], option) == 0)
                return true;
        if (std::strcmp(argv[i], "--help-all") == 0 && !windowSystemSet())
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    // --help and --version print and exit before anything touches the window system, so they work without a
    // display (ssh, CI, a package's smoke test), where QApplication would abort.
    if (mayAskForInformation(argc, argv)) {
        QCoreApplication app(argc, argv);
        athanor::ui::setApplicationIdentity();
        QCommandLineParser parser;
        athanor::ui::describeCommandLine(parser);
        parser.process(app); // exits after printing help or version, or a usage error
    }
    return athanor::ui::runApplication(argc, argv);
}

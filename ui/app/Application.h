#pragma once

class QCommandLineParser;

namespace athanor::ui {

// The whole `athanor` program behind main(): command line, application identity, theme, the window and the
// scripted modes used by benchmarks and screenshots.
//   athanor [DIR]                    open a project folder or a .alchemy folder
//   --theme light|dark               palette for this run (also remembered from the View menu)
//   --select FQN, --tab NAME         what to show (scripted screenshots)
//   --filter TEXT                    initial filter text
//   --unlock-stdin                   read passwords from stdin, one per line (scripts; never stored)
//   --reveal-all                     show opened secrets in plain text
//   --screenshot FILE                save a PNG of the window once everything asked for is shown, then exit
//   --exit-when-loaded               print the times to the tree shown and to all records loaded, exit
//   (benchmark)
//   --size WxH                       window size for this run
//   --read-only                      deploy console without Up and Destroy
int runApplication(int argc, char** argv);

// Name, version and desktop id; callable before any application object exists.
void setApplicationIdentity();

// The options above, with --help and --version. main() uses them with a QCoreApplication to answer --help and
// --version without a display.
void describeCommandLine(QCommandLineParser& parser);

// Registers the icons compiled into the static library (tests call it; runApplication does it itself).
void initResources();

} // namespace athanor::ui

#pragma once

namespace athanor::ui {

class DeployConsole;
class MainWindow;

// Docks a DeployConsole in the inspector's window and connects the two: the open project, live snapshots,
// the shared password vault and dialog, a reload of the tree as resources change and when a run ends, the
// Deploy menu, and the close guard. Kept here so the window itself needs one call to get a console.
DeployConsole* installDeployConsole(MainWindow* window, bool readOnly = false);

} // namespace athanor::ui

#pragma once

class QStatusBar;

namespace athanor::ui {

class DetailsPane;
class ScopeTreeView;

// Edit › Copy: the selection of the focused text field (a line edit, a log, a text view), else the current
// value of the details pane when it has the focus, else the FQN selected in the tree (said in `statusBar`).
void copySelection(DetailsPane* details, const ScopeTreeView* tree, QStatusBar* statusBar);

} // namespace athanor::ui

#pragma once

#include <QString>

class QMessageBox;
class QWidget;

namespace athanor::ui {

// The one question asked before something writes to a state source that cannot keep a second writer off
// the stage (StateSource::stageLockSupport(): Alchemy's Cloudflare worker, an S3 endpoint that ignores
// If-None-Match): a run from the deploy dock and every repair. `what` is what would write ("Up", "Repair
// “rm team/dev/a”"), `stages` the stage(s) it writes, `reason` the source's reason (it names the source).
// Not shown: the caller opens it (window-modal) and reads the answer with runsWithoutLock() once it is
// finished. Cancel is the default; "Run without a stage lock" answers for that one operation only.
QMessageBox* makeStageLockQuestion(QWidget* parent, const QString& what, const QString& stages,
                                   const QString& reason);
// True when the finished question was answered "Run without a stage lock".
bool runsWithoutLock(const QMessageBox* question);

} // namespace athanor::ui

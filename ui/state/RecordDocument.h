#pragma once

#include "snapshot/StateSnapshot.h"

#include "json/Json.h"
#include <QString>
#include <memory>

namespace athanor::ui {

// One record read in full through its source (the snapshot only summarises records): its text (a file's
// exact bytes; a database row in file form) and, when it parses, the document. Built on a worker thread,
// then shared read-only with the views.
struct RecordDocument {
    QString fqn;
    QString key;          // SnapshotRecord::key(): the key secrets are remembered under
    QString absolutePath; // the file holding it (its own file, or the database)
    QString location;     // where it is, for messages (the file; the database and row)
    QString text;
    std::shared_ptr<const Json> json; // null when the text is not JSON
    QString error;                    // why the file could not be read or parsed

    static std::shared_ptr<const RecordDocument> load(const StateSnapshot& snapshot,
                                                      const SnapshotRecord& record);
};

} // namespace athanor::ui

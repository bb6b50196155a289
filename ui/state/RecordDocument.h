#pragma once

#include "snapshot/StateSnapshot.h"

#include "json/Json.h"
#include <QString>
#include <memory>

namespace athanor::ui {

// One record file read in full (the snapshot only summarises records): its text as on disk and, when it
// parses, the document. Built on a worker thread, then shared read-only with the views.
struct RecordDocument {
    QString fqn;
    QString relativePath; // relative to .alchemy: the key secrets are remembered under
    QString absolutePath;
    QString text;
    std::shared_ptr<const Json> json; // null when the text is not JSON
    QString error;                    // why the file could not be read or parsed

    static std::shared_ptr<const RecordDocument> load(const StateSnapshot& snapshot,
                                                      const SnapshotRecord& record);
};

} // namespace athanor::ui

#include "state/RecordDocument.h"

#include "store/AtomicFile.h"

#include "json/JsonParse.h"

namespace athanor::ui {

std::shared_ptr<const RecordDocument> RecordDocument::load(const StateSnapshot& snapshot,
                                                           const SnapshotRecord& record) {
    auto doc = std::make_shared<RecordDocument>();
    doc->fqn = QString::fromStdString(record.fqn);
    doc->relativePath = QString::fromStdString(record.relativePath);
    doc->absolutePath = QString::fromStdString(snapshot.absolutePath(record).string());
    try {
        // Contained read: a symlink leading out of .alchemy is refused, as the snapshot loader does.
        std::optional<std::string> text = readFileContained(snapshot.layout.dotAlchemy, record.relativePath);
        if (!text) {
            doc->error = QStringLiteral("the file no longer exists");
            return doc;
        }
        doc->text = QString::fromUtf8(text->data(), static_cast<qsizetype>(text->size()));
        try {
            doc->json = std::make_shared<const Json>(parseJsonText(*text));
        } catch (const std::exception& e) {
            doc->error = QString::fromUtf8(e.what());
        }
    } catch (const std::exception& e) {
        doc->error = QString::fromUtf8(e.what());
    }
    return doc;
}

} // namespace athanor::ui

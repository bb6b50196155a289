#include "state/RecordDocument.h"

#include "store/StateSource.h"

#include "json/JsonParse.h"

namespace athanor::ui {

std::shared_ptr<const RecordDocument> RecordDocument::load(const StateSnapshot& snapshot,
                                                           const SnapshotRecord& record) {
    auto doc = std::make_shared<RecordDocument>();
    doc->fqn = QString::fromStdString(record.fqn);
    doc->key = QString::fromStdString(record.key());
    doc->absolutePath = QString::fromStdString(snapshot.absolutePath(record).string());
    try {
        doc->location = QString::fromStdString(snapshot.location(record));
        if (!snapshot.source)
            throw std::logic_error("the snapshot has no source to read the record from");
        // The source's read: a folder refuses a symlink leading out of .alchemy, as its scan does.
        std::optional<std::string> text = snapshot.source->readRecordText(record.chain, record.id);
        if (!text) {
            doc->error = QStringLiteral("the record no longer exists");
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

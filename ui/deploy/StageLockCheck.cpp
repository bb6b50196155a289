#include "deploy/StageLockCheck.h"

#include "store/StateSource.h"
#include "store/StateSources.h"

namespace athanor::ui {

StageLockCheck::StageLockCheck(QObject* parent) : QObject(parent) {
    m_job.onRunningChanged([this](bool running) { emit runningChanged(running); });
}

StageLockCheck::Result StageLockCheck::check(const QString& specText, OpenedSource* opened) {
    Result result;
    std::unique_lock<std::mutex> hold;
    if (opened)
        hold = std::unique_lock(opened->mutex);
    try {
        const auto spec = athanor::SourceSpec::parse(specText.toStdString());
        if (!spec.isRemote())
            return result; // folders and databases always lock
        std::shared_ptr<athanor::StateSource> source;
        if (opened && opened->specText == specText)
            source = opened->source;
        if (!source)
            source = athanor::openStateSource(spec);
        if (opened) {
            opened->specText = specText;
            opened->source = source;
        }
        result.source = QString::fromStdString(source->describe());
        if (const athanor::StageLockSupport support = source->stageLockSupport(); !support.excludesWriters)
            result.reason = QString::fromStdString(support.reason);
    } catch (const std::exception&) {
        result.reason.clear(); // the run reports the failure itself, before it writes anything
        if (opened)
            opened->source.reset(); // asked again next time (new credentials, the server back)
    }
    return result;
}

bool StageLockCheck::start(const QString& specText) {
    if (m_job.isRunning())
        return false;
    m_job.start([specText, opened = m_opened] { return check(specText, opened.get()); },
                [this](const Result& result) { emit finished(result); });
    return true;
}

void StageLockCheck::discard() {
    m_job.discard();
}

} // namespace athanor::ui

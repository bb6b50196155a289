#include "deploy/StageLockCheck.h"

#include "store/StateSources.h"
#include "store/s3/S3Source.h"

namespace athanor::ui {

StageLockCheck::StageLockCheck(QObject* parent) : QObject(parent) {
    m_job.onRunningChanged([this](bool running) { emit runningChanged(running); });
}

StageLockCheck::Result StageLockCheck::check(const QString& specText) {
    Result result;
    try {
        const auto spec = athanor::SourceSpec::parse(specText.toStdString());
        if (!spec.isRemote())
            return result; // folders and databases always lock
        const std::shared_ptr<athanor::StateSource> source = athanor::openStateSource(spec);
        result.source = QString::fromStdString(source->describe());
        if (source->stageLocking() == athanor::StageLocking::Unsupported)
            result.reason = QString::fromStdString(source->whyNoStageLock());
        else if (auto* s3 = dynamic_cast<athanor::S3Source*>(source.get()); s3 && !s3->honoursCreateOnly())
            result.reason = QString::fromStdString(s3->whyNoStageLock());
    } catch (const std::exception&) {
        result.reason.clear(); // the run reports the failure itself, before it writes anything
    }
    return result;
}

bool StageLockCheck::start(const QString& specText) {
    if (m_job.isRunning())
        return false;
    m_job.start([specText] { return check(specText); },
                [this](const Result& result) { emit finished(result); });
    return true;
}

void StageLockCheck::discard() {
    m_job.discard();
}

} // namespace athanor::ui

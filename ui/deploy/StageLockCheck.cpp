#include "deploy/StageLockCheck.h"

#include "store/StateSources.h"
#include "store/s3/S3Source.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace athanor::ui {

StageLockCheck::StageLockCheck(QObject* parent) : QObject(parent) {}

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
    if (m_running)
        return false;
    m_running = true;
    const quint64 generation = ++m_generation;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_running = false;
        emit runningChanged(false);
        emit finished(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([specText] { return check(specText); }));
    emit runningChanged(true);
    return true;
}

void StageLockCheck::discard() {
    if (!m_running)
        return;
    ++m_generation;
    m_running = false;
    emit runningChanged(false);
}

} // namespace athanor::ui

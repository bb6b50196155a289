#pragma once

#include "store/ObservedStateStore.h"
#include "versions/RecordVersions.h"

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace athanor {

// The before-images of one up or destroy: the previous bytes of every record the run changes, once per
// record, in the source's version store (an operation of kind Run). Nothing is written until the run writes
// its first record, so a run that changes nothing leaves nothing behind. The after-image is not copied: it is
// the record's next version (or what the source holds now), read when the History tab asks.
class RunBeforeImages final : public RecordWriteObserver {
public:
    RunBeforeImages(std::filesystem::path athanorHome, std::string phase, std::string app, std::string stage);
    ~RunBeforeImages() override; // an unfinished operation is recorded as cut short

    void beforeWrite(StateStore& store, const std::string& id) override;
    // The run ended: its summary says so (complete, or `error`). Failures to keep history become warnings:
    // they never fail the run.
    void finish(const std::string& error = {});
    // Why before-images could not be kept (the first problem), for the run's log; empty when all went well.
    std::string problem() const;
    // The operation's id in the version store; empty while the run has written nothing.
    std::string operationId() const;

private:
    VersionStore m_store;
    VersionStore::Begin m_begin;
    mutable std::mutex m_mutex;
    std::unique_ptr<VersionStore::Writer> m_writer;
    std::string m_id;
    std::string m_problem;
};

} // namespace athanor

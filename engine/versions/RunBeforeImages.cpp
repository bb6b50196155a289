#include "versions/RunBeforeImages.h"

namespace athanor {

RunBeforeImages::RunBeforeImages(std::filesystem::path athanorHome, std::string phase, std::string app,
                                 std::string stage)
    : m_store(std::move(athanorHome)) {
    m_begin.kind = OperationKind::Run;
    m_begin.operation = phase;
    m_begin.title = phase + " " + app + "/" + stage;
    m_begin.stages = {app + "/" + stage};
}

RunBeforeImages::~RunBeforeImages() {
    std::lock_guard lock(m_mutex);
    if (m_writer)
        try {
            m_writer->finish("stopped before it finished");
        } catch (const std::exception&) {
            // The records file keeps every before-image taken.
        }
}

void RunBeforeImages::beforeWrite(StateStore& store, const std::string& id) {
    const RecordKey key{store.chain(), id};
    {
        std::lock_guard lock(m_mutex);
        if (!m_problem.empty() || (m_writer && m_writer->hasBefore(key)))
            return; // once per record per run
        if (!m_writer) {
            try {
                m_writer = m_store.begin(m_begin);
                m_id = m_writer->id();
            } catch (const std::exception& e) {
                m_problem = e.what();
                return;
            }
        }
    }
    // Read outside the lock: two threads never write the same record, and reads of others run in parallel.
    try {
        const std::optional<std::string> previous = store.readText(id);
        m_writer->before(key, previous);
    } catch (const std::exception& e) {
        std::lock_guard lock(m_mutex);
        if (m_problem.empty())
            m_problem = "cannot keep the previous version of " + store.location(id) + ": " + e.what();
    }
}

void RunBeforeImages::finish(const std::string& error) {
    std::lock_guard lock(m_mutex);
    if (!m_writer)
        return;
    try {
        m_writer->finish(error);
    } catch (const std::exception& e) {
        if (m_problem.empty())
            m_problem = e.what();
    }
    m_writer.reset();
}

std::string RunBeforeImages::problem() const {
    std::lock_guard lock(m_mutex);
    return m_problem;
}

std::string RunBeforeImages::operationId() const {
    std::lock_guard lock(m_mutex);
    return m_id;
}

} // namespace athanor
